//! Content lines of vCard (RFC 6350) and iCalendar (RFC 5545): the same TEXT escaping and the
//! same 75-octet folding. Japanese text is three octets a character, and importers reject files
//! folded by characters or split inside a character, so folding counts octets and never cuts one.

/// Escapes a TEXT value (RFC 6350 §3.4, RFC 5545 §3.3.11): backslash, comma, semicolon and newlines.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Folds one content line to at most 75 octets per physical line, continuing with CRLF and a
/// space, splitting only between characters. A line break or control character inside the
/// line would start a property of its own (a fake `TEL:`), so none is ever written: content
/// is checked before it gets here, and this is the last line of defence.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    for c in line.chars() {
        if c == '\r' || c == '\n' || crate::japanese::textchars::breaking(c).is_some() {
            continue;
        }
        let len = c.len_utf8();
        // Continuation lines start with a space, which counts towards their 75 octets.
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_rfc_6350() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn folding_counts_octets_and_keeps_characters_whole() {
        let line = format!("NOTE:{}", "あ".repeat(60));
        let folded = fold(&line);
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        // Unfolding gives back the line, so no character was split.
        assert_eq!(folded.replace("\r\n ", "").trim_end(), line);
        assert_eq!(fold("SHORT"), "SHORT\r\n");
        assert_eq!(
            fold("URL:https://x.example/\nTEL:+81-90\r\u{b}"),
            "URL:https://x.example/TEL:+81-90\r\n"
        );
    }
}
