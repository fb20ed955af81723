//! Property tests for `renkei import`: whatever a sheet holds — random bytes, or a table whose
//! headers and cells are drawn from what office lists really contain (全角 digits, 半角カナ,
//! ○/△, 和暦, quotes, line breaks in cells, CP932) mixed with arbitrary text — the import
//! never panics, and when it says it wrote the files, `check` accepts the site it left.
//!
//! Runs 64 cases per property by default; `PROPTEST_CASES=5000 cargo test --release --test
//! import_fuzz` is the long run.

mod common;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};

use renkei::diagnostics::{Diagnostics, Severity};
use renkei::import::{self, ImportOptions, Kind, Source};
use renkei::load::LoadOptions;
use renkei::pipeline;
use renkei::records::meta::Profile;

use common::*;

const HEADERS: &[&str] = &[
    "名称",
    "医療機関名",
    "よみ",
    "フリガナ",
    "種別",
    "診療科",
    "地区",
    "〒",
    "住所",
    "電話番号",
    "ＦＡＸ",
    "院長",
    "往診",
    "訪問診療",
    "登録医療機関",
    "情報更新日",
    "ID",
    "備考",
    "病床数",
    "医療情報ネットID",
    "緯度",
    "経度",
    "ホームページ",
    "事業所番号",
    "サービスの種類",
    "定員",
    "新規受入れ",
    "運営法人",
    "氏名",
    "勤務先",
    "専門・得意分野",
    "登録日",
    "共同診療",
    "ページURL",
];

const CELLS: &[&str] = &[
    "",
    " ",
    "さくら内科クリニック",
    "さくらないかくりにっく",
    "ｻｸﾗﾅｲｶ",
    "みなと中央病院",
    "医療法人社団さくら会 さくら内科",
    "青空　太郎",
    "あおぞら たろう",
    "診療所",
    "病院",
    "助産所",
    "内科・外科",
    "耳鼻咽喉科",
    "内料",
    "中央",
    "北部地区",
    "西部",
    "〒８９９－０１０２",
    "8990102",
    "汐見県みなと市本町2丁目3－4",
    "099-211-1234",
    "０９９－２１１－１２３４",
    "992111234",
    "TEL:099(211)1234",
    "099-22",
    "○",
    "×",
    "△",
    "有",
    "不可",
    "2026/4/1",
    "46113",
    "令和8年4月1日",
    "R8.4.1",
    "2026/13/01",
    "120床",
    "十",
    "-5",
    "31.65",
    "130.55",
    "999",
    "www.example.jp",
    "https://example.jp/a/",
    "mail@example.jp",
    "4670100123",
    "467010012",
    "4620110000157",
    "訪問看護",
    "通所介護、地域密着型通所介護",
    "sakura-naika",
    "P-012",
    "No.12",
    "さくら",
    "https://www.example.jp/renkei/partners/sakura-naika/",
    "a,b",
    "\"引用\"",
    "1行目\n2行目",
    "---",
    ": #",
    "{[",
];

/// A cell: mostly real-looking values, sometimes arbitrary text.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(CELLS).prop_map(str::to_string),
        1 => "\\PC{0,12}",
    ]
}

fn header() -> impl Strategy<Value = String> {
    prop_oneof![
        5 => proptest::sample::select(HEADERS).prop_map(str::to_string),
        1 => "\\PC{0,8}",
    ]
}

/// RFC 4180 quoting, as Excel writes it.
fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect();
    quoted.join(",")
}

#[derive(Debug, Clone, Copy)]
enum Encoding {
    Utf8,
    Utf8Bom,
    Cp932,
}

fn encode(text: &str, e: Encoding) -> Vec<u8> {
    match e {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => {
            let mut b = vec![0xEF, 0xBB, 0xBF];
            b.extend_from_slice(text.as_bytes());
            b
        }
        Encoding::Cp932 => encoding_rs::SHIFT_JIS.encode(text).0.into_owned(),
    }
}

/// How the cases of one property ended (file refused, rows with errors, written), printed
/// with --nocapture so a long run shows that every branch was reached.
#[derive(Default)]
struct Endings([Cell<usize>; 3]);

impl Endings {
    fn count(&self, i: usize) {
        self.0[i].set(self.0[i].get() + 1);
    }

    fn print(&self, name: &str) {
        let [refused, invalid, written] = [0, 1, 2].map(|i| self.0[i].get());
        eprintln!("{name}: file refused {refused}, rows with errors {invalid}, written {written}");
    }
}

const KINDS: [Kind; 3] = [Kind::Partners, Kind::Care, Kind::Doctors];
const RECORD_DIRS: [&str; 3] = ["partners", "care", "doctors"];

/// Every file of the record folders and site.yaml, to put the site back after a case.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for dir in RECORD_DIRS {
        for rel in files(&root.join("content").join(dir)) {
            let path = root.join("content").join(dir).join(rel);
            out.insert(path.clone(), fs::read(&path).expect("read"));
        }
    }
    let site = root.join("content/site.yaml");
    out.insert(site.clone(), fs::read(&site).expect("read"));
    out
}

fn restore(root: &Path, snap: &BTreeMap<PathBuf, Vec<u8>>) {
    for dir in RECORD_DIRS {
        let dir = root.join("content").join(dir);
        for rel in files(&dir) {
            let path = dir.join(rel);
            if !snap.contains_key(&path) {
                fs::remove_file(path).expect("remove");
            }
        }
    }
    for (path, bytes) in snap {
        fs::write(path, bytes).expect("write");
    }
}

/// Imports `bytes` as `sheet.<ext>`; see [`run_and_judge`].
#[allow(clippy::too_many_arguments)]
fn import_with(
    endings: &Endings,
    root: &Path,
    snap: &BTreeMap<PathBuf, Vec<u8>>,
    kind: Kind,
    ext: &str,
    bytes: &[u8],
    update: bool,
    dry_run: bool,
) -> Result<(), TestCaseError> {
    let sheet = root.join(format!("sheet.{ext}"));
    fs::write(&sheet, bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let source = Source::Sheet(kind, sheet);
    run_and_judge(endings, root, snap, source, update, dry_run, None)
}

/// Runs an import and judges how it ended: a refusal must say why, rows with errors must name
/// a row and leave every file as it was, and an import that wrote must leave a site `check`
/// accepts. The site is put back afterwards.
fn run_and_judge(
    endings: &Endings,
    root: &Path,
    snap: &BTreeMap<PathBuf, Vec<u8>>,
    source: Source,
    update: bool,
    dry_run: bool,
    area: Option<&str>,
) -> Result<(), TestCaseError> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
    let opts = ImportOptions {
        root: root.to_path_buf(),
        source,
        map: None,
        dry_run,
        update,
        skip_invalid: false,
        area: area.map(str::to_string),
        today,
    };
    let result = import::run(&opts);
    let verdict = match result {
        Err(message) => {
            endings.count(0);
            prop_assert!(
                !message.to_string().is_empty(),
                "an error without a message"
            );
            Ok(())
        }
        Ok(outcome) if outcome.code == 1 => {
            endings.count(1);
            prop_assert!(
                outcome.errors.contains("行目"),
                "a failed import names no row:\n{}",
                outcome.errors
            );
            prop_assert!(
                snapshot(root) == *snap,
                "a failed import changed files:\n{}",
                outcome.errors
            );
            Ok(())
        }
        Ok(outcome) => {
            endings.count(2);
            prop_assert_eq!(outcome.code, 0);
            let load = LoadOptions {
                root: root.to_path_buf(),
                profile: Profile::Partners,
                build_date: today,
                base_url: Default::default(),
                drafts: true,
            };
            let diags = Diagnostics::new();
            let checked = pipeline::check(&load, &diags);
            let errors: Vec<String> = diags
                .sorted()
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| d.to_string())
                .collect();
            prop_assert!(
                checked.is_ok() && errors.is_empty(),
                "import succeeded but check fails:\n{}\n\nreport:\n{}",
                errors.join("\n"),
                outcome.report
            );
            Ok(())
        }
    };
    restore(root, snap);
    verdict
}

#[test]
fn arbitrary_bytes_never_panic_the_import() {
    let site = site_copy("minimal");
    let snap = snapshot(site.path());
    let endings = Endings::default();
    let mut runner = TestRunner::new(proptest_config());
    runner
        .run(
            &(
                0..KINDS.len(),
                proptest::sample::select(&["csv", "xlsx", "tsv"][..]),
                vec(any::<u8>(), 0..2000),
            ),
            |(k, ext, bytes)| {
                import_with(
                    &endings,
                    site.path(),
                    &snap,
                    KINDS[k],
                    ext,
                    &bytes,
                    true,
                    false,
                )
            },
        )
        .unwrap();
    endings.print("arbitrary_bytes_never_panic_the_import");
}

#[test]
fn arbitrary_sheets_never_panic_and_what_is_written_checks_clean() {
    let site = site_copy("minimal");
    let snap = snapshot(site.path());
    let endings = Endings::default();
    let mut runner = TestRunner::new(proptest_config());
    let sheet = (
        vec(header(), 1..10),
        vec(vec(cell(), 0..12), 0..6),
        any::<bool>(),
    );
    let encoding = prop_oneof![
        Just(Encoding::Utf8),
        Just(Encoding::Utf8Bom),
        Just(Encoding::Cp932)
    ];
    runner
        .run(
            &(
                0..KINDS.len(),
                sheet,
                encoding,
                any::<bool>(),
                any::<bool>(),
            ),
            |(k, (headers, rows, title), encoding, update, dry_run)| {
                let mut text = String::new();
                if title {
                    text.push_str("連携医療機関一覧(令和8年4月現在)\r\n\r\n");
                }
                text.push_str(&csv_line(&headers));
                text.push_str("\r\n");
                for row in &rows {
                    text.push_str(&csv_line(row));
                    text.push_str("\r\n");
                }
                let bytes = encode(&text, encoding);
                import_with(
                    &endings,
                    site.path(),
                    &snap,
                    KINDS[k],
                    "csv",
                    &bytes,
                    update,
                    dry_run,
                )
            },
        )
        .unwrap();
    endings.print("arbitrary_sheets_never_panic_and_what_is_written_checks_clean");
}

/// Sheets that are nearly right — the columns a partner needs, with good values — and then
/// spoiled here and there with the cells above or extra columns: most rows import, so the
/// "written ⇒ check accepts" half of the property is exercised as often as the error half.
#[test]
fn nearly_right_sheets_write_only_what_check_accepts() {
    let site = site_copy("minimal");
    let snap = snapshot(site.path());
    let endings = Endings::default();
    let mut runner = TestRunner::new(proptest_config());
    let base: [(&str, &[&str]); 7] = [
        (
            "名称",
            &[
                "あおぞら医院",
                "ｱｵｿﾞﾗ医院",
                "みなと 中央病院",
                "さくら内科クリニック",
                "㈱みなと薬局",
            ],
        ),
        (
            "フリガナ",
            &[
                "あおぞらいいん",
                "ｱｵｿﾞﾗｲｲﾝ",
                "ミナト チュウオウビョウイン",
                "さくらないかくりにっく",
                "みなとやっきょく",
            ],
        ),
        ("地区", &["北部", "中央", "南部地区"]),
        ("〒", &["899-0201", "〒８９９－０２０１", "8990201"]),
        (
            "住所",
            &["汐見県みなと市北町2-2", "汐見県みなと市本町５丁目１－２"],
        ),
        (
            "TEL",
            &[
                "099-221-1111",
                "０９９‐２２１ー１１１２",
                "992211113",
                "TEL:099(221)1114",
            ],
        ),
        (
            "診療科",
            &["内科", "内科・小児科", "耳鼻咽喉科", "循環器科、皮膚科"],
        ),
    ];
    let row = vec(
        (
            proptest::sample::select(&[0usize, 1, 2, 3, 4][..]),
            any::<bool>(),
            cell(),
        ),
        7,
    );
    runner
        .run(
            &(vec(row, 1..5), vec(header(), 0..3), any::<bool>()),
            |(rows, extra, update)| {
                let mut headers: Vec<String> = base.iter().map(|(h, _)| h.to_string()).collect();
                headers.extend(extra.iter().cloned());
                let mut text = csv_line(&headers);
                text.push_str("\r\n");
                for cells in &rows {
                    let line: Vec<String> = base
                        .iter()
                        .zip(cells)
                        .map(|((_, good), (pick, spoil, bad))| {
                            // One cell in ten is spoiled.
                            if *spoil && *pick == 0 {
                                bad.clone()
                            } else {
                                good[pick % good.len()].to_string()
                            }
                        })
                        .collect();
                    text.push_str(&csv_line(&line));
                    text.push_str("\r\n");
                }
                let bytes = encode(&text, Encoding::Cp932);
                import_with(
                    &endings,
                    site.path(),
                    &snap,
                    Kind::Partners,
                    "csv",
                    &bytes,
                    update,
                    false,
                )
            },
        )
        .unwrap();
    endings.print("nearly_right_sheets_write_only_what_check_accepts");
}

/// ナビイ files in the published layout (the fixture's headers) whose cells are drawn from what
/// the real data holds — placeholder times, inverted flags, codes the site lacks, 全角 digits,
/// broken coordinates — and arbitrary text: the import never panics, and what it writes checks.
#[test]
fn navii_files_with_arbitrary_cells_never_panic() {
    let site = site_copy("minimal");
    let snap = snapshot(site.path());
    let endings = Endings::default();
    let fixture = |name: &str| {
        let text =
            fs::read_to_string(repo().join("tests/fixtures/import").join(name)).expect("fixture");
        text.trim_start_matches('\u{feff}').to_string()
    };
    let fac_header = fixture("02-1_clinic_facility_info_20260601.csv")
        .lines()
        .next()
        .expect("header")
        .to_string();
    let hrs_header = fixture("02-2_clinic_speciality_hours_20260601.csv")
        .lines()
        .next()
        .expect("header")
        .to_string();
    let fac_cells = fac_header.split(',').count();
    let hrs_cells = hrs_header.split(',').count();
    const VALUES: &[&str] = &[
        "",
        "0",
        "1",
        "2",
        "3",
        "46",
        "201",
        "4620110000157",
        "462011000015",
        "01001",
        "05002",
        "01991",
        "09010",
        "99999",
        "09:00",
        "12:30",
        "００：００",
        "00:00",
        "24:00",
        "18:00",
        "ｱ:0",
        "9:5",
        "31.65",
        "130.55",
        "999",
        "-1",
        "医療法人社団さくら会 さくら内科クリニック",
        "イリョウホウジンシャダンサクラカイ サクラナイカクリニック",
        "ひがし町クリニック",
        "汐見県みなと市東町３丁目１－１",
        "higashi.example.jp",
        "年末年始（改行）お盆",
    ];
    let value = || {
        prop_oneof![
            6 => proptest::sample::select(VALUES).prop_map(str::to_string),
            1 => "\\PC{0,10}",
        ]
    };
    let mut runner = TestRunner::new(proptest_config());
    runner
        .run(
            &(
                vec(vec(value(), fac_cells), 1..4),
                vec(vec(value(), hrs_cells), 0..6),
                any::<bool>(),
            ),
            |(facilities, hours, update)| {
                // The join key and the city are usually right, so rows get through to the hours.
                let mut text = format!("{fac_header}\r\n");
                for mut row in facilities {
                    row[0] = "4620110000157".into();
                    row[7] = "46".into();
                    row[8] = "201".into();
                    text.push_str(&csv_line(&row));
                    text.push_str("\r\n");
                }
                let mut hrs = format!("{hrs_header}\r\n");
                for mut row in hours {
                    row[0] = "4620110000157".into();
                    hrs.push_str(&csv_line(&row));
                    hrs.push_str("\r\n");
                }
                let root = site.path();
                let fac_path = root.join("facility.csv");
                let hrs_path = root.join("hours.csv");
                fs::write(&fac_path, encode(&text, Encoding::Utf8Bom)).expect("write");
                fs::write(&hrs_path, encode(&hrs, Encoding::Utf8Bom)).expect("write");
                let source = Source::Navii {
                    facilities: fac_path,
                    hours: hrs_path,
                    city: "46201".into(),
                };
                run_and_judge(&endings, root, &snap, source, update, false, Some("中央"))
            },
        )
        .unwrap();
    endings.print("navii_files_with_arbitrary_cells_never_panic");
}

/// A value without its positions, to compare a field before and after a merge.
fn shape(node: &renkei::yaml::Node) -> String {
    use renkei::yaml::Value as Y;
    match &node.value {
        Y::Seq(items) => format!(
            "[{}]",
            items.iter().map(shape).collect::<Vec<_>>().join(", ")
        ),
        Y::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|e| format!("{}: {}", e.key, shape(&e.value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => format!("{:?}", node.scalar_text()),
    }
}

/// The top-level fields of a content file, and its body.
fn fields_of(text: &str) -> (BTreeMap<String, String>, String) {
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let rest = text.strip_prefix("---\n").expect("front matter");
    let end = rest.find("\n---\n").expect("closing ---");
    let node = renkei::yaml::parse(&rest[..=end], 2).expect("YAML");
    let fields = match &node.value {
        renkei::yaml::Value::Map(entries) => entries
            .iter()
            .map(|e| (e.key.clone(), shape(&e.value)))
            .collect(),
        _ => BTreeMap::new(),
    };
    (fields, rest[end + 5..].to_string())
}

/// A hand-edited record — the fixture's さくら内科 with every field written in one of the
/// shapes staff use (flow or block lists, block scalars with blank lines, quoted values,
/// comments on their own lines and at line ends, blank lines between fields, Windows line
/// ends, a BOM) — updated from a sheet: the fields the sheet names change, every other field
/// keeps its value, the body and every comment stay, and the result still checks.
#[test]
fn hand_edited_records_keep_everything_the_sheet_does_not_name() {
    let site = site_copy("minimal");
    let root = site.path().to_path_buf();
    let path = root.join("content/partners/sakura-naika.md");
    let original = fs::read_to_string(&path).expect("fixture");
    let body = original
        .splitn(3, "---\n")
        .nth(2)
        .expect("body")
        .to_string();
    let pick = |options: &[&str], i: usize| options[i % options.len()].to_string();
    let fields = |k: &[usize]| -> Vec<String> {
        vec![
            pick(&["name: さくら内科クリニック\n", "name: \"さくら内科クリニック\" # 看板どおり\n"], k[0]),
            "yomi: さくらないかくりにっく\n".into(),
            "kind: clinic\n".into(),
            pick(&[
                "departments: [内科, 循環器内科]\n",
                "departments:\n  - 内科\n  # 循環器は火曜のみ\n  - 循環器内科 # 予約制\n",
                "departments:\n- 内科\n- 循環器内科\n",
            ], k[1]),
            "area: 中央\n".into(),
            pick(&[
                "address: {postal: \"899-0102\", text: 汐見県みなと市本町2丁目3-4}\n",
                "address:\n  # 建物は看板のとおり\n  postal: \"899-0102\"\n  text: 汐見県みなと市本町2丁目3-4\n",
                "address: {postal: \"899-0102\",\n  text: 汐見県みなと市本町2丁目3-4}  # 2階\n",
            ], k[2]),
            pick(&["tel: \"099-211-1234\"\n", "tel: 099-211-1234 # 代表\n", "tel: '099-211-1234'\n"], k[3]),
            "fax: \"099-211-1235\"\n".into(),
            pick(&[
                "hours_note: 木曜午後・日曜・祝日休診\n",
                "hours_note: |\n  木曜午後・日曜・祝日休診\n\n  # は記号ではなく本文\n",
                "hours_note: >\n  木曜午後・日曜・\n  祝日休診\n",
            ], k[4]),
            pick(&["services: [訪問診療, 往診]\n", "services:\n  - 訪問診療\n  - 往診 # 夜間も\n"], k[5]),
            "registered: true\n".into(),
            "updated: 2026-04-01\n".into(),
            pick(&[
                "partners_only:\n  direct_line: \"099-211-9999\"\n  contact: 連携担当 看護師 山田花子\n",
                "partners_only: {direct_line: \"099-211-9999\"} # 院外秘\n",
            ], k[6]),
            "internal:\n  notes: 内部メモ 院長の携帯 090-0000-0000\n".into(),
        ]
    };
    const SHEET: [(&str, &str, &str); 7] = [
        ("電話番号", "099-211-7777", "tel"),
        ("FAX", "099-211-1235", "fax"),
        ("休診日", "水曜休診", "hours_note"),
        ("院長", "鈴木 花子", "director"),
        ("診療科", "内科・小児科", "departments"),
        ("往診", "×", "services"),
        ("情報更新日", "2026/5/1", "updated"),
    ];
    let mut runner = TestRunner::new(proptest_config());
    runner
        .run(
            &(
                vec(0usize..3, 7),
                vec(0usize..4, 14),
                proptest::sample::subsequence(&[0usize, 1, 2, 3, 4, 5, 6][..], 1..5),
                any::<bool>(),
                any::<bool>(),
            ),
            |(styles, gaps, columns, crlf, bom)| {
                let mut front = String::new();
                for (i, field) in fields(&styles).into_iter().enumerate() {
                    front.push_str(&field);
                    match gaps[i] {
                        1 => front.push('\n'),
                        2 => front.push_str("# ここから先は連携室で確認済み\n"),
                        _ => {}
                    }
                }
                let mut text = format!("---\n{front}---\n{body}");
                if crlf {
                    text = text.replace('\n', "\r\n");
                }
                if bom {
                    text.insert(0, '\u{feff}');
                }
                fs::write(&path, &text).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let mut header = vec!["名称".to_string()];
                let mut row = vec!["さくら内科クリニック".to_string()];
                for &c in &columns {
                    header.push(SHEET[c].0.into());
                    row.push(SHEET[c].1.into());
                }
                let sheet = root.join("sheet.csv");
                let csv = format!("{}\r\n{}\r\n", csv_line(&header), csv_line(&row));
                fs::write(&sheet, csv).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let opts = ImportOptions {
                    root: root.clone(),
                    source: Source::Sheet(Kind::Partners, sheet),
                    map: None,
                    dry_run: false,
                    update: true,
                    skip_invalid: false,
                    area: None,
                    today: NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"),
                };
                let outcome = import::run(&opts).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(outcome.code, 0, "{}\n{}", outcome.report, outcome.errors);
                let after =
                    fs::read_to_string(&path).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let (before_fields, before_body) = fields_of(&text);
                let (after_fields, after_body) = fields_of(&after);
                prop_assert_eq!(before_body, after_body);
                let named: Vec<&str> = columns.iter().map(|&c| SHEET[c].2).collect();
                for (key, value) in &before_fields {
                    if !named.contains(&key.as_str()) {
                        prop_assert_eq!(
                            Some(value),
                            after_fields.get(key),
                            "{} changed:\n{}",
                            key,
                            after
                        );
                    }
                }
                // 「# は記号ではなく本文」 is text inside the hours_note block, replaced with it.
                let replaced_text = "# は記号ではなく本文";
                for line in text
                    .lines()
                    .map(str::trim)
                    .filter(|l| l.starts_with('#'))
                    .filter(|l| !(named.contains(&"hours_note") && *l == replaced_text))
                {
                    prop_assert!(after.contains(line), "comment {:?} lost:\n{}", line, after);
                }
                for comment in [
                    "# 看板どおり",
                    "# 予約制",
                    "# 代表",
                    "# 夜間も",
                    "# 院外秘",
                    "# 2階",
                ] {
                    if text.contains(comment) {
                        prop_assert!(after.contains(comment), "{:?} lost:\n{}", comment, after);
                    }
                }
                prop_assert_eq!(after.starts_with('\u{feff}'), bom);
                prop_assert_eq!(after.contains("\r\n"), crlf);
                if named.contains(&"tel") {
                    prop_assert_eq!(
                        after_fields.get("tel").map(String::as_str),
                        Some("Some(\"099-211-7777\")")
                    );
                }
                if named.contains(&"hours_note") {
                    prop_assert_eq!(
                        after_fields.get("hours_note").map(String::as_str),
                        Some("Some(\"水曜休診\")")
                    );
                }
                check_clean(&root);
                Ok(())
            },
        )
        .unwrap();
}
