use super::super::full;
use super::*;

const FIRST_LINE: u32 = 3;

/// Whether the fast path read `text`; when it did, what it read must be what the full path
/// reads, node for node, with the same positions and source text.
fn agrees(text: &str) -> bool {
    match parse(text, FIRST_LINE) {
        Some(node) => {
            assert_eq!(Ok(node), full(text, FIRST_LINE), "for {text:?}");
            true
        }
        None => false,
    }
}

const RECORD: &str = r#"name: "山手診療所"
yomi: "やまてしんりょうじょ"
kind: "clinic"
departments: ["整形外科", "内科"]
area: "東地区"
address:
  postal: "437-9718"
  text: "静岡県緑ヶ丘市若葉5丁目13-6"
geo: [34.86949, 138.17065]
tel: "0548-48-3718"
director:
  name: "佐藤 裕子"
hours:
  - {label: "午前", time: "09:00-12:30", days: ["mon", "tue", "sat"]}
  - label: 午後
    time: '15:00-19:00'
    days: [mon, thu]
registered: false
updated: 2024-07-17
"#;

#[test]
fn the_forms_records_use_are_read_as_the_full_path_reads_them() {
    let cases = [
        RECORD,
        "name: さくら\ntel: 0120123456\nbeds: 120\nrate: 1.5\nopen: true\nnote: null\nempty:\n",
        "neg: -12\nzero: 0\nminus_zero: -0\nlat: -34.5\nlong_decimal: 00.25\nbig: 9223372036854775807\n",
        "list:\n- a\n- b\nafter: 1\n",
        "list:\n  - 山田 太郎\n  - 2024-04-01\n",
        "- a\n- {b: 1, c: [2, 3]}\n- [x, \"y\", 'z']\n",
        "# a comment first\n\nname: \"a\"   # a comment after\n\n  # indented comment\nnested:   # here too\n\n  k: v\n",
        "words: [True, FALSE, Null, yes, no, on, nan, inf, infinity]\n",
        "spaced:   a  b   \nempty_flow: []\nempty_map: {}\nspaced_flow: [ a , b ]\n",
        "text: 汐見県, 本町\n_under: x\nkey-with-dash: 1\nk9: v\n",
        "a:\n  b:\n    c:\n      - d: 1\n        e: [f]\n      - g\n",
        "no_newline_at_end: \"x\"",
        "wide: ｱｲｳ　全角スペース\nemoji: 🏥\n",
        "start: 2026-12-10T18:30:00+09:00\nschedule: 平日 9:00〜16:00\nurl: https://example.jp/a\n",
        "titles:\n  - 特集:地域連携\nrow: {text: 休診(代診:佐藤医師), at: 9:30}\nnumbers: 12 34\n",
        "a: b:c\nb: 12:30\nc: [[1, 2], [3]]\nd: [{e: 1}, {f: [g]}]\ne: 'x' \n",
        "-   k: v\n    k2: w\n-  x\n",
    ];
    for text in cases {
        assert!(agrees(text), "took the full path: {text:?}");
    }
}

#[test]
fn everything_else_takes_the_full_path() {
    let cases = [
        "",
        "# only a comment\n",
        "just text\n",
        "\"quoted key\": 1\n",
        "escape: \"a\\nb\"\n",
        "single: 'it''s'\n",
        "tagged: !x 5\n",
        "anchor: &a 1\nalias: *a\n",
        "folded: >\n  text\n",
        "literal: |\n  text\n",
        "over_lines: a\n  b\n",
        "quoted_over_lines: \"a\n  b\"\n",
        "flow_over_lines: [a,\n  b]\n",
        "trailing_comma: [a, b,]\n",
        "hex: 0x1F\n",
        "exp: 1e5\n",
        "exp_decimal: 1.5e3\n",
        "underscore: 1_000\n",
        "octal: 0o17\n",
        "short_date: 2024-7-1\n",
        "dot_first: .5\n",
        "dot_last: 5.\n",
        "plus: +1\n",
        "inf: .inf\n",
        "too_big: 9223372036854775808\n",
        "neg_zero_lead: -012\n",
        "colon_then_star: a:*\n",
        "colon_at_end: a:\n",
        "flow_colon: [a:, b]\n",
        "hash: a#b\n",
        "tab:\tx\n",
        "crlf: x\r\n",
        "bom: \u{FEFF}x\n",
        "line_sep: a\u{2028}b\n",
        "dup: 1\ndup: 2\n",
        "flow_dup: {a: 1, a: 2}\n",
        "true: x\n",
        "next_line:\n  value\n",
        "empty_item:\n  -\n  - a\n",
        "nested_seq:\n  - - a\n",
        "? complex\n: key\n",
        "---\na: 1\n",
        "a: 1\n---\n",
        "a: b: c\n",
        "a:b\n",
        "bad_indent:\n    a: 1\n  b: 2\n",
    ];
    for text in cases {
        assert!(!agrees(text), "the fast path read {text:?}");
    }
    let many: String = (0..=MOST_KEYS).map(|i| format!("k{i}: {i}\n")).collect();
    assert!(!agrees(&many));
}

#[test]
fn positions_are_the_full_paths_after_wide_characters_and_shifts() {
    let text = "name: \"緑ヶ丘\"\nhours:\n  - {label: 午前, days: [月, 火]}\n";
    let node = parse(text, 10).unwrap();
    let Value::Map(entries) = &node.value else {
        panic!("{node:?}")
    };
    assert_eq!(entries[1].key_pos, Pos { line: 11, col: 1 });
    let Value::Seq(rows) = &entries[1].value.value else {
        panic!()
    };
    let Value::Map(row) = &rows[0].value else {
        panic!()
    };
    let Value::Seq(days) = &row[1].value.value else {
        panic!()
    };
    assert_eq!(days[1].pos, Pos { line: 12, col: 27 });
    assert_eq!(Ok(node), full(text, 10));
}

/// Texts made of the lines records are made of, shuffled: many break somewhere (a value over
/// two lines, indentation that does not line up), and every one the fast path reads must be
/// read as the full path reads it.
#[test]
fn random_record_like_texts_agree() {
    // `K` stands for a key, numbered below so that keys seldom repeat. Lines that break the
    // subset or YAML itself are a few among many that keep to it.
    const LINES: &[&str] = &[
        "K: \"さくら\"\n",
        "K: さくら\n",
        "K: 12\n",
        "K: -0.5\n",
        "K: 0120\n",
        "K: true\n",
        "K: null\n",
        "K: 2024-07-17\n",
        "K: [a, \"b\", 'c']\n",
        "K: {a: 1, b: [x]}\n",
        "K:\n",
        "K: \"a\" # c\n",
        "K:   # c\n",
        "K: a, b\n",
        "# c\n",
        "\n",
        "K: x\n",
        "K: [1.5, -2]\n",
        "K: 9:30\n",
        "K: a:b c\n",
        "K: [特集:x, y]\n",
        "K: a: b\n",
        "K: 12 34\n",
        "K:\n  - a\n",
        "K:\n- a\n",
        "  - {label: 午前, days: [mon]}\n",
        "  - K: 午後\n",
        "    K: [tue]\n",
        "- a b\n",
        "- K: v\n",
        "  K: v\n",
        "  K:\n",
        "    K: x\n",
        "  # c\n",
        "  \n",
        "  b\n",
        "K: 1e5\n",
        "K: [a,\n",
        "b]\n",
        "-\n",
        "K: ,\n",
    ];
    let mut read = 0;
    for pieces in crate::pieces::texts(LINES, 0x9E37_79B9_7F4A_7C15, 6, 40_000) {
        let mut text = String::new();
        for (n, part) in pieces.split('K').enumerate() {
            if n > 0 {
                text.push_str(&format!("k{}", n % 7));
            }
            text.push_str(part);
        }
        if agrees(&text) {
            read += 1;
        }
    }
    // Enough of them are valid for the comparison to mean something.
    assert!(read > 5_000, "only {read} texts read by the fast path");
}

/// Every front matter and data file of the demo site and the test fixtures; nearly all of them
/// take the fast path.
#[test]
fn every_yaml_file_in_the_repository_agrees() {
    let texts = super::super::repository_texts();
    let read = texts.iter().filter(|text| agrees(text)).count();
    assert!(
        read * 10 >= texts.len() * 9,
        "the fast path read {read} of {}",
        texts.len()
    );
}
