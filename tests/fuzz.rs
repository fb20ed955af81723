//! Property tests: whatever is in a content file — random bytes, or front matter that is YAML
//! but nonsense for renkei — the whole pipeline (load → link → render → link check) ends with
//! success or content errors that name a file, and never panics or fails as if it were an I/O
//! problem.
//!
//! Runs 64 cases per property by default; `PROPTEST_CASES=20000 cargo test --release --test
//! fuzz` is the long run quoted in the closing note.

mod common;

use std::fs;
use std::path::Path;

use chrono::NaiveDate;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};

use renkei::diagnostics::Failure;
use renkei::diagnostics::{Diagnostics, Severity};
use renkei::load::LoadOptions;
use renkei::pipeline;
use renkei::records::meta::Profile;

use common::*;

/// One existing record per collection: the fuzzed text replaces it, so linking (a 登録医's
/// clinic, a pathway's members) runs against it too.
const TARGETS: [&str; 8] = [
    "content/partners/sakura-naika.md",
    "content/care/minato-houkan.md",
    "content/doctors/dr-sato.md",
    "content/seminars/open-conf-2026-12.md",
    "content/news/fax-hours.md",
    "content/pathways/nousocchu.md",
    "content/pages/referral.md",
    "content/data/outpatient.yaml",
];

/// Writes `bytes` over one target, runs `check` in-process, restores the file.
fn check_with(root: &Path, target: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let path = root.join(target);
    let original = fs::read(&path).map_err(|e| TestCaseError::fail(e.to_string()))?;
    fs::write(&path, bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let opts = LoadOptions {
        root: root.to_path_buf(),
        profile: Profile::Partners,
        build_date: NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"),
        base_url: Default::default(),
        drafts: false,
    };
    let diags = Diagnostics::new();
    let result = pipeline::check(&opts, &diags);
    fs::write(&path, original).map_err(|e| TestCaseError::fail(e.to_string()))?;
    match result {
        Ok(_) => Ok(()),
        Err(Failure::Fatal(m)) => Err(TestCaseError::fail(format!("fatal: {m}"))),
        Err(Failure::Content) => {
            let errors: Vec<_> = diags
                .sorted()
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            prop_assert!(!errors.is_empty(), "failed without an error message");
            for d in &errors {
                prop_assert!(
                    d.path.starts_with("content/") || d.path.starts_with("themes/"),
                    "error without a file: {d}"
                );
                prop_assert!(!d.message.is_empty());
            }
            Ok(())
        }
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    let site = site_copy("minimal");
    let mut runner = TestRunner::new(proptest_config());
    runner
        .run(
            &(0..TARGETS.len(), vec(any::<u8>(), 0..3000)),
            |(t, bytes)| check_with(site.path(), TARGETS[t], &bytes),
        )
        .unwrap();
}

/// Arbitrary text that starts like a content file: `---`, lines, maybe a closing `---`.
#[test]
fn arbitrary_text_in_front_matter_never_panics() {
    let site = site_copy("minimal");
    let mut runner = TestRunner::new(proptest_config());
    runner
        .run(
            &(
                0..TARGETS.len(),
                "\\PC{0,400}",
                any::<bool>(),
                "\\PC{0,200}",
            ),
            |(t, front, close, body)| {
                let end = if close { "\n---\n" } else { "\n" };
                let text = format!("---\n{front}{end}{body}");
                check_with(site.path(), TARGETS[t], text.as_bytes())
            },
        )
        .unwrap();
}

/// Field names renkei knows (so values reach the typed readers) and a few it does not.
const KEYS: &[&str] = &[
    "name",
    "yomi",
    "kind",
    "departments",
    "area",
    "address",
    "postal",
    "text",
    "geo",
    "tel",
    "fax",
    "url",
    "director",
    "hours",
    "days",
    "am",
    "pm",
    "weeks",
    "hours_note",
    "services",
    "registered",
    "beds",
    "updated",
    "navii_id",
    "office_number",
    "operator",
    "partner",
    "specialty",
    "co_treatment",
    "registered_since",
    "title",
    "start",
    "end",
    "venue",
    "online",
    "capacity",
    "apply",
    "opens",
    "deadline",
    "method",
    "form",
    "fee",
    "credits",
    "jma",
    "cc",
    "speakers",
    "materials",
    "cancelled",
    "audience",
    "date",
    "category",
    "pinned",
    "attachments",
    "file",
    "disease",
    "summary",
    "participants",
    "documents",
    "nav",
    "draft",
    "partners_only",
    "internal",
    "slots",
    "notices",
    "tell",
    "名前",
    "x",
];

/// A YAML value: scalars of every shape renkei's readers meet, and flow lists and maps of them.
fn value() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        Just("十".to_string()),
        Just("はい".to_string()),
        Just("~".to_string()),
        Just("true".to_string()),
        Just("2026-13-01".to_string()),
        Just("2026-02-29".to_string()),
        Just("令和8年12月1日".to_string()),
        Just("2026-12-10T18:30:00+09:00".to_string()),
        Just("\"javascript:alert(1)\"".to_string()),
        Just("\"<script>alert(1)</script>\"".to_string()),
        Just("\"０９９－２１１－１２３４\"".to_string()),
        Just("sakura-naika".to_string()),
        Just("minato-houkan".to_string()),
        Just("forms/seminar-application.pdf".to_string()),
        Just("!!binary aGVsbG8=".to_string()),
        Just("&a x".to_string()),
        Just("*a".to_string()),
        Just("|\n  複数行\n  の文".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        "[a-z0-9-]{0,12}",
        "\\PC{0,16}".prop_map(|s| format!("{s:?}")),
    ];
    scalar.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(|items| format!("[{}]", items.join(", "))),
            vec((proptest::sample::select(KEYS), inner), 0..5).prop_map(|entries| {
                let body: Vec<String> = entries.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("{{{}}}", body.join(", "))
            }),
        ]
    })
}

/// Markdown with the constructs that take special paths: raw HTML, links with odd schemes,
/// images without alt, headings, tables, footnotes.
fn body() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("# 見出し\n".to_string()),
        Just("## FAX予約 {#fax}\n".to_string()),
        Just("[a](javascript:alert(1))".to_string()),
        Just("[b](/partners/nowhere/#x)".to_string()),
        Just("![](/forms/seminar-application.pdf)".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("<a href=\"/x\" onclick=\"y\">z</a>".to_string()),
        Just("| a | b |\n|---|---|\n| 1 | 2 |\n".to_string()),
        Just("脚注[^1]\n\n[^1]: 注\n".to_string()),
        Just("\n\n".to_string()),
        "\\PC{0,40}",
    ];
    vec(piece, 0..8).prop_map(|p| p.concat())
}

#[test]
fn arbitrary_front_matter_never_panics() {
    let site = site_copy("minimal");
    let mut runner = TestRunner::new(proptest_config());
    let front = vec((proptest::sample::select(KEYS), value()), 0..12);
    runner
        .run(&(0..TARGETS.len(), front, body()), |(t, entries, body)| {
            let lines: Vec<String> = entries.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            let text = if TARGETS[t].ends_with(".yaml") {
                format!("{}\n", lines.join("\n"))
            } else {
                format!("---\n{}\n---\n{body}", lines.join("\n"))
            };
            check_with(site.path(), TARGETS[t], text.as_bytes())
        })
        .unwrap();
}

/// Text for a field, from the characters that break feeds, cards and calendars: line breaks
/// and control characters typed raw or as YAML escapes, quotes, angle brackets, spaces.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("https://evil.example/".to_string()),
        Just("\\n".to_string()),
        Just("\\r\\n".to_string()),
        Just("\\t".to_string()),
        Just("\\x0b".to_string()),
        Just("\\x01".to_string()),
        Just("\\N".to_string()),
        Just("\\L".to_string()),
        Just("\\P".to_string()),
        Just("\\u0085".to_string()),
        Just("\\\"><script>".to_string()),
        Just("TEL;TYPE=work:+81-90-0000-0000".to_string()),
        Just("END:VCARD".to_string()),
        Just(" ".to_string()),
        Just("=HYPERLINK(1)".to_string()),
        "[a-zA-Z0-9/:.?=&%#-]{0,12}",
        proptest::char::range('\u{0}', '\u{ff}').prop_map(|c| format!("\\u{:04x}", c as u32)),
    ];
    vec(piece, 0..6).prop_map(|p| p.concat())
}

/// vCard and iCalendar files: one property per line, or a folded continuation.
fn content_lines_are_well_formed(name: &str, text: &str) -> Result<(), TestCaseError> {
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        let property = line.starts_with(' ')
            || line.split([':', ';']).next().is_some_and(|p| {
                !p.is_empty() && p.chars().all(|c| c.is_ascii_uppercase() || c == '-')
            });
        prop_assert!(property, "{name}: stray line {line:?}");
        prop_assert!(!line.contains(['\r', '\n']), "{name}: bare line break");
    }
    Ok(())
}

#[test]
fn urls_and_control_characters_never_reach_feeds_cards_or_calendars() {
    let site = site_copy("minimal");
    let target = site.path().join("content/partners/sakura-naika.md");
    let original = fs::read_to_string(&target).unwrap();
    let mut runner = TestRunner::new(proptest_config());
    runner
        .run(&(hostile_text(), hostile_text()), |(url, note)| {
            let text = original
                .replacen(
                    "tel: \"099-211-1234\"",
                    &format!("url: \"{url}\"\ntel: \"099-211-1234\""),
                    1,
                )
                .replacen(
                    "hours_note: 木曜午後・日曜・祝日休診",
                    &format!("hours_note: \"{note}\""),
                    1,
                );
            fs::write(&target, &text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let opts = LoadOptions {
                root: site.path().to_path_buf(),
                profile: Profile::Public,
                build_date: NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"),
                base_url: Default::default(),
                drafts: false,
            };
            let diags = Diagnostics::new();
            let sink = renkei::pipeline::output::Memory::default();
            let result = pipeline::run(&opts, &diags, &sink);
            fs::write(&target, &original).map_err(|e| TestCaseError::fail(e.to_string()))?;
            match result {
                Err(Failure::Fatal(m)) => return Err(TestCaseError::fail(format!("fatal: {m}"))),
                // Refused with a positioned message: nothing was published.
                Err(Failure::Content) => {
                    prop_assert!(diags
                        .sorted()
                        .iter()
                        .any(|d| d.severity == Severity::Error
                            && d.path.ends_with("sakura-naika.md")));
                    return Ok(());
                }
                Ok(_) => {}
            }
            for (name, bytes) in sink.into_files() {
                let Ok(text) = String::from_utf8(bytes) else {
                    continue;
                };
                let breaking = text
                    .chars()
                    .find(|c| renkei::japanese::textchars::breaking(*c).is_some());
                prop_assert!(breaking.is_none(), "{name} holds {breaking:?}");
                if name.ends_with(".vcf") || name.ends_with(".ics") {
                    content_lines_are_well_formed(&name, &text)?;
                }
                // Records carry their vCard or iCalendar in the page as a data: link.
                if name.ends_with(".html") {
                    for carried in [vcard_in(&text), ical_in(&text)].into_iter().flatten() {
                        content_lines_are_well_formed(&name, &carried)?;
                    }
                }
                if name == "partners/sakura-naika/index.html" {
                    let card = vcard_in(&text).unwrap_or_default();
                    prop_assert_eq!(card.matches("\r\nTEL").count(), 2, "{}", card);
                }
            }
            Ok(())
        })
        .unwrap();
}
