//! End-to-end: the header and footer every page shares are made once (`render::chrome`), and
//! still mark the page each one is on.

mod common;

use common::*;

/// The site header of a built page, and the menu entries it marks as the current page.
fn header(out: &std::path::Path, page: &str) -> (String, Vec<String>) {
    let html = read(out, page);
    let start = html
        .find("<header class=\"site-header\">")
        .expect("a site header");
    let end = start + html[start..].find("</header>").expect("its end");
    let header = html[start..end].to_string();
    let current = header
        .split("<a href=\"")
        .skip(1)
        .filter(|link| link.contains(" aria-current=\"page\""))
        .map(|link| link[..link.find('"').unwrap_or(0)].to_string())
        .collect();
    (header, current)
}

#[test]
fn each_page_marks_its_own_menu_entry() {
    let site = site_copy("minimal");
    // A plain page the menu does not link to: it shares its section with referral.md, which
    // the menu does link to, and must not take referral's header.
    std::fs::write(
        site.path().join("content/pages/access.md"),
        "---\ntitle: 交通のご案内\n---\n\nバスでお越しください。\n",
    )
    .expect("a page written");
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    for (page, marked) in [
        ("index.html", "/renkei/"),
        ("referral/index.html", "/renkei/referral/"),
        ("partners/index.html", "/renkei/partners/"),
        ("partners/sakura-naika/index.html", "/renkei/partners/"),
        ("care/minato-houkan/index.html", "/renkei/care/"),
        ("news/fax-hours/index.html", "/renkei/news/"),
    ] {
        let (_, current) = header(&out, page);
        assert_eq!(current, [marked], "{page}");
    }
    // A page the menu does not link to marks nothing; the search page has no search box.
    for page in ["access/index.html", "outpatient/index.html"] {
        assert_eq!(header(&out, page).1, Vec::<String>::new(), "{page}");
    }
    assert!(header(&out, "index.html").0.contains("site-search"));
    assert!(!header(&out, "search/index.html").0.contains("site-search"));
    // The footer is the same on every page.
    let footer = |page: &str| {
        let html = read(&out, page);
        html[html.find("<footer").expect("a footer")..].to_string()
    };
    assert!(footer("index.html").contains("このサイトは患者さんの個人情報を収集しません。"));
    assert_eq!(
        footer("index.html"),
        footer("partners/sakura-naika/index.html")
    );
    assert_eq!(footer("index.html"), footer("404.html"));
}
