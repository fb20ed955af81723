//! 様式: the forms collection of the demo, the forms renkei draws, and the errors staff get.

mod common;

use std::fs;

use common::*;

#[test]
fn the_demo_lists_its_forms_by_purpose_and_draws_two_of_them() {
    let (_tmp, out) = build_demo(&[]);
    let list = read(&out, "forms/index.html");
    // Groups in the order of the purposes: 診療予約 first, 研修会 after 登録医.
    let at = |s: &str| list.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(at(">診療予約</h2>") < at(">検査予約</h2>"));
    assert!(at(">送付状</h2>") < at(">登録医</h2>") && at(">登録医</h2>") < at(">研修会</h2>"));
    assert!(list.contains("改訂 2026年4月1日"));
    assert!(list.contains("href=\"/renkei/forms/referral-request/print/\""));

    let form = read(&out, "forms/exam-request/index.html");
    assert!(form.contains("送り先: 地域医療連携室"));
    assert!(
        form.contains("099-201-1101"),
        "the desk's FAX from site.yaml"
    );
    assert!(
        form.contains("クレアチニン値"),
        "the fields are written out in HTML"
    );
    assert!(form.contains("/renkei/forms/exam-request.pdf") && form.contains("(PDF "));
    // Only the generated forms have a page to print.
    assert!(out.join("forms/fax-cover/print/index.html").is_file());
    assert!(!out.join("forms/exam-request/print").exists());
    let print = read(&out, "forms/referral-request/print/index.html");
    assert!(print.contains("noindex"));
    let sheet = &print[print.find("class=\"sheet\"").unwrap()..];
    let sheet = &sheet[..sheet.find("</main>").unwrap()];
    assert!(sheet.contains("生年月日"));
    assert!(
        !sheet.contains("<input") && !sheet.contains("<form") && !sheet.contains("<textarea"),
        "the form is printed and filled in by hand: the site collects no patient data"
    );
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("/renkei/forms/exam-request/"));
    assert!(!sitemap.contains("/forms/fax-cover/print/"));
    // A purpose has its own page, and forms are found by search.
    assert!(out.join("forms/purpose/検査予約/index.html").is_file());
    let indexed = files(&out.join("search")).iter().any(|f| {
        read(&out.join("search"), &f.display().to_string()).contains("CT・MRI 検査予約申込書")
    });
    assert!(indexed, "forms are in the search index");
}

#[test]
fn a_form_with_a_wrong_desk_purpose_or_date_is_reported_where_it_is_written() {
    let site = site_copy("minimal");
    fs::write(
        site.path().join("content/forms/bad.md"),
        "---\ntitle: 検査予約申込書\npurpose: 検査よやく\ndesk: renkei\nrevised: 2026-13-01\n---\n\n本文\n",
    )
    .unwrap();
    fs::write(
        site.path().join("content/forms/empty.md"),
        "---\ntitle: 空の様式\npurpose: その他\n---\n",
    )
    .unwrap();
    let o = check(site.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for expected in [
        "content/forms/bad.md:3:1: purpose: 「検査よやく」は purpose に使えません (expected: 診療予約, 検査予約,",
        "content/forms/bad.md:4:1: desk: id「renkei」の窓口が site.yaml の desks にありません",
        "content/forms/bad.md:5:10: revised: 日付として読めません(「2026-13-01」)",
        "content/forms/empty.md:2:1: revised: 必須の項目がありません(様式の改訂日)",
        "content/forms/empty.md:2:1: files: 様式には files(PDF などのファイル)か generate のどちらかが必要です",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
}
