//! Incremental equals full: for random single-record edits of every collection (the body, a
//! field, a change of shape), what `renkei serve` makes of the edit — the previous build with
//! the re-rendered files laid over it — is byte-identical to a fresh full build of the edited
//! site, every output file compared. Zola added such a test after its fast rebuild silently
//! did nothing; ours found a stale search index and stale summaries.
//!
//! 48 cases by default; `PROPTEST_CASES=1000 cargo test --release --test incremental` is the
//! long run.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::Path;

use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use renkei::diagnostics::Diagnostics;
use renkei::load::{self, LoadOptions};
use renkei::pipeline;
use renkei::pipeline::output::Memory;
use renkei::records::meta::{LoadCtx, Profile};

use common::*;

/// One edit of one file: replace `from` with `to` (empty `from`: append to the body), and
/// whether serve may update the pages in place or must run the full pipeline.
struct Edit {
    file: &'static str,
    from: &'static str,
    to: &'static str,
    update: Update,
}

/// Which way `serve` takes an edit.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Update {
    /// Only the pages that show the record are rendered again.
    InPlace,
    /// The record's shape changed: the full pipeline runs.
    Full,
}

const fn edit(file: &'static str, from: &'static str, to: &'static str) -> Edit {
    Edit {
        file,
        from,
        to,
        update: Update::InPlace,
    }
}

/// An edit of what decides where a record appears.
const fn shape(file: &'static str, from: &'static str, to: &'static str) -> Edit {
    Edit {
        file,
        from,
        to,
        update: Update::Full,
    }
}

const SAKURA: &str = "content/partners/sakura-naika.md";
const BYOIN: &str = "content/partners/minato-byoin.md";
const CARE: &str = "content/care/minato-houkan.md";
const DOCTOR: &str = "content/doctors/dr-sato.md";
const SEMINAR: &str = "content/seminars/open-conf-2026-12.md";
const NEWS: &str = "content/news/fax-hours.md";
const PATHWAY: &str = "content/pathways/nousocchu.md";
const PAGE: &str = "content/pages/referral.md";
const HOME: &str = "content/pages/index.md";
const FORM: &str = "content/forms/fax-cover.md";
const EQUIPMENT: &str = "content/equipment/ct.md";
const NEWSLETTER: &str = "content/koho/dayori-3.md";

/// Bodies (the first paragraph is the summary), fields that are not the shape, and shape
/// changes (which the incremental path hands to the full pipeline), for every collection.
const EDITS: &[Edit] = &[
    edit(SAKURA, "", "\n麒麟の追記です。\n"),
    edit(
        SAKURA,
        "当院は本町にある内科のクリニックです。",
        "当院は駅前の内科です。",
    ),
    edit(SAKURA, "tel: \"099-211-1234\"", "tel: \"099-211-4321\""),
    edit(
        SAKURA,
        "hours_note: 木曜午後・日曜・祝日休診",
        "hours_note: 木曜休診",
    ),
    shape(SAKURA, "area: 中央", "area: 北部"),
    edit(BYOIN, "", "\n病院の追記。\n"),
    edit(CARE, "", "\n訪問看護の追記。\n"),
    edit(CARE, "fax: \"099-231-0002\"", "fax: \"099-231-0009\""),
    edit(CARE, "accepting: true", "accepting: false"),
    edit(
        CARE,
        "24時間対応の訪問看護ステーションです。",
        "夜間も対応します。",
    ),
    shape(CARE, "area: 南部", "area: 中央"),
    edit(
        DOCTOR,
        "糖尿病と在宅緩和ケアを専門にしています。",
        "糖尿病を専門にしています。",
    ),
    edit(
        DOCTOR,
        "specialties: [糖尿病, 在宅緩和ケア]",
        "specialties: [糖尿病]",
    ),
    edit(DOCTOR, "co_treatment: true", "co_treatment: false"),
    shape(DOCTOR, "partner: sakura-naika", "partner: minato-byoin"),
    edit(SEMINAR, "", "\n持ち物: 筆記用具\n"),
    edit(SEMINAR, "capacity: 80", "capacity: 60"),
    edit(SEMINAR, "fee: 無料", "fee: 500円"),
    edit(
        SEMINAR,
        "心不全患者さんの退院支援と",
        "心不全の患者さんの退院支援と",
    ),
    edit(
        SEMINAR,
        "title: 第42回 オープンカンファレンス「心不全の地域連携」",
        "title: 第42回 オープンカンファレンス",
    ),
    shape(
        SEMINAR,
        "start: 2026-12-10T18:30:00+09:00",
        "start: 2026-12-10T18:00:00+09:00",
    ),
    edit(NEWS, "", "\n詳しくはお電話で。\n"),
    edit(
        NEWS,
        "12月1日から、FAX予約の受付時間を16時までとします。",
        "12月1日から受付は16時までです。",
    ),
    shape(NEWS, "pinned: true", "pinned: false"),
    edit(
        NEWS,
        "title: FAX予約の受付時間を変更します",
        "title: FAX予約の受付時間が変わります",
    ),
    edit(PATHWAY, "", "\n追記。\n"),
    edit(PATHWAY, "title: 脳卒中 地域連携パス", "title: 脳卒中パス"),
    edit(PATHWAY, "disease: 脳卒中", "disease: 脳梗塞"),
    shape(
        PATHWAY,
        "participants: [sakura-naika, minato-byoin, minato-houkan]",
        "participants: [sakura-naika, minato-houkan]",
    ),
    edit(
        PATHWAY,
        "summary: 急性期から回復期、在宅まで治療計画を共有します。",
        "summary: 治療計画を共有します。",
    ),
    edit(FORM, "", "\n送信前に番号をご確認ください。\n"),
    edit(
        FORM,
        "how_to_send: 申込書の1枚目に付けてお送りください。",
        "how_to_send: 1枚目に付けてください。",
    ),
    edit(
        FORM,
        "fields: [送信日と送信枚数, 送信元の医療機関名]",
        "fields: [送信日]",
    ),
    shape(FORM, "revised: 2026-04-01", "revised: 2026-10-01"),
    shape(FORM, "purpose: 送付状", "purpose: その他"),
    edit(EQUIPMENT, "", "\n撮影は10分ほどです。\n"),
    edit(
        EQUIPMENT,
        "booking: [申込書をFAXで送る, 予約票をFAXで返信]",
        "booking: [申込書をFAXで送る]",
    ),
    shape(EQUIPMENT, "yen: 13500", "yen: 14000"),
    shape(
        EQUIPMENT,
        "schedule: 平日 9:00〜16:00",
        "schedule: 平日 9:00〜17:00",
    ),
    edit(NEWSLETTER, "", "\n登録医の先生方には郵送でお届けします。\n"),
    edit(NEWSLETTER, "第3号を発行しました。", "第3号です。"),
    shape(
        NEWSLETTER,
        "title: 連携だより 第3号",
        "title: 連携だより 3号",
    ),
    shape(NEWSLETTER, "issued: 2026-10-01", "issued: 2027-04-01"),
    edit(PAGE, "", "\n## 追記\n\n紹介状の追記。\n"),
    shape(
        PAGE,
        "title: 紹介受診・検査予約の流れ",
        "title: 紹介受診の流れ",
    ),
    edit(HOME, "", "\nホームの追記。\n"),
];

fn options(root: &Path) -> LoadOptions {
    LoadOptions {
        root: root.to_path_buf(),
        profile: Profile::Partners,
        build_date: NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"),
        base_url: Default::default(),
        drafts: false,
    }
}

/// A full build's files, with the site and theme `serve` keeps for later edits.
type Built = (
    HashMap<String, Vec<u8>>,
    renkei::site::Site,
    renkei::theme::Theme,
);

fn full(root: &Path) -> Result<Built, TestCaseError> {
    let diags = Diagnostics::new();
    let sink = Memory::default();
    let (site, theme) = pipeline::run(&options(root), &diags, &sink).map_err(|e| {
        TestCaseError::fail(format!("full build failed: {e:?} {:?}", diags.sorted()))
    })?;
    Ok((sink.into_files(), site, theme))
}

/// The files serve shows after an edit, and the paths it rendered again.
type Served = (HashMap<String, Vec<u8>>, BTreeSet<String>);

/// The edited site as `serve` would show it, with the paths serve rendered again, or `None`
/// when the edit needs the full pipeline.
fn incremental(
    root: &Path,
    file: &str,
    before: &HashMap<String, Vec<u8>>,
    mut site: renkei::site::Site,
    theme: &renkei::theme::Theme,
) -> Result<Option<Served>, TestCaseError> {
    let fail = |m: String| TestCaseError::fail(m);
    let src = load::source_file(root, &root.join(file))
        .ok_or_else(|| fail(format!("{file}: not a record")))?;
    let ctx = LoadCtx {
        config: &site.config.clone(),
        profile: Profile::Partners,
        statics: &site.statics.clone(),
        build_date: site.build_date,
        curriculum: &site.curriculum.clone(),
        theme_ids: &site.theme_ids.clone(),
    };
    let (record, diags) = load::read_one(&src, &ctx);
    let Some((record, _)) = record else {
        return Err(fail(format!("{file}: {diags:?}")));
    };
    let own = std::sync::Mutex::new(HashMap::new());
    let first = |m: Memory| {
        if let Ok(mut own) = own.lock() {
            own.extend(m.into_files());
        }
    };
    let sink = Memory::default();
    match renkei::render::incremental::apply(
        &mut site,
        theme,
        record,
        &sink,
        &first,
        &renkei::diagnostics::Diagnostics::new(),
    ) {
        Ok(Some(_)) => {}
        Ok(None) => return Ok(None),
        Err(e) => return Err(fail(format!("{e:?}"))),
    }
    let mut files = before.clone();
    let rendered: HashMap<String, Vec<u8>> = own
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .chain(sink.into_files())
        .collect();
    let paths = rendered.keys().cloned().collect();
    files.extend(rendered);
    Ok(Some((files, paths)))
}

fn differences(a: &HashMap<String, Vec<u8>>, b: &HashMap<String, Vec<u8>>) -> Vec<String> {
    let mut names: Vec<&String> = a.keys().chain(b.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|n| a.get(*n) != b.get(*n))
        .map(|n| n.to_string())
        .collect()
}

/// Applies `e` (with `extra` words in appended bodies), checks the path serve takes and that
/// its result equals a fresh full build, then puts the file back.
fn check(
    root: &Path,
    before: &HashMap<String, Vec<u8>>,
    e: &Edit,
    extra: &str,
) -> Result<(), TestCaseError> {
    let path = root.join(e.file);
    let original = fs::read_to_string(&path).map_err(|x| TestCaseError::fail(x.to_string()))?;
    // The previous build, as serve holds it.
    let (_, old_site, theme) = full(root)?;
    // Bodies get random words; fields take the value listed, which must stay valid.
    let edited = if e.from.is_empty() {
        format!("{original}{}{extra}\n", e.to)
    } else {
        prop_assert!(original.contains(e.from), "{} lacks {:?}", e.file, e.from);
        original.replacen(e.from, e.to, 1)
    };
    fs::write(&path, &edited).map_err(|x| TestCaseError::fail(x.to_string()))?;
    let result = (|| {
        let updated = incremental(root, e.file, before, old_site, &theme)?.map(|(files, _)| files);
        let (fresh, _, _) = full(root)?;
        prop_assert_eq!(
            updated.is_some(),
            e.update == Update::InPlace,
            "edit {:?} → {:?} should take the {:?} path",
            e.from,
            e.to,
            e.update
        );
        if let Some(updated) = updated {
            let diff = differences(&updated, &fresh);
            prop_assert!(
                diff.is_empty(),
                "edit {:?} → {:?}: stale or extra files {diff:?}",
                e.from,
                e.to
            );
        }
        Ok(())
    })();
    fs::write(&path, &original).map_err(|x| TestCaseError::fail(x.to_string()))?;
    result
}

/// Every edit of the table once, so no collection is left to chance.
#[test]
fn every_listed_edit_updates_exactly_what_a_full_build_changes() {
    let site = site_copy("minimal");
    let root = site.path();
    let (before, _, _) = full(root).expect("the fixture builds");
    let collections: std::collections::BTreeSet<&str> = EDITS
        .iter()
        .filter_map(|e| e.file.split('/').nth(1))
        .collect();
    assert_eq!(
        collections.len(),
        renkei::collection::Collection::ALL.len(),
        "every collection has edits: {collections:?}"
    );
    for e in EDITS {
        if let Err(err) = check(root, &before, e, "くすのき") {
            panic!("{}: {err}", e.file);
        }
    }
}

/// Random words in random edits: the same property over many more inputs.
#[test]
fn an_incremental_update_equals_a_full_build() {
    let site = site_copy("minimal");
    let root = site.path();
    let (before, _, _) = full(root).expect("the fixture builds");
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (0..EDITS.len(), "[あ-ん]{1,6}");
    runner
        .run(&strategy, |(picked, extra)| {
            check(root, &before, &EDITS[picked], &extra)
        })
        .unwrap();
}

/// Output paths with their inodes: every file a build writes is renamed into place, so a
/// rewritten file has a new inode and a kept one its old.
fn inodes(out: &Path) -> HashMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    files(out)
        .into_iter()
        .filter(|p| !p.to_string_lossy().starts_with(".renkei-"))
        .map(|p| {
            let ino = fs::metadata(out.join(&p)).map(|m| m.ino()).unwrap_or(0);
            (p.to_string_lossy().into_owned(), ino)
        })
        .collect()
}

/// On disk, a rebuild after an edit that serve takes in place writes exactly the files serve
/// renders again whose bytes changed: one rule for what shows a record, for both.
#[test]
fn a_rebuild_writes_exactly_what_serve_renders_again_and_changed() {
    let site = site_copy("minimal");
    let root = site.path();
    let out = root.join("public");
    let build = || {
        let diags = Diagnostics::new();
        pipeline::build(&options(root), &out, false, &diags).expect("the fixture builds")
    };
    build();
    let mut checked = 0;
    for e in EDITS.iter().filter(|e| e.update == Update::InPlace) {
        let path = root.join(e.file);
        let original = fs::read_to_string(&path).unwrap();
        let (before, old_site, theme) = full(root).unwrap();
        let disk_before = inodes(&out);
        let edited = if e.from.is_empty() {
            format!("{original}{}\n", e.to)
        } else {
            original.replacen(e.from, e.to, 1)
        };
        fs::write(&path, &edited).unwrap();
        let (after, rendered) = incremental(root, e.file, &before, old_site, &theme)
            .unwrap()
            .expect("an in-place edit");
        let expected: BTreeSet<String> = rendered
            .into_iter()
            .filter(|p| before.get(p) != after.get(p))
            .collect();
        build();
        let disk_after = inodes(&out);
        let written: BTreeSet<String> = disk_after
            .iter()
            .filter(|(p, ino)| disk_before.get(*p) != Some(ino))
            .map(|(p, _)| p.clone())
            .collect();
        assert!(
            !written.is_empty(),
            "{} {:?}: nothing written",
            e.file,
            e.to
        );
        assert_eq!(written, expected, "{} {:?} → {:?}", e.file, e.from, e.to);
        fs::write(&path, &original).unwrap();
        build();
        checked += 1;
    }
    assert!(checked >= 10, "{checked}");
}
