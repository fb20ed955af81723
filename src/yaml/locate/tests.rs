use super::*;

fn p(line: u32, col: u32) -> Pos {
    Pos { line, col }
}

#[test]
fn block_mapping_and_sequence_positions() {
    let loc = locate("name: a\nlist:\n- x\n- y\nnext: 1\n").unwrap();
    assert_eq!(loc.entry("name").unwrap().0, p(1, 1));
    let (_, list) = loc.entry("list").unwrap();
    assert_eq!(list.item(1).unwrap().pos, p(4, 3));
    assert_eq!(loc.entry("next").unwrap().0, p(5, 1));
}

#[test]
fn compact_mappings_in_sequences() {
    let loc = locate("speakers:\n  - name: 山田\n    title: 医師\n  - name: 佐藤\n").unwrap();
    let (_, sp) = loc.entry("speakers").unwrap();
    let second = sp.item(1).unwrap();
    assert_eq!(second.entry("name").unwrap().0, p(4, 5));
    assert_eq!(sp.item(0).unwrap().entry("title").unwrap().0, p(3, 5));
}

#[test]
fn block_scalars_and_comments_are_skipped() {
    let text = "a: |\n  line one\n\n  line: two\n# comment\nb: 'it''s' # trailing\nc: x\n";
    let loc = locate(text).unwrap();
    assert_eq!(loc.entry("b").unwrap().0, p(6, 1));
    assert_eq!(loc.entry("c").unwrap().0, p(7, 1));
}

#[test]
fn multiline_flow_and_plain_raw_text() {
    let loc = locate("days: [mon,\n  tue]\ntel: 0120 # free dial\n").unwrap();
    let (_, days) = loc.entry("days").unwrap();
    assert_eq!(days.item(1).unwrap().pos, p(2, 3));
    assert_eq!(loc.entry("tel").unwrap().1.raw.as_deref(), Some("0120"));
}

#[test]
fn never_panics_on_odd_text() {
    for text in [
        "",
        "-",
        "- - a",
        "a:",
        "{",
        "[",
        "\"",
        "a: [b: c]",
        "? a\n: b",
        "&x a: *x",
        "a: !!str 1",
        "a:\n  - b\n  -\n",
        "- {a: }\n",
        "a: >-\n\n  x\n",
        ":\n",
        "a: b: c",
    ] {
        let _ = locate(text);
    }
}
