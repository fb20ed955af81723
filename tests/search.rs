//! Search, end to end: the index a build writes, the JavaScript client's own tests (including the
//! normalisation cases shared with the Rust half), and judged queries on the demo site run
//! through the real client under node.

mod common;

use std::process::Command;

use common::*;

fn node_ready() -> bool {
    tool_ready(
        Command::new("node").arg("--version").output().is_ok(),
        "node",
    )
}

#[test]
fn client_unit_tests_pass() {
    if !node_ready() {
        return;
    }
    // The client is tested as a build ships it: with the 異体字 table the build generates.
    let site = site_copy("minimal");
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    let o = Command::new("node")
        .arg("--test")
        .arg(repo().join("tests/search"))
        .env("RENKEI_ASSETS", out.join("assets"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{stdout}");
    assert!(stdout.contains("# fail 0"), "{stdout}");
    // Every test written in the files ran: a file that failed to load would pass nothing.
    let written: usize = ["client.test.mjs", "normalize.test.mjs", "words.test.mjs"]
        .iter()
        .map(|f| {
            std::fs::read_to_string(repo().join("tests/search").join(f))
                .unwrap()
                .matches("\ntest(")
                .count()
        })
        .sum();
    assert!(written > 0);
    // A test may skip (esbuild not installed outside CI), but none may go missing.
    let count = |what: &str| -> usize {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("# {what} ")))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0)
    };
    assert_eq!(
        count("pass") + count("skipped"),
        written,
        "{written} tests written:\n{stdout}"
    );
}

#[test]
fn demo_judged_queries_rank_their_target_first() {
    if !node_ready() {
        return;
    }
    let (_tmp, out) = build_demo(&[]);
    let stdout = node([
        repo().join("tests/search/eval.mjs").into_os_string(),
        out.into_os_string(),
        repo().join("tests/search/demo.tsv").into_os_string(),
    ]);
    assert!(stdout.contains("overall\t18\t1.000\t1.000"), "{stdout}");
}

#[test]
fn a_small_site_loads_one_file_and_a_larger_one_is_sharded() {
    let site = site_copy("minimal");
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    let search: Vec<_> = files(&out)
        .into_iter()
        .filter(|p| p.starts_with("search"))
        .collect();
    assert_eq!(
        search,
        ["search/index.html", "search/index.json"].map(std::path::PathBuf::from)
    );
    let manifest = read(&out, "search/index.json");
    assert!(manifest.contains("\"postings\":") && manifest.contains("\"rows\":"));

    let (_tmp, demo) = build_demo(&[]);
    let manifest = read(&demo, "search/index.json");
    assert!(!manifest.contains("\"postings\":"));
    assert!(demo.join("search/p/0.json").is_file() && demo.join("search/d/0.json").is_file());
    // Every facet value the manifest lists has its file.
    assert!(demo.join("search/f/area-0.json").is_file());
    assert!(read(&demo, "search/index.html").contains("data-search-form"));
}

#[test]
fn the_index_holds_only_public_fields_in_every_profile() {
    for root in [repo(), fixture("minimal")] {
        let content = root.join("content");
        let hidden: Vec<String> = values_under(&content, "internal")
            .into_iter()
            .chain(values_under(&content, "partners_only"))
            .collect();
        assert!(!hidden.is_empty());
        for profile in ["public", "partners"] {
            let tmp = tempfile::tempdir().unwrap();
            let out = tmp.path().join("out");
            build_ok(&root, &out, &["--profile", profile]);
            for file in files(&out.join("search")) {
                let file = out.join("search").join(file);
                let text = std::fs::read_to_string(&file).unwrap();
                for v in &hidden {
                    let json = v.replace('\\', "\\\\").replace('"', "\\\"");
                    assert!(
                        !text.contains(v.as_str()) && !text.contains(&json),
                        "{profile}: {} holds {v:?}",
                        file.display()
                    );
                }
            }
        }
    }
}

#[test]
fn a_site_adds_its_own_words_and_check_reports_ones_that_mean_nothing() {
    let site = site_copy("minimal");
    let data = site.path().join("content/data");
    std::fs::create_dir_all(&data).unwrap();
    let file = data.join("vocabulary.yaml");
    std::fs::write(
        &file,
        "- word: まちなか\n  means: [中央]\n- word: みなと安心センター\n  reading: みなとあんしんせんたー\n  means: [地域包括支援センタ, 訪問看護]\n- word: 海辺\n  reading: ウミベ\n  means: [南部]\n",
    )
    .unwrap();
    let o = check(site.path());
    assert!(!o.status.success());
    let err = stderr(&o);
    // The misspelt value: file, line, field, what is expected and the near miss.
    assert!(
        err.contains("content/data/vocabulary.yaml:5:")
            && err.contains("[1].means[0]")
            && err.contains("「地域包括支援センタ」")
            && err.contains("もしかして「地域包括支援センター」"),
        "{err}"
    );
    // A reading in katakana is reported where it is written.
    assert!(
        err.contains("content/data/vocabulary.yaml:7:") && err.contains("[2].reading"),
        "{err}"
    );
    assert_eq!(err.matches("vocabulary.yaml:").count(), 2, "{err}");

    std::fs::write(
        &file,
        "- word: まちなか\n  means: [中央]\n- word: みなと安心センター\n  reading: みなとあんしんせんたー\n  means: [地域包括支援センター]\n",
    )
    .unwrap();
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    let index: serde_json::Value = serde_json::from_str(&read(&out, "search/index.json")).unwrap();
    let meanings = index["meanings"].as_array().unwrap();
    let means = |key: &str| -> Vec<String> {
        index["words"][key]
            .as_array()
            .map(|ids| {
                ids.iter()
                    .map(|i| {
                        meanings[i.as_u64().unwrap() as usize][1]
                            .as_str()
                            .unwrap()
                            .to_string()
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(means("まちなか"), ["中央"]);
    assert_eq!(means("みなとあんしんせんたー"), ["地域包括支援センター"]);
    // The built-in words are there too, and so is every value of the site's lists.
    assert_eq!(means("じびか"), ["耳鼻いんこう科"]);
    assert!(means("特養").contains(&"介護老人福祉施設".to_string()));
}
