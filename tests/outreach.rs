//! Seminars, calendars of closures and pathways as a visitor sees them on a given build date.

mod common;

use std::fs;

use common::*;

fn status_on(site: &std::path::Path, date: &str) -> String {
    let out = site.join(format!("out-{date}"));
    let o = renkei(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--date",
        date,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = read(&out, "seminars/open-conf-2026-12/index.html");
    let start = html
        .find("class=\"status status--")
        .expect("a status badge");
    let rest = &html[start..];
    let label_start = rest.find('>').unwrap() + 1;
    rest[label_start..label_start + rest[label_start..].find('<').unwrap()].to_string()
}

#[test]
fn one_seminar_through_every_status_by_build_date() {
    // apply.opens 2026-11-01, deadline 2026-12-03 (inclusive), 2026-12-10 18:30–20:00.
    let site = site_copy("minimal");
    assert_eq!(status_on(site.path(), "2026-10-31"), "受付前");
    assert_eq!(status_on(site.path(), "2026-11-01"), "受付中");
    assert_eq!(status_on(site.path(), "2026-12-03"), "受付中");
    assert_eq!(status_on(site.path(), "2026-12-04"), "受付終了");
    assert_eq!(status_on(site.path(), "2026-12-10"), "受付終了");
    assert_eq!(status_on(site.path(), "2026-12-11"), "開催済み");
    let path = site.path().join("content/seminars/open-conf-2026-12.md");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("fee: 無料", "fee: 無料\ncancelled: true");
    fs::write(&path, text).unwrap();
    assert_eq!(status_on(site.path(), "2026-11-25"), "中止");
}

#[test]
fn seminars_are_filed_by_fiscal_year_kind_and_audience() {
    let (_tmp, out) = build_demo(&[]);
    let fy2025 = read(&out, "seminars/2025/index.html");
    assert!(fy2025.contains("2025年度(令和7年度)"));
    // 2026-03 (年度 2025) is in, 2026-06 (年度 2026) is not.
    assert!(
        fy2025.contains("/seminars/public-lecture-2026-03/")
            && !fy2025.contains("/seminars/open-conf-2026-06/")
    );
    assert!(read(&out, "seminars/2026/index.html").contains("/seminars/open-conf-2026-06/"));
    assert!(read(&out, "seminars/kind/public_lecture/index.html").contains("市民公開講座"));
    let public = read(&out, "seminars/audience/public/index.html");
    assert!(
        public.contains("/seminars/public-lecture-2027-02/")
            && !public.contains("/seminars/open-conf-2026-12/")
    );
    assert!(read(&out, "news/category/休診・代診/index.html")
        .contains("12月の外来休診・代診のお知らせ"));
}

#[test]
fn home_and_schedule_show_the_next_closures_with_national_holidays() {
    let site = site_copy("minimal");
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    let home = read(&out, "index.html");
    assert!(home.contains("年末年始休診"), "closures.yaml");
    assert!(
        home.contains("成人の日(祝日休診)") && home.contains("2027年1月11日(月)"),
        "a national holiday in the next 90 days"
    );
    assert!(
        !home.contains("元日(祝日休診)"),
        "a holiday inside a closure period is not repeated"
    );
    assert!(read(&out, "outpatient/index.html").contains("成人の日(祝日休診)"));
}

#[test]
fn pathways_page_has_a_participation_matrix() {
    let site = site_copy("minimal");
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    let html = read(&out, "pathways/index.html");
    let matrix = &html[html.find("class=\"matrix\"").expect("matrix table")..];
    for name in [
        "さくら内科クリニック",
        "みなと中央病院",
        "みなと訪問看護ステーション",
    ] {
        assert!(matrix.contains(name), "{name} in the matrix");
    }
    assert_eq!(
        matrix
            .matches("<span class=\"visually-hidden\">参加</span>")
            .count(),
        3
    );
}

#[test]
fn curriculum_codes_show_their_names_from_the_table_in_force() {
    let site = site_copy("minimal");
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    let page = read(&out, "seminars/open-conf-2026-12/index.html");
    assert!(page.contains("CC 12 地域医療") && page.contains("CC 13 医療と介護および福祉の連携"));
    let ics = ical_in(&page).expect("a calendar link");
    assert!(ics.contains("12 地域医療"));

    // A site's own table replaces the built-in names.
    fs::write(
        site.path().join("content/data/jma-cc.yaml"),
        "source: 県医師会の表\ncodes:\n  12: 地域医療(在宅を含む)\n  13: 医療・介護連携\n",
    )
    .unwrap();
    build_ok(site.path(), &out, &[]);
    let page = read(&out, "seminars/open-conf-2026-12/index.html");
    assert!(page.contains("CC 12 地域医療(在宅を含む)") && page.contains("CC 13 医療・介護連携"));
    assert!(!page.contains("医療と介護および福祉の連携"));
}
