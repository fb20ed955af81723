//! Numbers written once: desks in site.yaml, the `{{ desk.renkei.fax }}` short form in bodies,
//! and `check` catching numbers typed by hand.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// Every output file that holds `needle`, PDFs and other binary files included.
fn files_holding(out: &Path, needle: &str) -> Vec<String> {
    files(out)
        .into_iter()
        .filter(|f| {
            let bytes = fs::read(out.join(f)).unwrap();
            bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        })
        .map(|f| f.display().to_string())
        .collect()
}

#[test]
fn a_new_liaison_fax_in_site_yaml_reaches_every_page_vcard_and_json_ld() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &site.path().join("content"));
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    // The demo shows the FAX number in many places: on every page, in pages' text, in vCards.
    let before = files_holding(&out, "099-201-1101");
    assert!(before.len() > 200, "{}", before.len());
    assert!(before.iter().any(|f| f == "for-professionals/index.html"));
    assert!(before.iter().any(|f| f == "contact/index.html"));

    replace(
        site.path(),
        "content/site.yaml",
        "fax: \"099-201-1101\"",
        "fax: \"099-201-1191\"",
    );
    build_ok(site.path(), &out, &[]);
    for old in ["099-201-1101", "0992011101", "99-201-1101"] {
        assert_eq!(files_holding(&out, old), Vec::<String>::new(), "{old}");
    }
    let after = files_holding(&out, "099-201-1191");
    assert!(
        after.len() >= before.len(),
        "{} < {}",
        after.len(),
        before.len()
    );
    let page = read(&out, "referral/index.html");
    assert!(
        page.contains("099-201-1191"),
        "the body's short form follows the desk"
    );
    let json_ld = read(&out, "index.html");
    assert!(json_ld.contains("099-201-1191"));
}

#[test]
fn a_typed_desk_number_warns_and_a_near_miss_fails_the_check() {
    let site = site_copy("minimal");
    let page = "content/pages/referral.md";
    let text = fs::read_to_string(site.path().join(page)).unwrap();
    let body_start = text.lines().position(|l| l == "---").unwrap();
    let close = text
        .lines()
        .skip(body_start + 1)
        .position(|l| l == "---")
        .unwrap();
    let first_body_line = body_start + close + 3; // 1-based line after the closing ---
    fs::write(
        site.path().join(page),
        format!("{text}\nFAX(099-201-1101)へお送りください。\n番号は 099-201-1191 です。\n"),
    )
    .unwrap();
    let typed_line = text.lines().count() + 2;
    let o = check(site.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(first_body_line <= typed_line);
    assert!(
        err.contains(&format!("{page}:{typed_line}:5: 警告: body: 番号を直接書かずに {{{{ liaison.fax }}}} と書いてください")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{page}:{}:5: body: 「099-201-1191」は連携窓口のFAX(099-201-1101)と 1 字違いです",
            typed_line + 1
        )),
        "{err}"
    );
}

#[test]
fn short_forms_and_desk_ids_that_name_nothing_are_errors_with_their_place() {
    let site = site_copy("minimal");
    fs::write(
        site.path().join("content/pages/fax.md"),
        "---\ntitle: FAXのご案内\n---\n\nFAX: {{ liaison.fax }}、相談室: {{ desk.soudan.tel }}\n\n`{{ 例 }}` と \\{{ liaison.fax }} はそのまま\n",
    )
    .unwrap();
    let o = check(site.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "content/pages/fax.md:5:29: body: 「{{ desk.soudan.tel }}」は site.yaml にありません"
        ),
        "{err}"
    );

    // With the desk added (and the liaison window named by its id), the page builds.
    replace(
        site.path(),
        "content/site.yaml",
        "liaison:\n  tel: \"099-201-1100\"\n  fax: \"099-201-1101\"\n  hours: 平日 8:30〜17:00\n",
        "liaison: renkei\ndesks:\n  - {id: renkei, name: 地域医療連携室, tel: \"099-201-1100\", fax: \"099-201-1101\", hours: 平日 8:30〜17:00}\n  - {id: soudan, name: 医療福祉相談室, tel: \"099-201-1300\", hours: 平日 9:00〜17:00}\n",
    );
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    let html = read(&out, "fax/index.html");
    assert!(
        html.contains("FAX: 099-201-1101、相談室: 099-201-1300"),
        "{html}"
    );
    assert!(html.contains("<code>{{ 例 }}</code>"), "{html}");
    assert!(html.contains("{{ liaison.fax }} はそのまま"), "{html}");
    let contact = read(&out, "contact/index.html");
    assert!(contact.contains("医療福祉相談室") && contact.contains("099-201-1300"));

    replace(
        site.path(),
        "content/site.yaml",
        "liaison: renkei",
        "liaison: renke",
    );
    let o = check(site.path());
    assert!(
        stderr(&o).contains("content/site.yaml:8:10: liaison: id「renke」の窓口が desks にありません。もしかして「renkei」?"),
        "{}",
        stderr(&o)
    );
}

/// A one-page PDF (Helvetica, ASCII text) whose lines are `lines`, with a correct xref table.
fn pdf(lines: &[&str]) -> Vec<u8> {
    let content: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("BT /F1 12 Tf 60 {} Td ({l}) Tj ET\n", 780 - 20 * i))
        .collect();
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{o}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for o in offsets {
        out.push_str(&format!("{o:010} 00000 n \n"));
    }
    out.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.into_bytes()
}

/// `<sheetData>` rows holding inline strings at their references.
fn cells(cells: &[(&str, &str)]) -> String {
    cells
        .iter()
        .map(|(r, t)| {
            let row: String = r.chars().filter(char::is_ascii_digit).collect();
            format!(r#"<row r="{row}"><c r="{r}" t="inlineStr"><is><t>{t}</t></is></c></row>"#)
        })
        .collect()
}

#[test]
fn numbers_printed_in_attached_pdf_xlsx_and_docx_files_are_checked_with_page_and_cell() {
    let site = site_copy("minimal");
    let forms = site.path().join("content/static/forms");
    let other = site.path().join("content/static/materials");
    fs::create_dir_all(&other).unwrap();
    // A form PDF with the liaison FAX one digit off, and a price list that prints it right.
    fs::write(
        forms.join("referral.pdf"),
        pdf(&["Referral request", "FAX 099-201-1191"]),
    )
    .unwrap();
    fs::write(
        other.join("guide.pdf"),
        pdf(&["", "Contact: TEL 099-201-1100"]),
    )
    .unwrap();
    // An Excel form that sends to a FAX no desk owns.
    workbook::xlsx(
        &forms.join("exam.xlsx"),
        &cells(&[("A1", "検査予約申込書"), ("B3", "送信先 FAX 03-5555-0101")]),
    );
    // A Word form with the liaison FAX written right, and a broken one.
    workbook::docx(
        &forms.join("cover.docx"),
        &["FAX送付状", "送信先FAX:099-201-1101"],
    );
    fs::write(forms.join("broken.pdf"), b"%PDF-1.4 nothing else").unwrap();

    let o = check(site.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for expected in [
        "content/static/forms/referral.pdf: 1 ページ: 添付ファイルの「099-201-1191」は連携窓口のFAX(099-201-1101)と 1 字違いです",
        "content/static/materials/guide.pdf: 警告: 1 ページ: 添付ファイルに番号「099-201-1100」が印刷されています",
        "content/static/forms/exam.xlsx: 名簿!B3: 様式に、どの窓口の番号でもない FAX 番号「03-5555-0101」が書かれています",
        "content/static/forms/cover.docx: 警告: 本文 2 段落目: 添付ファイルに番号「099-201-1101」が印刷されています",
        "content/static/forms/broken.pdf: 警告: 添付ファイルの番号を確かめられません: PDF の文字を読み取れません",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
    // The same other-FAX number outside a form is nobody's business.
    fs::remove_file(forms.join("exam.xlsx")).unwrap();
    workbook::xlsx(
        &other.join("list.xlsx"),
        &cells(&[("B3", "FAX 03-5555-0101")]),
    );
    assert!(!stderr(&check(site.path())).contains("03-5555-0101"));
}

#[test]
fn numbers_written_in_a_desks_text_are_checked_where_they_are_written() {
    let site = site_copy("minimal");
    replace(
        site.path(),
        "content/site.yaml",
        "liaison:\n  tel: \"099-201-1100\"\n  fax: \"099-201-1101\"\n  hours: 平日 8:30〜17:00\n",
        "liaison: renkei\ndesks:\n  - id: renkei\n    name: 地域医療連携室\n    purpose: 紹介の相談。急ぎのFAXは 099-201-1181 へ\n    tel: \"099-201-1100\"\n    fax: \"099-201-1101\"\n    hours: 平日 8:30〜17:00\n    channels:\n      - {channel: FAX, hours: 平日, note: 届かないときは 099-201-1100 へ}\n",
    );
    let o = check(site.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/site.yaml:12:5: desks[0].purpose: 「099-201-1181」は連携窓口のFAX(099-201-1101)と 1 字違いです"),
        "{err}"
    );
    assert!(
        err.contains("content/site.yaml:17:35: 警告: desks[0].channels[0].note: 文章の中に番号「099-201-1100」"),
        "{err}"
    );
}
