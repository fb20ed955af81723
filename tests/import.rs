//! `renkei import`: office sheets (CP932 CSV, .xlsx), a sheet with a bad row, `--update` on
//! hand-edited files, the national open data, and the export → import round trip. Every
//! import is followed by `check`, because an import that writes files `check` rejects has
//! only moved the work.

mod common;

use std::fs;

use common::*;

fn import_fixture(name: &str) -> String {
    repo()
        .join("tests/fixtures/import")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_cp932_sheet_from_excel_becomes_clean_records() {
    let site = site_copy("minimal");
    let root = site.path();
    let o = import(root, &["partners", &import_fixture("partners-cp932.csv")]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Shift_JIS (CP932)"),
        "the encoding is reported: {out}"
    );
    assert!(out.contains("見出しは 3 行目"), "{out}");
    assert!(
        out.contains("取り込まない列: 備考"),
        "an unknown column is reported: {out}"
    );
    assert!(
        out.contains("「耳鼻咽喉科」は今の名前「耳鼻いんこう科」にしました"),
        "{out}"
    );
    let himawari = read(root, "content/partners/himawari-naika-iin.md");
    for line in [
        "name: ひまわり内科医院",
        "yomi: ヒマワリナイカイイン",
        "kind: clinic",
        "departments: [内科, 耳鼻いんこう科]",
        "area: 中央",
        "address: {postal: \"899-0111\", text: 汐見県みなと市本町5丁目1-2}",
        "tel: \"099-212-3344\"",
        "fax: \"099-212-3345\"",
        "director: {name: 向日 葵}",
        "services: [往診]",
        "registered: true",
        "updated: 2026-04-01",
    ] {
        assert!(
            himawari.lines().any(|l| l == line),
            "{line:?} in:\n{himawari}"
        );
    }
    let ekimae = read(root, "content/partners/minato-ekimae-kurinikku.md");
    assert!(
        ekimae.contains("tel: \"0992130001\""),
        "leading zero restored: {ekimae}"
    );
    assert!(ekimae.contains("postal: \"899-0301\""), "{ekimae}");
    assert!(ekimae.contains("updated: 2026-04-01"), "{ekimae}");
    assert!(ekimae.contains("services: [訪問診療]"), "{ekimae}");
    check_clean(root);

    // The same sheet again: nothing to do, nothing duplicated.
    let again = import(root, &["partners", &import_fixture("partners-cp932.csv")]);
    assert!(
        stdout(&again).contains("作成 0 件、変更 0 件、変更なし 2 件"),
        "{}",
        stdout(&again)
    );
    assert_eq!(files(&root.join("content/partners")).len(), 4);
}

#[test]
fn an_xlsx_is_read_directly_keeping_text_cells_and_dates() {
    let site = site_copy("minimal");
    let root = site.path();
    let o = import(root, &["care", &import_fixture("care.xlsx")]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("シート「介護事業所」"),
        "{}",
        stdout(&o)
    );
    let nagisa = read(root, "content/care/houmonkango-suteshon-nagisa.md");
    assert!(
        nagisa.contains("office_number: \"0470100999\""),
        "text cell keeps its zero: {nagisa}"
    );
    assert!(
        nagisa.contains("yomi: ホウモンカンゴステーションナギサ"),
        "半角カナ widened: {nagisa}"
    );
    assert!(
        nagisa.contains("updated: 2026-03-15"),
        "a date cell: {nagisa}"
    );
    assert!(nagisa.contains("accepting: true"), "{nagisa}");
    let midori = read(root, "content/care/deisabisu-midori.md");
    assert!(
        midori.contains("services: [通所介護, 地域密着型通所介護]"),
        "{midori}"
    );
    assert!(midori.contains("capacity: 25"), "{midori}");
    assert!(midori.contains("accepting: false"), "停止中: {midori}");
    check_clean(root);
}

#[test]
fn one_bad_row_writes_nothing_and_names_row_and_column() {
    let site = site_copy("minimal");
    let root = site.path();
    let before: Vec<_> = files(&root.join("content"));
    let o = import(root, &["partners", &import_fixture("partners-bad-row.csv")]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for expected in [
        "partners-bad-row.csv: 3 行目「電話番号」(tel): 「099-22」",
        "partners-bad-row.csv: 4 行目「よみ」(yomi): よみ(フリガナ)が空です",
        "partners-bad-row.csv: 4 行目「地区」(area): 地区「西部」は site.yaml の areas(北部、中央、南部)にありません。もしかして「北部」?",
        "エラー 3 件。何も書き込んでいません",
    ] {
        assert!(err.contains(expected), "{expected:?} in:\n{err}");
    }
    assert_eq!(files(&root.join("content")), before, "nothing written");
    // The plan lists the good rows only: a rejected row is never 「作成」.
    let plan = stdout(&o);
    assert!(
        plan.contains("作成 content/partners/aozora-iin.md(2 行目"),
        "{plan}"
    );
    for row in ["(3 行目", "(4 行目"] {
        assert!(!plan.contains(row), "rejected row {row} listed:\n{plan}");
    }
    assert!(plan.contains("作成予定 1 件"), "{plan}");

    let o = import(
        root,
        &[
            "partners",
            &import_fixture("partners-bad-row.csv"),
            "--skip-invalid",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("エラーのある 3・4 行目は取り込みません"),
        "{}",
        stderr(&o)
    );
    assert!(root.join("content/partners/aozora-iin.md").is_file());
    assert_eq!(files(&root.join("content/partners")).len(), 3);
    check_clean(root);
}

#[test]
fn update_changes_only_imported_fields_and_keeps_what_staff_wrote() {
    let site = site_copy("minimal");
    let root = site.path();
    let sheet = root.join("sheet.csv");
    fs::write(
        &sheet,
        "名称,よみ,電話番号,ＦＡＸ\r\nさくら内科クリニック,さくらないかくりにっく,０９９－２１１－９９９９,099-211-1235\r\n",
    )
    .unwrap();
    let file = root.join("content/partners/sakura-naika.md");
    let original = fs::read_to_string(&file).unwrap();

    // Without --update the existing file is left alone, and the report says what would change.
    let o = import(root, &["partners", sheet.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("変更しない(--update なし) content/partners/sakura-naika.md"),
        "{}",
        stdout(&o)
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), original);

    // --dry-run --update lists the change field by field and writes nothing.
    let o = import(
        root,
        &["partners", sheet.to_str().unwrap(), "--update", "--dry-run"],
    );
    assert!(
        stdout(&o).contains("    tel: 099-211-1234 → 099-211-9999"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("変更予定 1 件"), "{}", stdout(&o));
    assert_eq!(fs::read_to_string(&file).unwrap(), original);

    let o = import(root, &["partners", sheet.to_str().unwrap(), "--update"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let updated = fs::read_to_string(&file).unwrap();
    assert_eq!(
        updated,
        original.replace("tel: \"099-211-1234\"", "tel: \"099-211-9999\""),
        "only tel changed; body, partners_only, internal and every other line are as they were"
    );
    check_clean(root);
}

#[test]
fn navii_open_data_creates_drafts_and_updates_matching_records() {
    let site = site_copy("minimal");
    let root = site.path();
    let sakura = root.join("content/partners/sakura-naika.md");
    let original = fs::read_to_string(&sakura).unwrap();
    let args = [
        "navii",
        &import_fixture("02-1_clinic_facility_info_20260601.csv"),
        &import_fixture("02-2_clinic_speciality_hours_20260601.csv"),
        "--city",
        "46201",
        "--area",
        "中央",
        "--update",
    ];
    let o = import(root, &args);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("市区町村コード 46201 の医療機関 2 件(全 3 行)"),
        "{out}"
    );
    // The report names the fields the open data fills, not only the ID.
    let columns = out.lines().find(|l| l.starts_with("取り込む列: ")).unwrap();
    for used in [
        "→name",
        "→yomi",
        "→departments",
        "→hours",
        "→navii_id",
        "→geo",
    ] {
        assert!(columns.contains(used), "{used} in {columns}");
    }
    // 「医療法人社団さくら会 さくら内科クリニック」 is the existing さくら内科クリニック.
    let updated = fs::read_to_string(&sakura).unwrap();
    assert!(updated.contains("navii_id: \"4620110000157\""), "{updated}");
    assert!(
        updated.contains("name: さくら内科クリニック"),
        "staff's name kept: {updated}"
    );
    assert!(
        updated.contains("weeks: [1, 3]"),
        "staff's hours kept: {updated}"
    );
    assert!(
        updated.ends_with(original.split("---\n").last().unwrap()),
        "body kept"
    );
    let new = read(root, "content/partners/higashi-machi-famirikurinikku.md");
    for line in [
        "name: ひがし町ファミリークリニック",
        "departments: [内科, 小児科]",
        "geo: [31.66, 130.56]",
        "  - {label: 午前, time: \"08:30-12:00\", days: [mon, tue, wed, fri, sat]}",
        "  - {label: 午後, time: \"15:00-18:30\", days: [mon, tue, wed, fri]}",
        "hours_note: 木曜・日曜・祝日休診、年末年始、お盆",
        "navii_id: \"4620110000999\"",
        "draft: true",
    ] {
        assert!(new.lines().any(|l| l == line), "{line:?} in:\n{new}");
    }
    assert!(
        out.contains("漢方内科"),
        "a department outside the site's list is noted: {out}"
    );
    check_clean(root);
    // A draft is a record: a `--drafts` preview shows it, though it has no phone number yet.
    let preview = root.join("preview");
    build_ok(root, &preview, &["--drafts"]);
    assert!(read(
        &preview,
        "partners/higashi-machi-famirikurinikku/index.html"
    )
    .contains("ひがし町ファミリークリニック"));
    // The licence's credit line is in site.yaml and so in every page's footer.
    let public = root.join("public");
    build_ok(root, &public, &[]);
    assert!(read(&public, "index.html")
        .contains("出典: 「医療情報ネットのオープンデータ」(厚生労働省)を加工して作成"));
    // Half a year later the same data changes nothing and duplicates nothing.
    let again = import(root, &args);
    assert!(
        stdout(&again).contains("作成 0 件、変更 0 件、変更なし 2 件"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn kaigo_open_data_matches_by_office_number_and_adds_services() {
    let site = site_copy("minimal");
    let root = site.path();
    let o = import(
        root,
        &[
            "kaigo",
            &import_fixture("jigyosho_130.csv"),
            "--area",
            "南部",
            "--update",
        ],
    );
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let houkan = read(root, "content/care/minato-houkan.md");
    assert!(
        houkan.contains("name: みなと訪問看護ステーション"),
        "{houkan}"
    );
    assert!(
        houkan.contains("url: \"https://minato-houkan.example.jp/\""),
        "{houkan}"
    );
    let asahi = read(root, "content/care/houmonkango-suteshon-asahi.md");
    assert!(
        asahi.contains("address: {text: 汐見県みなと市朝日町2-1 あさひビル2階}"),
        "{asahi}"
    );
    assert!(
        !asahi.contains("url:"),
        "an e-mail in the URL column is not a URL: {asahi}"
    );
    assert!(asahi.contains("draft: true"), "{asahi}");
    assert_eq!(files(&root.join("content/care")).len(), 2);
    assert!(read(root, "content/site.yaml")
        .contains("「介護サービス情報公表システム」のオープンデータ"));
    check_clean(root);
}

#[test]
fn the_export_imports_back_to_identical_records() {
    let (demo, public) = build_demo(&[]);
    // Into the same site: every record is found and none changes.
    let site = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &site.path().join("content"));
    for kind in ["partners", "care", "doctors"] {
        let csv = public.join(format!("data/{kind}.csv"));
        let o = import(site.path(), &[kind, csv.to_str().unwrap(), "--update"]);
        assert!(o.status.success(), "{kind}: {}{}", stdout(&o), stderr(&o));
        assert!(
            stdout(&o).contains("作成 0 件、変更 0 件"),
            "{kind}: {}",
            stdout(&o)
        );
    }
    assert!(
        std::process::Command::new("diff")
            .args([
                "-r",
                repo().join("content").to_str().unwrap(),
                site.path().join("content").to_str().unwrap()
            ])
            .status()
            .unwrap()
            .success(),
        "no file changed"
    );
    // Into a site without partners: the records come back and export identically.
    let fresh = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &fresh.path().join("content"));
    for dir in ["partners", "doctors", "pathways"] {
        for f in fs::read_dir(fresh.path().join("content").join(dir)).unwrap() {
            fs::remove_file(f.unwrap().path()).unwrap();
        }
    }
    let csv = public.join("data/partners.csv");
    let o = import(fresh.path(), &["partners", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = fresh.path().join("public");
    build_ok(fresh.path(), &out, &[]);
    assert_eq!(
        fs::read(out.join("data/partners.csv")).unwrap(),
        fs::read(public.join("data/partners.csv")).unwrap()
    );
    drop(demo);
}

#[test]
fn an_id_column_names_files_and_a_map_names_other_columns() {
    let site = site_copy("minimal");
    let root = site.path();
    let map = root.join("map.yaml");
    fs::write(
        &map,
        "columns:\n  施設の名前: name\n  メモ: ignore\nareas:\n  北町: 北部\n",
    )
    .unwrap();
    let sheet = root.join("list.csv");
    let rows = |name: &str| {
        format!(
            "\u{feff}管理番号,施設の名前,よみ,〒,住所,電話,FAX\r\nP-012,{name},あおぞらいいん,899-0201,汐見県みなと市北町2-2,099-221-1111,099-221-1112\r\n"
        )
    };
    fs::write(&sheet, rows("あおぞら医院")).unwrap();
    let args = |extra: &[&'static str]| {
        let mut a = vec![
            "partners".to_string(),
            sheet.to_str().unwrap().to_string(),
            "--map".into(),
            map.to_str().unwrap().to_string(),
        ];
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        import(root, &a)
    };
    let o = run(args(&[]));
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("UTF-8 (BOM 付き)"), "{}", stdout(&o));
    assert!(
        !stdout(&o).contains("取り込まない列"),
        "メモ is ignored on purpose: {}",
        stdout(&o)
    );
    let file = root.join("content/partners/p-012.md");
    let text = fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("area: 北部"),
        "地区 from the address word: {text}"
    );
    assert!(text.contains("name: あおぞら医院"), "{text}");
    check_clean(root);

    // A dry run names the files it would leave alone too.
    let o = run(args(&["--dry-run"]));
    assert!(
        stdout(&o).contains("変更なし content/partners/p-012.md(2 行目 あおぞら医院)"),
        "{}",
        stdout(&o)
    );

    // Renamed in the sheet: the ID finds the same file; only the name changes.
    fs::write(&sheet, rows("あおぞら内科医院")).unwrap();
    let o = run(args(&["--update"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("作成 0 件、変更 1 件"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        text.replace("name: あおぞら医院", "name: あおぞら内科医院")
    );
    assert_eq!(files(&root.join("content/partners")).len(), 3);

    // A 登録医 list names the clinic as staff write it; the file links to its slug.
    let doctors = root.join("doctors.csv");
    fs::write(
        &doctors,
        "氏名,よみ,勤務先,診療科,専門・得意分野,登録日,共同診療\n青空 太郎,あおぞら たろう,あおぞら内科医院,内科,\"糖尿病、胃がん・大腸がん検診\",R7.4.1,○\n",
    )
    .unwrap();
    let o = import(root, &["doctors", doctors.to_str().unwrap()]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let dr = read(root, "content/doctors/aozora-tarou.md");
    for line in [
        "partner: p-012",
        "specialties: [糖尿病, 胃がん・大腸がん検診]",
        "registered_since: 2025-04-01",
        "co_treatment: true",
    ] {
        assert!(dr.lines().any(|l| l == line), "{line:?} in:\n{dr}");
    }
    // The partner is not `registered: true`: check says so, as a warning.
    let o = renkei(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--date",
        "2026-11-25",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("content/doctors/aozora-tarou.md"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn cells_a_spreadsheet_would_run_as_formulas_are_reported() {
    let site = site_copy("minimal");
    let root = site.path();
    let csv = sheet(
        root,
        "医療機関名,フリガナ,種別,地区,〒,住所,ＴＥＬ,院長\n\
         \"=HYPERLINK(\"\"https://evil.example/\"\",\"\"詳細\"\")\",あおばいいん,診療所,中央,899-0102,\"+cmd|' /C calc'!A0\",099-211-5555,@SUM(1+1)\n",
    );
    let o = import(root, &["partners", &csv, "--dry-run"]);
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(o.status.success(), "{out}");
    for column in ["医療機関名", "住所", "院長"] {
        assert!(
            out.lines()
                .any(|l| l.contains(&format!("列「{column}」")) && l.contains("数式")),
            "{column}: {out}"
        );
    }
}
