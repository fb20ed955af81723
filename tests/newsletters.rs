//! 広報誌: the demo's archive, issue pages, feed and home page, and the errors staff get.

mod common;

use std::fs;

use common::*;

#[test]
fn issues_are_archived_by_fiscal_year_newest_first_with_a_feed_and_the_latest_at_home() {
    let (_tmp, out) = build_demo(&[]);
    let list = read(&out, "koho/index.html");
    let at = |s: &str| list.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(at("2026年度(令和8年度)") < at("2025年度(令和7年度)"));
    assert!(at("第12号</a>") < at("第11号</a>") && at("第10号</a>") < at("第9号</a>"));
    // 第9号 came out in January 2026: 2025年度.
    assert!(at("2025年度(令和7年度)") < at("第9号</a>"));
    assert!(out.join("koho/2025/index.html").is_file());

    let issue = read(&out, "koho/renkei-dayori-11/index.html");
    assert!(issue.contains("alt=\"みなと連携だより第11号の表紙。特集「地域連携パスの5年」\""));
    assert!(
        issue.contains("入退院支援センターの紹介"),
        "the table of contents"
    );
    assert!(issue.contains("/renkei/koho/renkei-dayori-11.pdf") && issue.contains("(PDF "));

    let home = read(&out, "index.html");
    let koho = &home[home
        .find("id=\"koho-title\"")
        .expect("the home page shows the 広報誌")..];
    assert!(koho[..koho.find("</section>").unwrap()].contains("みなと連携だより 第12号"));

    let feed = read(&out, "koho/atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 4);
    assert!(feed.find("第12号").unwrap() < feed.find("第9号").unwrap());
    assert!(feed.contains("<summary>目次: 特集:心不全の患者さんを地域で支える"));
}

#[test]
fn an_issue_without_cover_text_or_pdf_is_reported() {
    let site = site_copy("minimal");
    fs::write(
        site.path().join("content/koho/dayori-4.md"),
        "---\ntitle: 連携だより 第4号\nnumber: 4\nissued: 2027-01-05\npdf: koho/dayori-4.pdf\ncover: {image: forms/seminar-application.pdf}\n---\n",
    )
    .unwrap();
    fs::write(
        site.path().join("content/koho/2026.md"),
        "---\ntitle: 年度\nnumber: 1\nissued: 2026-04-01\npdf: forms/seminar-application.pdf\n---\n",
    )
    .unwrap();
    let o = check(site.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for expected in [
        "content/koho/dayori-4.md:5:1: pdf: ファイル「koho/dayori-4.pdf」が content/static/ にありません",
        "content/koho/dayori-4.md:6:8: cover.alt: 表紙画像の説明(alt)がありません",
        "content/koho/2026.md:1:1: ファイル名「2026」は koho/<年度>/ のページと重なるため使えません",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
}
