//! `renkei import` never puts one record's data on another, never writes over a file it cannot
//! read, and never replaces what staff wrote with a guess: namesakes, unreadable files, guessed
//! 種別, ○/× columns that speak for one service each, notes that must reach staff, national
//! files that cover the whole country, and every problem of a row in one round.

mod common;

use std::fs;
use std::path::Path;

use common::*;

fn sheet(root: &Path, text: &str) -> String {
    let path = root.join("sheet.csv");
    fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_namesake_at_another_clinic_is_a_new_doctor_not_an_overwrite() {
    let site = site_copy("minimal");
    let root = site.path();
    let sato = root.join("content/doctors/dr-sato.md");
    let before = fs::read_to_string(&sato).unwrap();
    let csv = sheet(
        root,
        "氏名,よみ,勤務先,診療科\n佐藤 一郎,さとう いちろう,みなと中央病院,外科\n",
    );
    let o = import(root, &["doctors", &csv, "--update"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        fs::read_to_string(&sato).unwrap(),
        before,
        "dr-sato.md untouched"
    );
    let new = read(root, "content/doctors/satou-ichirou.md");
    assert!(new.contains("partner: minato-byoin"), "{new}");
    assert!(
        stdout(&o)
            .contains("同じ名前の登録医 content/doctors/dr-sato.md がありますが、勤務先が違うため"),
        "{}",
        stdout(&o)
    );
    // The same doctor at the same clinic is the same record.
    let csv = sheet(
        root,
        "氏名,よみ,勤務先,共同診療\n佐藤 一郎,さとう いちろう,さくら内科クリニック,×\n",
    );
    let o = import(root, &["doctors", &csv, "--update"]);
    assert!(
        stdout(&o).contains("変更 content/doctors/dr-sato.md"),
        "{}",
        stdout(&o)
    );
    assert!(read(root, "content/doctors/dr-sato.md").contains("co_treatment: false"));
}

#[test]
fn facilities_with_one_name_stay_apart_across_imports() {
    let site = site_copy("minimal");
    let root = site.path();
    let csv = sheet(
        root,
        "名称,よみ,種別,地区,郵便番号,住所,電話番号\n\
         ひまわり薬局,ひまわりやっきょく,薬局,北部,899-0201,汐見県みなと市北町5-1,099-221-5001\n\
         ひまわり薬局,ひまわりやっきょく,薬局,南部,899-0301,汐見県みなと市駅前2-2,099-213-5002\n",
    );
    let o = import(root, &["partners", &csv]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let north = read(root, "content/partners/himawari-yakkyoku.md");
    let south = read(root, "content/partners/himawari-yakkyoku-2.md");
    assert!(north.contains("area: 北部") && south.contains("area: 南部"));
    let o = import(root, &["partners", &csv, "--update"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("作成 0 件、変更 0 件、変更なし 2 件"),
        "each row finds its own file by its phone number: {}",
        stdout(&o)
    );
    // A row that cannot tell them apart is refused, not guessed.
    let csv = sheet(
        root,
        "名称,よみ,FAX\nひまわり薬局,ひまわりやっきょく,099-221-9999\n",
    );
    let o = import(root, &["partners", &csv, "--update"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("同じ名前の医療機関 が 2 件あり(partners/himawari-yakkyoku.md、partners/himawari-yakkyoku-2.md)"),
        "{}",
        stderr(&o)
    );
}

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
fn the_same_clinic_is_found_whatever_width_its_address_was_typed_in() {
    let site = site_copy("minimal");
    let root = site.path();
    replace(
        root,
        "content/partners/sakura-naika.md",
        "本町2丁目3-4",
        "本町２丁目３－４",
    );
    // A sheet with a new phone number and the address in half width: the address agrees.
    let csv = sheet(
        root,
        "名称,よみ,住所,電話番号\nさくら内科クリニック,さくらないかくりにっく,汐見県みなと市本町2丁目3-4,099-211-9999\n",
    );
    let o = import(root, &["partners", &csv, "--update"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("作成 0 件、変更 1 件"),
        "{}",
        stdout(&o)
    );
    // Only the 郵便番号 in common (a neighbour): not the same clinic.
    let csv = sheet(
        root,
        "名称,よみ,郵便番号,住所,電話番号,地区\nさくら内科クリニック,さくらないかくりにっく,899-0102,汐見県みなと市本町8丁目1,099-211-7777,中央\n",
    );
    let o = import(root, &["partners", &csv, "--update"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("作成 1 件、変更 0 件"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_third_namesake_doctor_is_a_new_record() {
    let site = site_copy("minimal");
    let root = site.path();
    fs::write(
        root.join("content/doctors/dr-sato-2.md"),
        "---\nname: 佐藤 一郎\nyomi: さとう いちろう\npartner: minato-byoin\n---\n",
    )
    .unwrap();
    let csv = sheet(
        root,
        "氏名,よみ,勤務先\n佐藤 一郎,さとう いちろう,minato-byoin\n佐藤 一郎,さとう いちろう,sakura-naika\n",
    );
    let o = import(root, &["doctors", &csv, "--update"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("作成 0 件、変更 0 件、変更なし 2 件"),
        "{}",
        stdout(&o)
    );
    // A third 佐藤 一郎, at a clinic neither is at: a new 登録医, with both files named.
    fs::write(
        root.join("content/partners/kita-iin.md"),
        "---\nname: きた医院\nyomi: きたいいん\nkind: clinic\narea: 北部\naddress: {postal: \"899-0202\", text: 汐見県みなと市北町9}\ntel: \"099-221-9000\"\nfax: \"099-221-9001\"\n---\n",
    )
    .unwrap();
    let csv = sheet(
        root,
        "氏名,よみ,勤務先\n佐藤 一郎,さとう いちろう,きた医院\n",
    );
    let o = import(root, &["doctors", &csv, "--update"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("作成 1 件"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("content/doctors/dr-sato.md、content/doctors/dr-sato-2.md"),
        "{}",
        stdout(&o)
    );
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
        stderr(&o).contains("map.yaml:2: service:往信: 「往信」は site.yaml の services にも care_services にもありません。もしかして「往診」?"),
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
fn an_id_that_points_at_another_record_is_refused() {
    let site = site_copy("minimal");
    let root = site.path();
    let header = "整理番号,名称,よみ,地区,郵便番号,住所,電話番号,FAX番号\n";
    let aoba =
        "1,あおば医院,あおばいいん,北部,899-0201,汐見県みなと市北町3-1,099-221-3001,099-221-3002\n";
    let koharu =
        "2,こはる医院,こはるいいん,南部,899-0301,汐見県みなと市駅前5-1,099-213-4001,099-213-4002\n";
    let csv = sheet(root, &format!("{header}{aoba}{koharu}"));
    let o = import(root, &["partners", &csv]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let one = root.join("content/partners/1.md");
    let mut text = fs::read_to_string(&one).unwrap();
    text.push_str("\nあおば医院の本文\n");
    fs::write(&one, &text).unwrap();
    // The rows renumbered: ID 1 is now こはる医院, with none of あおば's numbers.
    let swapped = sheet(
        root,
        &format!(
            "{header}{}{}",
            koharu.replacen("2,", "1,", 1),
            aoba.replacen("1,", "2,", 1)
        ),
    );
    let o = import(root, &["partners", &swapped, "--update"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains(
            "content/partners/1.md は「あおば医院」の記録ですが、この行は「こはる医院」で"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(fs::read_to_string(&one).unwrap(), text);
}

#[test]
fn two_national_ids_are_two_records_whatever_their_names() {
    let site = site_copy("minimal");
    let root = site.path();
    let fixture =
        fs::read_to_string(repo().join("tests/fixtures/import/jigyosho_130.csv")).unwrap();
    // The same office name, phone and address under another 事業所番号 (a second service
    // registered as its own office).
    let other = root.join("jigyosho_430.csv");
    fs::write(
        &other,
        fixture
            .replace("4670100123", "4670100800")
            .replace("\"訪問看護\",", "\"居宅介護支援\","),
    )
    .unwrap();
    let o = import(
        root,
        &[
            "kaigo",
            other.to_str().unwrap(),
            "--city",
            "みなと市",
            "--area",
            "南部",
            "--update",
        ],
    );
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let houkan = read(root, "content/care/minato-houkan.md");
    assert!(houkan.contains("office_number: \"4670100123\""), "{houkan}");
    assert!(
        stdout(&o).contains(
            "同じ名前の施設 content/care/minato-houkan.md がありますが、事業所番号が違うため"
        ),
        "{}",
        stdout(&o)
    );
    assert!(root
        .join("content/care/minato-houmonkango-suteshon.md")
        .is_file());
}

#[test]
fn a_workplace_named_twice_and_duplicate_rows_are_left_to_staff() {
    let site = site_copy("minimal");
    let root = site.path();
    let sakura = fs::read_to_string(root.join("content/partners/sakura-naika.md")).unwrap();
    fs::write(
        root.join("content/partners/sakura-bunin.md"),
        sakura.replace("099-211-1234", "099-211-5555"),
    )
    .unwrap();
    let csv = sheet(
        root,
        "氏名,よみ,勤務先\n佐藤 一郎,さとう いちろう,さくら内科クリニック\n",
    );
    let o = import(root, &["doctors", &csv, "--update"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("勤務先「さくら内科クリニック」という医療機関が 2 件あります"),
        "{}",
        stderr(&o)
    );
    // Two rows for one clinic: with --skip-invalid neither is written.
    fs::remove_file(root.join("content/partners/sakura-bunin.md")).unwrap();
    let csv = sheet(
        root,
        "名称,よみ,電話番号,FAX\nさくら内科クリニック,さくらないかくりにっく,099-299-0000,099-211-1235\nさくら内科クリニック,さくらないかくりにっく,099-211-1234,099-211-1235\n",
    );
    let before = fs::read_to_string(root.join("content/partners/sakura-naika.md")).unwrap();
    let o = import(root, &["partners", &csv, "--update", "--skip-invalid"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("エラーのある 2・3 行目は取り込みません"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(root, "content/partners/sakura-naika.md"), before);
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
