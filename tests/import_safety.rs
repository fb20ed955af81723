//! `renkei import` never writes over a file it cannot read, never replaces what staff wrote with
//! a guess, and never reads more than it can hold: unreadable files, guessed 種別, ○/× columns
//! that speak for one service each, notes that must reach staff, national files that cover the
//! whole country, every problem of a row in one round, and files past the limits (a zip bomb
//! among them). Which record a row is, namesakes included, is tests/import_matching.rs.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

#[test]
fn a_file_that_cannot_be_read_stops_the_import_before_anything_is_written() {
    let site = site_copy("minimal");
    let root = site.path();
    let (sjis, _, _) = encoding_rs::SHIFT_JIS
        .encode("---\nname: ひまわり薬局\nyomi: ひまわりやっきょく\n---\n手で書いた本文\n");
    let file = root.join("content/partners/himawari-yakkyoku.md");
    fs::write(&file, &sjis).unwrap();
    let csv = sheet(
        root,
        "名称,よみ,種別,地区,郵便番号,住所,電話番号\nひまわり薬局,ひまわりやっきょく,薬局,北部,899-0201,汐見県みなと市北町5-1,099-221-5001\n",
    );
    let o = import(root, &["partners", &csv, "--update"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("content/partners/himawari-yakkyoku.md(")
            && stderr(&o).contains("renkei check"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read(&file).unwrap(),
        sjis.into_owned(),
        "the file is as it was"
    );
    assert_eq!(
        files(&root.join("content/partners")).len(),
        3,
        "nothing new"
    );
}

#[test]
fn guesses_and_single_service_columns_never_undo_what_a_file_says() {
    let site = site_copy("minimal");
    let root = site.path();
    let sakura = root.join("content/partners/sakura-naika.md");
    let text = replace(
        root,
        "content/partners/sakura-naika.md",
        "kind: clinic",
        "kind: dental",
    );
    // No 種別 column (the name says クリニック), an 往診 ○ and a 訪問診療 × column.
    let csv = sheet(
        root,
        "名称,よみ,FAX,往診,訪問診療\nさくら内科クリニック,さくらないかくりにっく,099-211-1235,○,×\n",
    );
    let o = import(root, &["partners", &csv, "--update"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let after = fs::read_to_string(&sakura).unwrap();
    assert!(
        after.contains("kind: dental"),
        "a guessed 種別 never replaces the file's"
    );
    assert!(
        !stdout(&o).contains("種別の列がないため"),
        "no note about a guess that was not used: {}",
        stdout(&o)
    );
    assert_eq!(
        after,
        text.replace("services: [訪問診療, 往診]", "services: [往診]"),
        "訪問診療 switched off, 往診 kept, nothing else touched"
    );
}

#[test]
fn a_new_address_is_written_with_a_note_about_the_postal_code_kept() {
    let site = site_copy("minimal");
    let root = site.path();
    let csv = sheet(
        root,
        "名称,よみ,住所,FAX,院長\nさくら内科クリニック,さくらないかくりにっく,汐見県みなと市本町9丁目1-1,099-211-1235,鈴木 花子\n",
    );
    let o = import(root, &["partners", &csv, "--update", "--dry-run"]);
    let out = stdout(&o);
    assert!(
        out.contains("      注: 住所が変わりました。郵便番号 899-0102 はそのままです"),
        "{out}"
    );
    assert!(
        out.contains("      注: 名前が変わったため、前のよみ「さとう いちろう」は外しました"),
        "{out}"
    );
}

#[test]
fn every_problem_of_a_row_is_reported_in_one_round() {
    let site = site_copy("minimal");
    let root = site.path();
    let csv = sheet(
        root,
        "名称,よみ,地区,郵便番号,住所,電話番号\nあおぞら医院,青空いいん,北部,899-0201,汐見県みなと市北町2-2,099-22\n",
    );
    let o = import(root, &["partners", &csv]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("2 行目「電話番号」(tel): 「099-22」"), "{err}");
    assert!(
        err.contains("2 行目「よみ」(yomi): "),
        "the reading in kanji, found by the final check: {err}"
    );
    assert!(err.contains("エラー 2 件"), "{err}");
    assert!(
        !err.contains("必須"),
        "the failed tel is not reported again as missing: {err}"
    );
}

#[test]
fn a_national_kaigo_file_is_narrowed_to_the_city() {
    let site = site_copy("minimal");
    let root = site.path();
    let header = fs::read_to_string(repo().join("tests/fixtures/import/jigyosho_130.csv"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let row = |authority: &str, name: &str, kana: &str, address: &str, number: &str| {
        format!(
            "\"{authority}\",\"1\",\"県\",\"\",\"{name}\",\"{kana}\",\"訪問看護\",\"{address}\",\"\",\"\",\"\",\"099-231-1111\",\"\",\"\",\"\",\"{number}\",\"\",\"\",\"0\",\"\",\"\",\"\",\"\",\"\""
        )
    };
    let csv = root.join("jigyosho_130.csv");
    fs::write(
        &csv,
        [
            header,
            row(
                "460001",
                "うみべ訪問看護",
                "ウミベホウモンカンゴ",
                "汐見県みなと市港町5-5",
                "4660100001",
            ),
            row(
                "460001",
                "やまて訪問看護",
                "ヤマテホウモンカンゴ",
                "汐見県やまて町1-1",
                "4660100002",
            ),
            row(
                "130001",
                "とうきょう訪問看護",
                "トウキョウホウモンカンゴ",
                "東京都千代田区1-1",
                "1360100003",
            ),
        ]
        .join("\r\n"),
    )
    .unwrap();
    let csv = csv.to_str().unwrap();
    let o = import(root, &["kaigo", csv, "--area", "南部"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--city で市区町村名を指定してください"),
        "{}",
        stderr(&o)
    );
    let o = import(
        root,
        &["kaigo", csv, "--city", "みなと市", "--area", "南部"],
    );
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("住所に「みなと市」を含む事業所 1 件(全 3 行)"),
        "{}",
        stdout(&o)
    );
    assert!(root.join("content/care/umibe-houmonkango.md").is_file());
    assert_eq!(files(&root.join("content/care")).len(), 2);
}

#[test]
fn files_saved_with_a_bom_or_windows_line_ends_are_updated_in_their_own_form() {
    let site = site_copy("minimal");
    let root = site.path();
    let sakura = root.join("content/partners/sakura-naika.md");
    let original = fs::read_to_string(&sakura).unwrap();
    let windows = format!("\u{feff}{}", original.replace('\n', "\r\n"));
    fs::write(&sakura, &windows).unwrap();
    // site.yaml from Windows' メモ帳 too: the open-data credit line must go in cleanly.
    let site_yaml = root.join("content/site.yaml");
    let yaml = fs::read_to_string(&site_yaml).unwrap();
    fs::write(
        &site_yaml,
        format!("\u{feff}{}", yaml.replace('\n', "\r\n")),
    )
    .unwrap();
    let csv = sheet(
        root,
        "名称,よみ,電話番号,FAX\r\nさくら内科クリニック,さくらないかくりにっく,099-211-9999,099-211-1235\r\n",
    );
    let o = import(root, &["partners", &csv, "--update"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        fs::read_to_string(&sakura).unwrap(),
        windows.replace("tel: \"099-211-1234\"", "tel: \"099-211-9999\"")
    );
    let o = import(
        root,
        &[
            "kaigo",
            repo()
                .join("tests/fixtures/import/jigyosho_130.csv")
                .to_str()
                .unwrap(),
            "--city",
            "みなと市",
            "--area",
            "南部",
            "--update",
        ],
    );
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let yaml_after = fs::read_to_string(&site_yaml).unwrap();
    assert!(yaml_after.starts_with("\u{feff}title: "), "{yaml_after:?}");
    assert!(!yaml_after.contains("---"), "{yaml_after:?}");
    assert!(
        yaml_after.contains("\r\nattributions: [「介護サービス情報公表システム」"),
        "{yaml_after:?}"
    );
    check_clean(root);
}

#[test]
fn what_the_build_ignores_and_blank_cells_do_not_get_in_the_way() {
    let site = site_copy("minimal");
    let root = site.path();
    // A macOS share leaves ._ files; the build ignores them, so import does too.
    fs::write(
        root.join("content/partners/._sakura-naika.md"),
        [0u8, 5, 22, 7],
    )
    .unwrap();
    let csv = sheet(
        root,
        "名称,よみ,電話番号,FAX\nさくら内科クリニック,さくらないかくりにっく,,099-211-1230\n",
    );
    let o = import(root, &["partners", &csv, "--update"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let sakura = read(root, "content/partners/sakura-naika.md");
    assert!(
        sakura.contains("tel: \"099-211-1234\""),
        "a blank 電話番号 changes nothing"
    );
    assert!(sakura.contains("fax: \"099-211-1230\""));
}

#[test]
fn a_kaigo_city_that_matches_nothing_is_an_error_and_writes_nothing() {
    let site = site_copy("minimal");
    let root = site.path();
    let before = fs::read(root.join("content/site.yaml")).unwrap();
    let fixture = repo().join("tests/fixtures/import/jigyosho_130.csv");
    let o = import(
        root,
        &[
            "kaigo",
            fixture.to_str().unwrap(),
            "--city",
            "みなど市",
            "--area",
            "南部",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("住所が「みなど市」の事業所はありません"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fs::read(root.join("content/site.yaml")).unwrap(), before);
    assert_eq!(files(&root.join("content/care")).len(), 1);
}

#[test]
fn a_map_naming_an_unknown_service_and_service_columns_for_doctors_are_reported() {
    let site = site_copy("minimal");
    let root = site.path();
    let map = root.join("map.yaml");
    fs::write(&map, "columns:\n  夜間の連絡: service:往信\n").unwrap();
    let csv = sheet(
        root,
        "名称,よみ,夜間の連絡\nさくら内科クリニック,さくらないかくりにっく,○\n",
    );
    let o = import(root, &["partners", &csv, "--map", map.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("map.yaml:2:3: columns.夜間の連絡: 「往信」は site.yaml の services にも care_services にもありません。もしかして「往診」?"),
        "{}",
        stderr(&o)
    );
    fs::write(&map, "columns:\n  夜間の連絡: service:往診\n").unwrap();
    let csv = sheet(
        root,
        "名称,よみ,夜間の連絡\nさくら内科クリニック,さくらないかくりにっく,△\n",
    );
    let o = import(
        root,
        &["partners", &csv, "--map", map.to_str().unwrap(), "--update"],
    );
    assert!(
        stderr(&o).contains("2 行目「夜間の連絡」(service:往診): 「△」"),
        "the column as the sheet heads it: {}",
        stderr(&o)
    );
    let csv = sheet(
        root,
        "氏名,よみ,勤務先,往診\n佐藤 一郎,さとう いちろう,sakura-naika,○\n",
    );
    let o = import(root, &["doctors", &csv, "--update"]);
    assert!(
        stdout(&o).contains("取り込まない列: 往診(登録医にはありません)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn defaults_and_shared_names_never_collide_with_what_exists() {
    let site = site_copy("minimal");
    let root = site.path();
    // --area fills rows without a 地区 in new files only.
    let csv = sheet(
        root,
        "名称,よみ,郵便番号,住所,電話番号,FAX,地区\nさくら内科クリニック,さくらないかくりにっく,899-0102,汐見県みなと市本町2丁目3-4,099-211-1234,099-211-1236,\n",
    );
    let o = import(root, &["partners", &csv, "--update", "--area", "北部"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let sakura = read(root, "content/partners/sakura-naika.md");
    assert!(
        sakura.contains("area: 中央") && sakura.contains("fax: \"099-211-1236\""),
        "{sakura}"
    );
    // A care office named like a clinic gets its own file name: a 連携パス names members by
    // file name across partners/ and care/.
    let csv = sheet(
        root,
        "事業所名,カナ,サービスの種類,地区,郵便番号,住所,電話番号\nさくら内科,さくらないか,通所リハビリテーション,中央,899-0102,汐見県みなと市本町2丁目3-4,099-211-2222\n",
    );
    let o = import(root, &["care", &csv]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(
        root.join("content/care/sakura-naika-2.md").is_file(),
        "{}",
        stdout(&o)
    );
    check_clean(root);
}

/// Every file of the content folder, with its bytes.
fn contents(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let content = root.join("content");
    files(&content)
        .into_iter()
        .map(|p| {
            let bytes = fs::read(content.join(&p)).unwrap();
            (p, bytes)
        })
        .collect()
}

#[test]
fn files_past_the_limits_are_refused_and_nothing_is_written() {
    let site = site_copy("minimal");
    let root = site.path();
    let before = contents(root);
    let head = "名称,よみ,種別,地区,電話番号\n";
    let row = "あおぞら医院,あおぞらいいん,診療所,北部,099-221-1111\n";
    // 50 MB and a byte, as a sparse file: refused by its size, never read.
    fs::File::create(root.join("big.csv"))
        .unwrap()
        .set_len(50 * 1024 * 1024 + 1)
        .unwrap();
    fs::write(
        root.join("rows.csv"),
        head.to_string() + &row.repeat(100_000),
    )
    .unwrap();
    let long = format!("{head}あおぞら医院,{}\n", "あ".repeat(10_001));
    fs::write(root.join("cell.csv"), long).unwrap();
    let wide = format!("{head}{}\n", ",".repeat(500));
    fs::write(root.join("columns.csv"), wide).unwrap();
    for (file, message) in [
        (
            "big.csv",
            "big.csv: ファイルが大きすぎます(51 MB。上限は 50 MB)。行を分けて 2 つ以上のファイルに保存し",
        ),
        (
            "rows.csv",
            "rows.csv: 100001 行目: 行が多すぎます(上限は 100,000 行)。行を分けて",
        ),
        (
            "cell.csv",
            "cell.csv: 2 行目 B 列: セルの文字が多すぎます(上限は 10,000 文字)",
        ),
        (
            "columns.csv",
            "columns.csv: 2 行目: 列が多すぎます(501 列目があります。上限は 500 列)。使わない列を削除して",
        ),
    ] {
        let path = root.join(file);
        let o = import(root, &["partners", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{file}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{file}: {}", stderr(&o));
        assert_eq!(contents(root), before, "{file}: nothing written");
    }
}

#[test]
fn a_zip_bomb_and_a_cell_in_the_last_corner_are_refused_before_they_take_memory() {
    let site = site_copy("minimal");
    let root = site.path();
    let before = contents(root);
    // About 7 MB on disk, just over 1 GB inflated. Refused from the sizes the zip states,
    // which the message repeats, so nothing was inflated to find it.
    let bomb = root.join("bomb.xlsx");
    let inflated = workbook::zip_bomb(&bomb);
    assert!(inflated > 1_000_000_000 && fs::metadata(&bomb).unwrap().len() < 8 << 20);
    let o = import(root, &["partners", bomb.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "bomb.xlsx: Excel ファイルの中身が大きすぎます(展開すると 1,024 MB 以上。上限は 100 MB)"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(contents(root), before);
    // Two cells, in A1 and XFD1048576: as a rectangle, 17 billion.
    let corner = root.join("corner.xlsx");
    let cell =
        |at: &str, text: &str| format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#);
    workbook::xlsx(
        &corner,
        &format!(
            r#"<row r="1">{}{}</row><row r="1048576">{}</row>"#,
            cell("A1", "名称"),
            cell("B1", "よみ"),
            cell("XFD1048576", "x")
        ),
    );
    let o = import(root, &["partners", corner.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("corner.xlsx: 1048576 行目: 行が多すぎます(上限は 100,000 行)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(contents(root), before);
}
