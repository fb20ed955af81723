//! End-to-end: build real fixture sites with the real binary and check the files they produce.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::*;

#[test]
fn minimal_site_builds_every_page_type() {
    let site = site_copy("minimal");
    let out = site.path().join("public");
    let o = build_ok(site.path(), &out, &[]);
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(
        summary.contains("ページを") && summary.contains("警告 0 件"),
        "{summary}"
    );

    for page in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "partners/index.html",
        "partners/sakura-naika/index.html",
        "care/minato-houkan/index.html",
        "doctors/dr-sato/index.html",
        "seminars/open-conf-2026-12/index.html",
        "news/fax-hours/index.html",
        "pathways/nousocchu/index.html",
        "referral/index.html",
        "outpatient/index.html",
        "assets/style.css",
        "forms/seminar-application.pdf",
    ] {
        assert!(out.join(page).is_file(), "{page} missing");
    }
    // Drafts stay out unless asked for.
    assert!(!out.join("news/draft-item/index.html").exists());

    let partner = read(&out, "partners/sakura-naika/index.html");
    assert!(partner.contains("<html lang=\"ja\">"));
    assert!(partner.contains("<title>さくら内科クリニック | テスト市民病院 地域医療連携室</title>"));
    assert!(partner.contains(
        "<link rel=\"canonical\" href=\"https://www.example.jp/renkei/partners/sakura-naika/\">"
    ));
    assert!(
        partner.contains("href=\"tel:+81-99-211-1234\""),
        "tel: link"
    );
    assert!(partner.contains("第1・3"), "nth-week row");
    assert!(
        partner.contains("href=\"/renkei/doctors/dr-sato/\""),
        "the clinic lists its 登録医"
    );
    assert!(
        partner.contains("href=\"/renkei/pathways/nousocchu/\""),
        "and its pathways"
    );
    assert!(
        partner.contains("href=\"/renkei/referral/\""),
        "body links get the base path"
    );
    assert!(partner.contains("aria-label=\"現在位置\""), "breadcrumbs");
    assert!(
        partner.contains("099-201-1101"),
        "liaison FAX in the header"
    );

    let doctor = read(&out, "doctors/dr-sato/index.html");
    assert!(
        doctor.contains("href=\"/renkei/partners/sakura-naika/\""),
        "doctor links to the clinic"
    );

    let seminar = read(&out, "seminars/open-conf-2026-12/index.html");
    assert!(seminar.contains("2026年12月10日(木) 18:30〜20:00"));
    assert!(seminar.contains("受付中"), "status on 2026-11-25");

    let home = read(&out, "index.html");
    assert!(home.contains("医療機関の方へ") && home.contains("患者さん・ご家族の方へ"));
    assert!(
        home.contains("第42回 オープンカンファレンス"),
        "upcoming seminars on the home page"
    );
    assert!(
        home.contains("FAX予約の受付時間を変更します"),
        "latest news on the home page"
    );
    assert!(
        home.contains("099-201-1100") && home.contains("平日 8:30〜17:00"),
        "contact box"
    );

    let outpatient = read(&out, "outpatient/index.html");
    assert!(outpatient.contains("山田医師 休診"));
    assert!(
        !outpatient.contains("過去のお知らせ"),
        "past notices disappear by build date"
    );

    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://www.example.jp/renkei/partners/sakura-naika/</loc>"));
    assert!(!sitemap.contains("404"));
    assert!(read(&out, "robots.txt").contains("Sitemap: https://www.example.jp/renkei/sitemap.xml"));
}

#[test]
fn drafts_flag_includes_drafts() {
    let site = site_copy("minimal");
    let out = site.path().join("public");
    build_ok(site.path(), &out, &["--drafts"]);
    assert!(out.join("news/draft-item/index.html").is_file());
}

#[test]
fn a_failing_build_leaves_the_previous_output_byte_identical() {
    let site = site_copy("minimal");
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    let before: Vec<(std::path::PathBuf, Vec<u8>)> = files(&out)
        .into_iter()
        .map(|f| (f.clone(), fs::read(out.join(&f)).unwrap()))
        .collect();

    // Break one record and change another: nothing of either may reach the output.
    fs::write(
        site.path().join("content/partners/minato-byoin.md"),
        "---\nname: x\ntell: 1\n---\n",
    )
    .unwrap();
    let news = site.path().join("content/news/fax-hours.md");
    let text = fs::read_to_string(&news)
        .unwrap()
        .replace("16時まで", "17時まで");
    fs::write(&news, text).unwrap();
    let o = renkei(&[
        "build",
        "--root",
        site.path().to_str().unwrap(),
        "--date",
        "2026-11-25",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));

    let after: Vec<(std::path::PathBuf, Vec<u8>)> = files(&out)
        .into_iter()
        .map(|f| (f.clone(), fs::read(out.join(&f)).unwrap()))
        .collect();
    assert_eq!(before.len(), after.len());
    assert!(before == after, "output changed after a failed build");
    let leftovers: Vec<String> = fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // The record of the last good build's inputs and their parses stay (they describe the
        // kept output).
        .filter(|n| n.contains("renkei-") && !n.starts_with(".renkei-inputs."))
        .filter(|n| n.contains(".tmp-") || !n.starts_with(".renkei-parsed."))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left: {leftovers:?}"
    );
}

fn snapshot(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    files(dir)
        .into_iter()
        .map(|f| (f.clone(), fs::read(dir.join(&f)).unwrap()))
        .collect()
}

#[test]
fn two_builds_are_byte_identical_whatever_the_thread_count() {
    let root = repo();
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let args = |out: &Path| {
        vec![
            "build".to_string(),
            "--root".into(),
            root.to_str().unwrap().into(),
            "--out".into(),
            out.to_str().unwrap().into(),
            "--date".into(),
            "2026-11-25".into(),
        ]
    };
    let run = |out: &Path, threads: &str| {
        let a = args(out);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let o = renkei_env(&a, &[("RAYON_NUM_THREADS", threads)]);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    run(&a, "1");
    run(&b, "4");
    // The manifest records each file's mtime for the next build: bookkeeping, not the site.
    let site = |out: &Path| -> Vec<_> {
        snapshot(out)
            .into_iter()
            .filter(|(p, _)| p != Path::new(".renkei-manifest"))
            .collect()
    };
    let (sa, sb) = (site(&a), site(&b));
    assert!(!sa.is_empty());
    assert_eq!(sa.len(), sb.len());
    for ((pa, ca), (pb, cb)) in sa.iter().zip(&sb) {
        assert_eq!(pa, pb);
        assert!(ca == cb, "{} differs between builds", pa.display());
    }
}

/// Every local `href`/`src` in every HTML file, resolved against the output folder.
fn local_links(out: &Path, prefix: &str) -> Vec<(String, String)> {
    let mut bad = Vec::new();
    for rel in files(out) {
        if rel.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = fs::read_to_string(out.join(&rel)).unwrap();
        for attr in ["href=\"", "src=\""] {
            for part in html.split(attr).skip(1) {
                let link = &part[..part.find('"').unwrap()];
                if link.starts_with("http")
                    || link.starts_with("tel:")
                    || link.starts_with("mailto:")
                    || link.starts_with("data:text/vcard;")
                    || link.starts_with("data:text/calendar;")
                    || link.starts_with('#')
                {
                    continue;
                }
                let Some(path) = link.strip_prefix(prefix) else {
                    bad.push((
                        rel.display().to_string(),
                        format!("{link} (not under {prefix})"),
                    ));
                    continue;
                };
                let path = path.split(['#', '?']).next().unwrap();
                let target = out.join(path);
                let ok = if path.is_empty() || path.ends_with('/') {
                    target.join("index.html").is_file()
                } else {
                    target.is_file()
                };
                if !ok {
                    bad.push((rel.display().to_string(), link.to_string()));
                }
            }
        }
    }
    bad
}

#[test]
fn base_url_sub_path_every_local_link_resolves() {
    for (root, base, prefix) in [
        (
            repo(),
            "https://hp.example.jp/chiiki/renkei/",
            "/chiiki/renkei/",
        ),
        (
            fixture("minimal"),
            "https://www.example.jp/renkei/",
            "/renkei/",
        ),
        (fixture("minimal"), "http://127.0.0.1:8000/", "/"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        build_ok(&root, &out, &["--base-url", base]);
        let bad = local_links(&out, prefix);
        assert!(
            bad.is_empty(),
            "{base}: unresolved links: {:#?}",
            &bad[..bad.len().min(20)]
        );
        let canonical = read(&out, "index.html");
        assert!(
            canonical.contains(&format!("<link rel=\"canonical\" href=\"{base}\">")),
            "{base}"
        );
    }
}

/// Every file of a build as text (binary files lossily), for leak scans.
fn all_text(out: &Path) -> Vec<(String, String)> {
    files(out)
        .into_iter()
        .map(|f| {
            (
                f.display().to_string(),
                String::from_utf8_lossy(&fs::read(out.join(&f)).unwrap()).into_owned(),
            )
        })
        .collect()
}

#[test]
fn internal_never_and_partners_only_only_in_the_partners_profile() {
    for root in [repo(), fixture("minimal")] {
        let content = root.join("content");
        let internal = values_under(&content, "internal");
        let partners_only = values_under(&content, "partners_only");
        assert!(
            !internal.is_empty() && !partners_only.is_empty(),
            "{}: the fixture must exercise both",
            root.display()
        );

        let tmp = tempfile::tempdir().unwrap();
        let public = tmp.path().join("public");
        let partners = tmp.path().join("partners");
        build_ok(&root, &public, &[]);
        build_ok(&root, &partners, &["--profile", "partners"]);

        for (file, text) in all_text(&public) {
            for v in internal.iter().chain(&partners_only) {
                assert!(!text.contains(v.as_str()), "public {file} leaks {v:?}");
            }
        }
        let partners_text = all_text(&partners);
        for (file, text) in &partners_text {
            for v in &internal {
                assert!(
                    !text.contains(v.as_str()),
                    "partners {file} leaks internal {v:?}"
                );
            }
        }
        for v in &partners_only {
            let escaped = v
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;");
            assert!(
                partners_text
                    .iter()
                    .any(|(_, t)| t.contains(v.as_str()) || t.contains(&escaped)),
                "partners profile lacks partners_only value {v:?}"
            );
        }
        assert!(read(&partners, "robots.txt").contains("Disallow: /"));
    }
}

#[test]
fn a_site_theme_overrides_one_template_and_one_asset() {
    let site = site_copy("minimal");
    let theme = site.path().join("themes/hospital");
    fs::create_dir_all(theme.join("templates/partners")).unwrap();
    fs::create_dir_all(theme.join("static/assets")).unwrap();
    fs::write(
        theme.join("templates/partners/detail.html"),
        "{% extends \"base.html\" %}{% block content %}<h1 class=\"custom\">{{ partner.name }} (custom)</h1>{% endblock content %}",
    )
    .unwrap();
    fs::write(
        theme.join("static/assets/style.css"),
        "body { color: #000; }",
    )
    .unwrap();
    fs::write(
        theme.join("static/assets/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    let yaml = site.path().join("content/site.yaml");
    let text = fs::read_to_string(&yaml)
        .unwrap()
        .replace("theme: default", "theme: hospital");
    fs::write(&yaml, text).unwrap();

    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    let partner = read(&out, "partners/sakura-naika/index.html");
    assert!(partner.contains("<h1 class=\"custom\">さくら内科クリニック (custom)</h1>"));
    assert!(
        partner.contains("skip-link"),
        "base.html still comes from the default theme"
    );
    assert!(
        !read(&out, "care/minato-houkan/index.html").contains("custom"),
        "other templates untouched"
    );
    assert_eq!(read(&out, "assets/style.css"), "body { color: #000; }");
    assert!(out.join("assets/logo.svg").is_file());
    assert!(
        out.join("assets/favicon.svg").is_file(),
        "default assets not overridden stay"
    );
}

#[test]
fn templates_autoescape_content() {
    let site = site_copy("minimal");
    let path = site.path().join("content/partners/minato-byoin.md");
    let text = fs::read_to_string(&path).unwrap().replace(
        "name: みなと中央病院",
        "name: \"<script>alert(1)</script>みなと中央病院\"",
    );
    fs::write(
        &path,
        text.replace(
            "北部地区の二次救急病院です。",
            "<script>alert(2)</script><img src=x onerror=alert(3)>北部",
        ),
    )
    .unwrap();
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    for (file, text) in all_text(&out)
        .into_iter()
        .filter(|(f, _)| f.ends_with(".html"))
    {
        assert!(!text.contains("<script>alert"), "{file} has a script");
        assert!(!text.contains("onerror"), "{file} has an event handler");
    }
    assert!(read(&out, "partners/minato-byoin/index.html")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;みなと中央病院"));
}

#[test]
fn exit_codes_separate_content_errors_from_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let o = renkei(&["build", "--root", tmp.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "no site.yaml is a usage error");
    assert!(stderr(&o).contains("site.yaml"));

    let o = renkei(&["build", "--root", ".", "--date", "2026/12/01"]);
    assert_eq!(o.status.code(), Some(2));

    let site = site_copy("minimal");
    let o = renkei(&[
        "build",
        "--root",
        site.path().to_str().unwrap(),
        "--out",
        site.path().to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "refuses to replace the site itself"
    );
    assert!(site.path().join("content/site.yaml").is_file());
}

#[test]
fn check_writes_nothing() {
    let site = site_copy("minimal");
    let o = renkei(&[
        "check",
        "--root",
        site.path().to_str().unwrap(),
        "--date",
        "2026-11-25",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("確認しました"));
    let names: BTreeSet<String> = fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, BTreeSet::from(["content".to_string()]));
}

/// The benchmark workload (content model v1, 1k partners) must build cleanly. Its `updated`
/// dates go back to 2023, so the stale-information warning is the only one allowed.
#[test]
fn generated_workload_builds_with_zero_errors_and_warnings() {
    let script = repo().join("../shared/bench/gen_workload.py");
    if !script.is_file() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have ../shared/bench/gen_workload.py"
        );
        eprintln!("skipped: {} not found", script.display());
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let gen = std::process::Command::new("python3")
        .args([
            script.to_str().unwrap(),
            "--n",
            "1000",
            "--out",
            tmp.path().to_str().unwrap(),
        ])
        .output()
        .expect("python3");
    assert!(gen.status.success());
    let out = tmp.path().join("public");
    let o = build_ok(tmp.path(), &out, &[]);
    // The workload has no forms, equipment or 広報誌 records (its static/forms/ PDFs are copied
    // as they are): no empty pages for them either.
    for unused in ["forms", "equipment", "koho", "contact"] {
        let page = out.join(unused).join("index.html");
        assert!(!page.exists(), "{unused}/ without records");
    }
    assert!(
        out.join("forms").is_dir(),
        "the static forms are still there"
    );
    let err = stderr(&o);
    // The generator makes names unique before it writes a few in half-width kana (legacy
    // data), so some distinct clinics share a name up to width; check rightly asks about those.
    // Any other warning, an exact duplicate name included, is a false alarm on valid content.
    let other: Vec<&str> = err
        .lines()
        .filter(|l| l.contains(".md:") && !l.contains(": 警告: updated: "))
        .filter(|l| !l.contains("(全角・半角や空白の違いだけ)"))
        .collect();
    assert!(other.is_empty(), "{}", other.join("\n"));
    assert!(
        err.contains(": 警告: updated: "),
        "the workload has stale dates"
    );
    assert!(out.join("partners/clinic-00194/index.html").is_file());
}

/// The `application/ld+json` blocks of an HTML page, parsed.
fn json_ld(html: &str) -> Vec<serde_json::Value> {
    html.split("<script type=\"application/ld+json\">")
        .skip(1)
        .map(|rest| {
            let text = &rest[..rest.find("</script>").expect("closed script")];
            serde_json::from_str(text).unwrap_or_else(|e| panic!("bad JSON-LD {e}: {text}"))
        })
        .collect()
}

#[test]
fn directory_pages_carry_vcards_and_json_ld() {
    let site = site_copy("minimal");
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);

    let ld = json_ld(&read(&out, "partners/sakura-naika/index.html"));
    assert_eq!(ld.len(), 1);
    let clinic = &ld[0];
    assert_eq!(clinic["@type"], "MedicalClinic");
    assert_eq!(clinic["telephone"], "+81-99-211-1234");
    assert_eq!(clinic["faxNumber"], "+81-99-211-1235");
    assert_eq!(clinic["address"]["postalCode"], "899-0102");
    assert_eq!(clinic["address"]["addressRegion"], "汐見県");
    assert_eq!(clinic["address"]["addressLocality"], "みなと市");
    assert_eq!(clinic["geo"]["latitude"], 31.65);
    let hours = clinic["openingHoursSpecification"].as_array().unwrap();
    assert_eq!(
        hours.len(),
        2,
        "the 第1・3土曜 row is not claimed for every Saturday"
    );
    assert_eq!(hours[0]["opens"], "09:00");

    assert_eq!(
        json_ld(&read(&out, "partners/minato-byoin/index.html"))[0]["@type"],
        "Hospital"
    );
    let care = &json_ld(&read(&out, "care/minato-houkan/index.html"))[0];
    assert_eq!(care["@type"], "MedicalOrganization");
    assert_eq!(care["additionalType"][0], "訪問看護");
    let doctor = &json_ld(&read(&out, "doctors/dr-sato/index.html"))[0];
    assert_eq!(doctor["@type"], "Physician");
    assert_eq!(
        doctor["parentOrganization"]["@id"],
        "https://www.example.jp/renkei/partners/sakura-naika/"
    );

    // Each record's card rides in its page as a data: link, saved under the record's name.
    let page = read(&out, "partners/sakura-naika/index.html");
    assert!(page.contains("download=\"さくら内科クリニック.vcf\""));
    let raw = common::vcard_in(&page).expect("a vCard link");
    for line in raw.split("\r\n") {
        assert!(line.len() <= 75, "unfolded line: {line}");
    }
    let card = raw.replace("\r\n ", "");
    assert!(card.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"));
    assert!(card.ends_with("END:VCARD\r\n"));
    assert!(card.contains("FN:さくら内科クリニック\r\n"));
    assert!(card.contains("ORG;SORT-AS=\"さくらないかくりにっく\":さくら内科クリニック\r\n"));
    assert!(card.contains("TEL;VALUE=uri;TYPE=\"work,voice\":tel:+81-99-211-1234\r\n"));
    assert!(card.contains("TEL;VALUE=uri;TYPE=\"work,fax\":tel:+81-99-211-1235\r\n"));
    assert!(card.contains("ADR;TYPE=work:;;本町2丁目3-4;みなと市;汐見県;899-0102;JP\r\n"));
    let doc_card = common::vcard_in(&read(&out, "doctors/dr-sato/index.html"))
        .expect("a vCard link")
        .replace("\r\n ", "");
    assert!(
        doc_card.contains("X-PHONETIC-LAST-NAME:さとう\r\n")
            && doc_card.contains("X-PHONETIC-FIRST-NAME:いちろう\r\n")
    );
    assert!(doc_card.contains("N;SORT-AS=\"さとう,いちろう\":佐藤;一郎;;;\r\n"));
    assert!(
        common::vcard_in(&read(&out, "care/minato-houkan/index.html"))
            .expect("a vCard link")
            .contains("KIND:org\r\n")
    );
    // No file per record any more (desks' cards are files: tests/publish.rs fetches one).
    assert!(!out.join("partners/sakura-naika/contact.vcf").exists());
}

#[test]
fn browse_pages_group_the_directory_without_javascript() {
    let (_tmp, out) = build_demo(&[]);
    // 五十音 rows from readings: 濁音 and 半濁音 under their plain row, Latin names apart.
    let ka = read(&out, "partners/gojuon/か/index.html");
    assert!(
        ka.contains("蒲生医院") && ka.contains("京町皮膚科クリニック"),
        "が and きょ file under か"
    );
    assert!(
        read(&out, "partners/gojuon/は/index.html").contains("パーク内科クリニック"),
        "ぱ files under は"
    );
    assert!(
        read(&out, "partners/gojuon/あ/index.html").contains("オリーブ薬局"),
        "katakana reading"
    );
    let latin = read(&out, "partners/gojuon/英数/index.html");
    assert!(latin.contains("MINATOハートクリニック"));
    assert!(!read(&out, "partners/gojuon/ま/index.html").contains("MINATOハートクリニック"));

    // Every partner appears in exactly one area page and one 五十音 page.
    let total = fs::read_dir(out.join("partners"))
        .unwrap()
        .filter(|e| {
            let page = e.as_ref().unwrap().path().join("index.html");
            page.exists() && common::vcard_in(&fs::read_to_string(page).unwrap()).is_some()
        })
        .count();
    for facet in ["area", "gojuon", "kind"] {
        let mut seen = 0;
        for e in fs::read_dir(out.join("partners").join(facet)).unwrap() {
            let html = fs::read_to_string(e.unwrap().path().join("index.html")).unwrap();
            seen += html.matches("<li class=\"entry\">").count();
        }
        assert_eq!(seen, total, "{facet}: every partner once");
    }
    // Department and service pages list exactly the partners that name them.
    let naika = read(&out, "partners/department/内科/index.html");
    assert!(naika.contains("さくら内科クリニック"));
    assert!(
        !naika.contains("本町眼科"),
        "an 眼科-only clinic is not under 内科"
    );
    let houmon = read(&out, "care/type/訪問/index.html");
    assert!(houmon.contains("みなと訪問看護ステーション") || houmon.contains("訪問看護"));
    // The hub links every facet with counts, and the sitemap percent-encodes Japanese paths.
    let hub = read(&out, "partners/index.html");
    assert!(
        hub.contains("地区から探す")
            && hub.contains("診療科から探す")
            && hub.contains("五十音から探す")
    );
    assert!(read(&out, "sitemap.xml").contains("/partners/department/%E5%86%85%E7%A7%91/"));
}

#[test]
fn open_data_exports_open_in_excel() {
    let site = site_copy("minimal");
    // A name with a comma, a quote and a line break must survive CSV quoting.
    let path = site.path().join("content/partners/minato-byoin.md");
    let text = fs::read_to_string(&path).unwrap().replace(
        "name: みなと中央病院",
        "name: \"みなと中央病院, \\\"本院\\\"\\n北館\"",
    );
    fs::write(&path, text).unwrap();
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);

    let bytes = fs::read(out.join("data/partners.csv")).unwrap();
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 with BOM for Excel"
    );
    let csv = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(
        csv.starts_with("名称,よみ,種別,診療科,地区,郵便番号,住所,電話番号,FAX番号,"),
        "{csv}"
    );
    assert!(
        csv.contains("\"みなと中央病院, \"\"本院\"\"\n北館\",みなとちゅうおうびょういん,病院,"),
        "{csv}"
    );
    assert!(csv.contains(
        "さくら内科クリニック,さくらないかくりにっく,診療所,内科、循環器内科,中央,899-0102,"
    ));
    assert_eq!(
        csv.matches("\r\n").count(),
        3,
        "header + 2 records, CRLF each"
    );
    assert!(
        !csv.contains("連携医療機関向け情報"),
        "no partners_only column in public"
    );

    let json: serde_json::Value = serde_json::from_str(&read(&out, "data/partners.json")).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
    assert_eq!(
        json[0]["電話番号"], "099-211-1234",
        "五十音 order: さくら before みなと"
    );
    assert!(read(&out, "data/care.csv").contains(
        "みなと訪問看護ステーション,みなとほうもんかんごすてーしょん,訪問看護,4670100123,"
    ));
    assert!(read(&out, "data/doctors.csv").contains(
        "佐藤 一郎,さとう いちろう,さくら内科クリニック,内科,糖尿病、在宅緩和ケア,2015-04-01,○,"
    ));

    let partners = site.path().join("partners-out");
    build_ok(site.path(), &partners, &["--profile", "partners"]);
    let csv = read(&partners, "data/partners.csv");
    assert!(csv.contains("連携医療機関向け情報") && csv.contains("直通電話: 099-211-9999"));
}

#[test]
fn every_json_ld_block_of_the_demo_parses() {
    let (_tmp, out) = build_demo(&[]);
    let mut blocks = 0;
    for rel in files(&out) {
        if rel.extension().is_some_and(|e| e == "html") {
            for ld in json_ld(&fs::read_to_string(out.join(&rel)).unwrap()) {
                assert_eq!(ld["@context"], "https://schema.org", "{}", rel.display());
                assert!(
                    ld["@type"].is_string() && ld["name"].is_string(),
                    "{}",
                    rel.display()
                );
                blocks += 1;
            }
        }
    }
    let records = ["partners", "care", "doctors"]
        .iter()
        .map(|c| {
            fs::read_dir(repo().join("content").join(c))
                .unwrap()
                .count()
        })
        .sum::<usize>();
    // One block per directory page, and the home page's Hospital with its desks.
    assert_eq!(blocks, records + 1);
    let home = json_ld(&fs::read_to_string(out.join("index.html")).unwrap());
    assert_eq!(home[0]["@type"], "Hospital");
    assert_eq!(home[0]["contactPoint"][0]["faxNumber"], "099-201-1101");
}

#[test]
fn a_folder_without_a_site_says_which_root_to_give_and_serve_exits_like_build() {
    let site = site_copy("minimal");
    let content = site.path().join("content");
    let out = site.path().join("public");
    let out = out.to_str().unwrap();
    // The usual slip: the content/ folder itself given as the site.
    let o = renkei(&["build", "--root", content.to_str().unwrap(), "--out", out]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("content/ の中で実行していませんか")
            && err.contains(&format!("--root {}", site.path().display())),
        "{err}"
    );
    // A folder with no site at all: the plain message, for build and serve alike.
    let empty = tempfile::tempdir().unwrap();
    let root = empty.path().to_str().unwrap();
    for args in [
        vec!["build", "--root", root, "--out", out],
        vec!["serve", "--root", root, "--port", "0"],
    ] {
        let o = renkei(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.contains("site.yaml がありません") && !err.contains("content/ の中で"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_wrong_base_url_flag_is_blamed_on_the_flag() {
    let site = site_copy("minimal");
    let out = site.path().join("public");
    let o = renkei(&[
        "build",
        "--root",
        site.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        "file:///tmp/site/",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("--base-url") && err.contains("renkei serve") && !err.contains("site.yaml"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
}

/// Every `--help`, of every subcommand, is in Japanese with an example; clap's English headings,
/// flag descriptions, defaults and value lists are all replaced.
#[test]
fn help_is_japanese_with_an_example_for_every_subcommand() {
    let commands: [&[&str]; 13] = [
        &[],
        &["init"],
        &["new"],
        &["build"],
        &["check"],
        &["serve"],
        &["import"],
        &["import", "partners"],
        &["import", "care"],
        &["import", "doctors"],
        &["import", "navii"],
        &["import", "kaigo"],
        &["--version"],
    ];
    let english = [
        "Usage",
        "Options",
        "Arguments",
        "Commands",
        "Print ",
        "[default",
        "[possible",
        "Possible",
        "<DIR>",
        "<FILE>",
    ];
    for cmd in commands {
        let mut args = cmd.to_vec();
        if args != ["--version"] {
            args.push("--help");
        }
        let o = renkei(&args);
        assert!(o.status.success(), "{args:?}");
        let text = stdout(&o);
        for word in english {
            assert!(!text.contains(word), "{args:?} says {word:?}:\n{text}");
        }
        if args != ["--version"] {
            assert!(text.contains("使い方: renkei"), "{args:?}:\n{text}");
            assert!(text.contains("-h, --help") && text.contains("使い方を表示します"));
            assert!(
                text.contains("例:") || text.contains("はじめて使うとき:"),
                "{args:?} has no example:\n{text}"
            );
        }
    }
    // Mistakes are said in Japanese too, with the usage line, and exit 2.
    let o = renkei(&["biuld"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("「biuld」というコマンドはありません。もしかして「build」?"),
        "{}",
        stderr(&o)
    );
    let o = renkei(&["build", "--profile", "staff"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("に「staff」は使えません。使える値: public, partners"));
    let o = renkei(&["new", "partner"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("必要な引数がありません: <ファイル名>"));
    assert!(stderr(&o).contains("使い方: renkei new <種類> <ファイル名> [オプション]"));
    // Bare `renkei` shows the help rather than an English error.
    let o = renkei(&[]);
    assert!(stderr(&o).contains("はじめて使うとき:") || stdout(&o).contains("はじめて使うとき:"));
}
