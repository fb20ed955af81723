//! Calendars and the Atom feed, read back by parsers that are not ours: Mozilla's ical.js for
//! every `.ics` (via node, installed by `.ci/run`) and Python's xml.etree for the Atom feed.

mod common;

use std::process::Command;

use common::*;

fn ical_ready() -> bool {
    tool_ready(
        repo().join("tests/browser/node_modules/ical.js").is_dir(),
        "`npm ci --prefix tests/browser` (ical.js)",
    )
}

#[test]
fn every_calendar_parses_with_ical_js() {
    if !ical_ready() {
        return;
    }
    let (_tmp, out) = build_demo(&[]);
    // The feed is a file; each seminar's calendar rides in its page (not a cancelled one's).
    let carried = tempfile::tempdir().unwrap();
    let mut ics: Vec<String> = vec![out.join("seminars/seminars.ics").display().to_string()];
    for page in files(&out.join("seminars")) {
        let text = std::fs::read_to_string(out.join("seminars").join(&page)).unwrap_or_default();
        if let Some(calendar) = ical_in(&text) {
            let file = carried
                .path()
                .join(page.parent().unwrap())
                .join("seminar.ics");
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, calendar).unwrap();
            ics.push(file.display().to_string());
        }
    }
    let seminars = std::fs::read_dir(repo().join("content/seminars"))
        .unwrap()
        .count();
    let cancelled = values_under(&repo().join("content/seminars"), "cancelled")
        .iter()
        .filter(|v| *v == "true")
        .count();
    assert!(cancelled > 0, "the demo has a cancelled seminar");
    assert_eq!(
        ics.len(),
        seminars - cancelled + 1,
        "one per seminar held or to be held, plus the feed"
    );
    let mut args = vec![repo().join("tests/browser/ics.mjs").display().to_string()];
    args.extend(ics.iter().cloned());
    let stdout = node(args);
    let parsed: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let feed = parsed
        .iter()
        .find(|p| {
            p["file"]
                .as_str()
                .unwrap()
                .ends_with("seminars/seminars.ics")
        })
        .unwrap();
    assert_eq!(feed["events"].as_array().unwrap().len(), seminars);
    let mut uids: Vec<&str> = feed["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["uid"].as_str().unwrap())
        .collect();
    uids.sort_unstable();
    uids.dedup();
    assert_eq!(uids.len(), seminars, "unique UIDs");
    // 18:30 JST is 09:30 UTC: the VTIMEZONE was understood.
    let conf = &parsed
        .iter()
        .find(|p| p["file"].as_str().unwrap().contains("/open-conf-2026-12/"))
        .unwrap()["events"][0];
    assert_eq!(conf["start"], "2026-12-10T09:30:00.000Z");
    assert_eq!(conf["tzid"], "Asia/Tokyo");
    assert_eq!(
        conf["uid"],
        "seminar-open-conf-2026-12@www.minato-hp.example.jp"
    );
    assert_eq!(
        conf["stamp"], "2026-11-25T00:00:00Z",
        "DTSTAMP from the build date"
    );
    // A held seminar's entry keeps its start as DTSTAMP: a daily build leaves it as it is.
    let held = &parsed
        .iter()
        .find(|p| p["file"].as_str().unwrap().contains("/meeting-2025-11/"))
        .unwrap()["events"][0];
    assert!(
        held["stamp"].as_str().unwrap().starts_with("2025-11-"),
        "{}",
        held["stamp"]
    );
    assert_eq!(
        conf["url"],
        "https://www.minato-hp.example.jp/renkei/seminars/open-conf-2026-12/"
    );
    // A cancelled seminar has no 「カレンダーに追加」 link; the feed tells subscribed calendars.
    let cancelled = feed["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["uid"].as_str().unwrap().contains("training-2026-12"))
        .unwrap();
    assert_eq!(cancelled["status"], "CANCELLED");
    // Escaped commas, semicolons and newlines come back as written.
    assert!(conf["description"].as_str().unwrap().contains("\n"));
}

#[test]
fn atom_feed_parses_with_an_xml_parser() {
    let (_tmp, out) = build_demo(&[]);
    let script = r#"
import sys, xml.etree.ElementTree as ET
ns = {'a': 'http://www.w3.org/2005/Atom'}
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == '{http://www.w3.org/2005/Atom}feed', root.tag
for req in ('a:id', 'a:title', 'a:updated', 'a:author/a:name'):
    assert root.find(req, ns) is not None, req
assert root.find("a:link[@rel='self']", ns).get('href').startswith('https://'), 'absolute self link'
ids = []
for e in root.findall('a:entry', ns):
    for req in ('a:id', 'a:title', 'a:updated', 'a:content'):
        assert e.find(req, ns) is not None and (e.find(req, ns).text or '').strip(), req
    assert e.find("a:link[@rel='alternate']", ns).get('href').startswith('https://www.minato-hp.example.jp/renkei/news/')
    assert 'href="/' not in e.find('a:content', ns).text, 'relative link in content'
    ids.append(e.find('a:id', ns).text)
assert len(ids) == len(set(ids)), 'unique ids'
print(len(ids))
"#;
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(out.join("news/atom.xml"))
        .output()
        .expect("python3");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let news = std::fs::read_dir(repo().join("content/news"))
        .unwrap()
        .count()
        - 1; // one draft
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), news.to_string());
}
