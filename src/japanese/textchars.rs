//! Characters that content may never hold.
//!
//! Control characters are invisible in an editor but not harmless: one `\x0b` makes the whole
//! Atom feed invalid XML (XML 1.0 forbids it), a line break in a URL adds lines to a vCard or
//! an iCalendar file (a saved contact with a fake number), and U+2028 ends a line in some
//! readers but not in others. They are refused with their position wherever content is read
//! (file text and YAML escapes such as `"\x0b"`), and the writers of those formats drop any
//! that slip through.

/// The name staff see for a character that breaks output, or `None` if it is fine. Tab, line
/// feed and carriage return are ordinary text.
pub fn breaking(c: char) -> Option<&'static str> {
    match c {
        '\t' | '\n' | '\r' => None,
        '\u{0}'..='\u{1f}' => Some("制御文字"),
        '\u{7f}' => Some("制御文字 DEL"),
        '\u{85}' => Some("制御文字 NEL(次行)"),
        '\u{80}'..='\u{9f}' => Some("制御文字"),
        '\u{2028}' => Some("行区切り文字 LINE SEPARATOR"),
        '\u{2029}' => Some("段落区切り文字 PARAGRAPH SEPARATOR"),
        '\u{fffe}' | '\u{ffff}' => Some("文字ではない符号"),
        _ => None,
    }
}

/// `U+000B(制御文字)` for messages.
pub fn describe(c: char) -> String {
    format!("U+{:04X}({})", c as u32, breaking(c).unwrap_or("文字"))
}

/// Whether `text` holds any character [`breaking`] names. It looks at the UTF-8 bytes, without
/// decoding characters: every record's text and every YAML string is checked, nearly all of it
/// is Japanese, and nearly none of it holds one.
pub fn has_breaking(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| match b {
        b'\t' | b'\n' | b'\r' => false,
        0x00..=0x1f | 0x7f => true,
        // U+0080–U+009F are 0xC2 0x80–0x9F.
        0xc2 => matches!(bytes.get(i + 1), Some(0x80..=0x9f)),
        // U+2028 and U+2029 are 0xE2 0x80 0xA8/0xA9.
        0xe2 => bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xa8 | 0xa9)),
        // U+FFFE and U+FFFF are 0xEF 0xBF 0xBE/0xBF.
        0xef => bytes.get(i + 1) == Some(&0xbf) && matches!(bytes.get(i + 2), Some(0xbe | 0xbf)),
        _ => false,
    })
}

/// The first character of `text` that breaks output, with its 0-based character index.
pub fn first_breaking(text: &str) -> Option<(usize, char)> {
    if !has_breaking(text) {
        return None;
    }
    text.chars()
        .enumerate()
        .find(|(_, c)| breaking(*c).is_some())
}

/// `text` without characters that break output, for the writers of XML, vCard and iCalendar
/// as a last line of defence (content that reaches them has been checked already).
pub fn strip_breaking(text: &str) -> std::borrow::Cow<'_, str> {
    if has_breaking(text) {
        text.chars().filter(|c| breaking(*c).is_none()).collect()
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_characters_that_break_feeds_and_cards_are_named() {
        for c in [
            '\u{1}', '\u{b}', '\u{c}', '\u{7f}', '\u{85}', '\u{2028}', '\u{2029}',
        ] {
            assert!(breaking(c).is_some(), "{c:?}");
        }
        for c in ['\t', '\n', '\r', 'a', 'あ', '　', '〜', '\u{a0}'] {
            assert!(breaking(c).is_none(), "{c:?}");
        }
        assert_eq!(first_breaking("ab\u{b}c"), Some((2, '\u{b}')));
        assert_eq!(first_breaking("あい\u{2029}"), Some((2, '\u{2029}')));
        assert_eq!(strip_breaking("a\u{2028}b\u{1}"), "ab");
        assert_eq!(describe('\u{b}'), "U+000B(制御文字)");
    }

    /// The byte scan agrees with [`breaking`] on every character, alone and between others
    /// whose UTF-8 starts or ends with the bytes it looks for.
    #[test]
    fn the_byte_scan_finds_exactly_the_breaking_characters() {
        for code in (0..=0x3_0000u32).chain([0x10_fffe, 0x10_ffff]) {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let expected = breaking(c).is_some();
            for text in [
                c.to_string(),
                format!("\u{e2}\u{2027}{c}\u{ef}"),
                format!("{c}\u{2000}"),
            ] {
                assert_eq!(has_breaking(&text), expected, "U+{code:04X} in {text:?}");
            }
        }
    }
}
