//! `renkei check`: the link check, `--external`, `--format json`, the quoted source line, and
//! the warnings that help staff keep the site right.

mod common;

use std::fs;
use std::path::Path;

use common::*;

fn append(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    let mut body = fs::read_to_string(&path).unwrap();
    body.push_str(text);
    fs::write(path, body).unwrap();
}

fn check(root: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "check",
        "--root",
        root.to_str().unwrap(),
        "--date",
        "2026-11-25",
    ];
    args.extend_from_slice(extra);
    renkei(&args)
}

/// The line of `err` that starts with `at` and says every word, or a panic showing `err`.
fn line_at<'a>(err: &'a str, at: &str, says: &[&str]) -> &'a str {
    err.lines()
        .find(|l| l.starts_with(at) && says.iter().all(|w| l.contains(w)))
        .unwrap_or_else(|| panic!("no line {at:?} saying {says:?} in:\n{err}"))
}

#[test]
fn the_demo_checks_clean_with_one_summary_line() {
    let o = renkei(&["check", "--root", repo().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "no errors, warnings or chatter");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.contains("確認しました") && out.contains("警告 0 件"),
        "{out}"
    );
}

#[test]
fn broken_links_are_traced_to_the_line_that_wrote_them() {
    let site = site_copy("minimal");
    let root = site.path();
    append(
        root,
        "content/pages/referral.md",
        "\n[アクセス](/acess/)、[FAX 番号](/partners/sakura-naika/#faxx)、[様式](/forms/none.pdf)\n\
         [一覧](/partners/)、[お知らせの配信](/news/atom.xml)、[紹介](../partners/sakura-naika/)、[上へ](#top)\n\
         [別のサイトの道](https://www.example.jp/other/)\n",
    );
    let o = check(root, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    line_at(
        &err,
        "content/pages/referral.md:10:8: ",
        &["リンク「/acess/」", "サイトにないページ"],
    );
    line_at(
        &err,
        "content/pages/referral.md:10:",
        &["「#faxx」", "見出し(id)"],
    );
    line_at(&err, "content/pages/referral.md:10:", &["/forms/none.pdf"]);
    line_at(
        &err,
        "content/pages/referral.md:12:",
        &[
            "https://www.example.jp/other/",
            "base_url のパス /renkei/ の外",
        ],
    );
    // Links to pages, feeds, relative paths and #top that exist are not reported.
    let reported: Vec<&str> = err.lines().filter(|l| l.contains("リンク「")).collect();
    assert_eq!(reported.len(), 4, "{err}");
    assert!(err.contains("エラー 4 件"), "{err}");
    // The line is quoted with a caret under the link.
    assert!(
        err.contains("    10 | [アクセス](/acess/)、"),
        "source line quoted: {err}"
    );
    let caret = err
        .lines()
        .skip_while(|l| !l.starts_with("content/pages/referral.md:10:8:"))
        .nth(2)
        .unwrap();
    assert_eq!(
        caret,
        format!("       | {}^^^^^^^", " ".repeat(11)),
        "「[アクセス](」 is 11 cells wide (カタカナ two each)"
    );
}

#[test]
fn a_broken_link_made_by_a_template_points_at_the_template() {
    let site = site_copy("minimal");
    let root = site.path();
    replace(root, "content/site.yaml", "theme: default", "theme: mine");
    fs::create_dir_all(root.join("themes/mine/templates")).unwrap();
    fs::write(
        root.join("themes/mine/templates/page.html"),
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ content.title }}</h1>\n<p><a href=\"{{ url(path='contact-us/') }}\">お問い合わせ</a></p>\n{% endblock content %}\n",
    )
    .unwrap();
    let o = check(root, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    line_at(
        &err,
        "themes/mine/templates",
        &[
            "/renkei/contact-us/",
            "テンプレートが作ったリンク",
            "referral/index.html",
        ],
    );
}

#[test]
fn external_links_are_listed_not_fetched() {
    let site = site_copy("minimal");
    let root = site.path();
    append(
        root,
        "content/pages/referral.md",
        "\n[市の介護保険](https://www.city.example.lg.jp/kaigo/)\n",
    );
    let o = check(root, &["--external"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("外部リンク"), "{out}");
    assert!(
        out.lines().any(
            |l| l.trim_start() == "https://www.city.example.lg.jp/kaigo/ (referral/index.html)"
        ),
        "{out}"
    );
    // Without the flag, no list.
    let o = check(root, &[]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains("外部リンク"));
}

#[test]
fn json_output_carries_every_diagnostic_for_editors() {
    let site = site_copy("minimal");
    let root = site.path();
    replace(
        root,
        "content/partners/sakura-naika.md",
        "tel: \"099-211-1234\"",
        "tell: \"099-211-1234\"",
    );
    append(
        root,
        "content/pages/referral.md",
        "\n![](/forms/seminar-application.pdf)\n",
    );
    let o = check(root, &["--format", "json", "--external"]);
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("stdout is one JSON document");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["ok"], false);
    let items = doc["diagnostics"].as_array().unwrap();
    assert_eq!(
        doc["errors"].as_u64().unwrap() as usize,
        items.iter().filter(|d| d["severity"] == "error").count()
    );
    let tell = items
        .iter()
        .find(|d| d["field"] == "tell")
        .unwrap_or_else(|| panic!("{doc:#}"));
    assert_eq!(tell["path"], "content/partners/sakura-naika.md");
    assert_eq!(tell["line"], 9);
    assert_eq!(tell["col"], 1);
    assert_eq!(tell["severity"], "error");
    assert_eq!(tell["source_line"], "tell: \"099-211-1234\"");
    assert!(tell["message"].as_str().unwrap().contains("「tel」"));
    let alt = items
        .iter()
        .find(|d| d["severity"] == "warning")
        .unwrap_or_else(|| panic!("{doc:#}"));
    assert_eq!(alt["path"], "content/pages/referral.md");
    assert!(alt["message"].as_str().unwrap().contains("alt"));

    // A clean site: ok, the summary and the external links.
    let clean = site_copy("minimal");
    let o = check(clean.path(), &["--format", "json", "--external"]);
    assert!(o.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["errors"], 0);
    assert!(doc["summary"]["pages"].as_u64().unwrap() > 10);
    assert!(doc["external_links"].is_array());
}

#[test]
fn warnings_help_without_failing() {
    let site = site_copy("minimal");
    let root = site.path();
    let sakura = "content/partners/sakura-naika.md";
    replace(root, sakura, "updated: 2026-04-01", "updated: 2025-10-01");
    replace(root, sakura, "fax: \"099-211-1235\"\n", "");
    replace(root, sakura, "registered: true", "registered: false");
    replace(
        root,
        "content/seminars/open-conf-2026-12.md",
        "deadline: 2026-12-03, ",
        "",
    );
    append(
        root,
        "content/pages/referral.md",
        "\n![](/forms/seminar-application.pdf)\n",
    );
    let o = check(root, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    line_at(
        &err,
        &format!("{sakura}:18:1: 警告: updated: "),
        &["2025-10-01", "1 年以上"],
    );
    line_at(
        &err,
        &format!("{sakura}:9:1: 警告: fax: "),
        &["FAX 番号がありません"],
    );
    line_at(
        &err,
        "content/doctors/dr-sato.md:4:10: 警告: partner: ",
        &["registered: true"],
    );
    line_at(
        &err,
        "content/seminars/open-conf-2026-12.md:9:1: 警告: apply.deadline: ",
        &["締切がありません"],
    );
    line_at(&err, "content/pages/referral.md:10:1: 警告: ", &["alt"]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("警告 5 件"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );

    // A seminar already held needs no deadline; information checked within the year is fine.
    let o = renkei(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--date",
        "2026-12-11",
    ]);
    let err = stderr(&o);
    assert!(!err.contains("apply.deadline"), "{err}");
    let o = renkei(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--date",
        "2026-09-30",
    ]);
    assert!(!stderr(&o).contains("updated"), "{}", stderr(&o));
}

#[test]
fn check_warns_when_the_published_build_is_older_than_a_status_change() {
    let site = site_copy("minimal");
    let root = site.path();
    let built = renkei(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--date",
        "2026-11-25",
    ]);
    assert!(built.status.success(), "{}", stderr(&built));
    let check_on = |day: &str| {
        let o = renkei(&["check", "--root", root.to_str().unwrap(), "--date", day]);
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    // Nothing has changed the day after.
    assert!(!check_on("2026-11-26").contains("生成されたまま"));
    // By 5 December the notice of 1 December has passed and the deadline of 3 December too.
    let later = check_on("2026-12-05");
    assert!(
        later.contains("2026年11月25日(水) に生成されたまま"),
        "{later}"
    );
    assert!(
        later.contains("2026年12月2日(水) に内科の休診・代診のお知らせ"),
        "{later}"
    );
    assert!(later.contains("(ほかに 1 件)"), "{later}");
}
