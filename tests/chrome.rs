//! End-to-end: the header and footer every page shares are made once (`render::chrome`), and
//! still mark the page each one is on; a record's list entry is drawn once (`render::Items`)
//! and is the same on every list it is on.

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

/// Each `<li class="entry" …>…</li>` of a page, with the record it links to.
fn entries(out: &std::path::Path, page: &str) -> Vec<(String, String)> {
    let html = read(out, page);
    html.split("<li class=\"entry\"")
        .skip(1)
        .map(|rest| {
            let entry = &rest[..rest.find("</li>").expect("an entry's end")];
            let link = entry.split("<a href=\"").nth(1).expect("a link");
            (
                link[..link.find('"').unwrap_or(0)].to_string(),
                entry.to_string(),
            )
        })
        .collect()
}

#[test]
fn a_record_is_drawn_once_in_every_list_by_the_entry_partial() {
    let site = site_copy("minimal");
    let partials = site.path().join("themes/default/templates/partials");
    std::fs::create_dir_all(&partials).expect("a theme folder");
    // The default entry with a mark of its own, which every list must show.
    let entry = std::fs::read_to_string(
        repo().join("themes/default/templates/partials/directory-entry.html"),
    )
    .expect("the default entry");
    std::fs::write(
        partials.join("directory-entry.html"),
        entry.replace(
            "<li class=\"entry\">",
            "<li class=\"entry\" data-own=\"{{ item.name }}\" data-drawn=\"{% if page is defined %}in-page{% else %}once{% endif %}\">",
        ),
    )
    .expect("an entry partial");
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    let sakura = "/renkei/partners/sakura-naika/";
    let mut seen = Vec::new();
    for (page, drawn) in [
        ("partners/index.html", "once"),
        ("partners/area/中央/index.html", "once"),
        ("partners/gojuon/さ/index.html", "once"),
        ("care/index.html", "once"),
        // A pathway's members are not a list page's items: the list includes the partial,
        // which then sees the page.
        ("pathways/nousocchu/index.html", "in-page"),
    ] {
        let found = entries(&out, page);
        assert!(!found.is_empty(), "{page} lists no entry");
        for (url, entry) in &found {
            assert!(
                entry.starts_with(" data-own=\"")
                    && entry.contains(&format!("data-drawn=\"{drawn}\"")),
                "{page}: {url} {entry}"
            );
            if url == sakura {
                seen.push((page, entry.clone()));
            }
        }
    }
    // The same entry on every list page (the pathway's, drawn in the page, is left out).
    seen.retain(|(page, _)| !page.starts_with("pathways/"));
    assert!(seen.len() >= 3, "{seen:?}");
    assert!(seen.iter().all(|(_, e)| *e == seen[0].1), "{seen:?}");
}

#[test]
fn an_entry_partial_that_fails_fails_the_build_and_names_itself() {
    let site = site_copy("minimal");
    let partials = site.path().join("themes/default/templates/partials");
    std::fs::create_dir_all(&partials).expect("a theme folder");
    std::fs::write(
        partials.join("directory-entry.html"),
        "<li>{{ item.name | no_such_filter }}</li>\n",
    )
    .expect("an entry partial");
    let out = site.path().join("public");
    let output = build(site.path(), &out, &[]);
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(err.contains("directory-entry.html"), "{err}");
    assert!(!out.exists(), "a failed first build leaves no output");
}
