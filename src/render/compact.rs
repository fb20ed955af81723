//! Rendered pages without the templates' indentation.
//!
//! Templates are indented so people can read and edit them; browsers ignore whitespace at the
//! start of a line between tags, and so do screen readers. Across a 10k-record site that
//! indentation and the blank lines left by template tags were about 5% of the bytes written and
//! uploaded. Only what is certainly insignificant goes: whitespace at the *start* of a line, and
//! lines with nothing else on them. Every kept line still ends in its newline, so two inline
//! elements on separate lines keep the space between them. Inside `<pre>` and `<textarea>`,
//! where whitespace is content, every line is kept exactly.

/// Removes leading indentation and blank lines from `html` outside `<pre>` and `<textarea>`,
/// in place.
///
/// Works on bytes: every byte it removes is ASCII, so valid UTF-8 stays valid, and the page
/// is never checked as text again (Tera's `render` checked each one, 2% of a cold build).
/// It runs over every byte of every page (290 MB at 10k records), so it is built for speed:
/// `memchr` finds the newlines and `<`s, the kept text is moved forward in runs between the
/// bytes removed (no second buffer), and lines are checked for `<pre>` only on pages that
/// hold one (one scan of the `<`s decides). A line at a time with `str` methods into a new
/// `String` took 5% of a cold build's processor time.
pub fn trim_indentation(html: &mut Vec<u8>) {
    let check_lines = holds_preformatted(html);
    let mut preformatted = false;
    // `html[..kept]` is the result so far; `html[copied..start]` is kept but not yet moved.
    let mut kept = 0;
    let mut copied = 0;
    let mut start = 0;
    let mut keep = |html: &mut Vec<u8>, from: usize, to: usize| {
        if kept != from {
            html.copy_within(from..to, kept);
        }
        kept += to - from;
    };
    while start < html.len() {
        let end = memchr::memchr(b'\n', &html[start..]).map_or(html.len(), |at| start + at + 1);
        if !preformatted {
            let indent = html[start..end]
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            let text = start + indent;
            if html[text..end].iter().all(|&b| b == b'\r' || b == b'\n') {
                keep(html, copied, start);
                copied = end;
            } else if indent > 0 {
                keep(html, copied, start);
                copied = text;
            }
        }
        if check_lines {
            preformatted = ends_preformatted(&html[start..end], preformatted);
        }
        start = end;
    }
    let len = html.len();
    keep(html, copied, len);
    html.truncate(kept);
}

/// Whether `<pre` or `<textarea` (opening or closing, any case) occurs anywhere in `html`.
fn holds_preformatted(html: &[u8]) -> bool {
    memchr::memchr_iter(b'<', html).any(|at| preformatted_tag(&html[at + 1..]).is_some())
}

/// For the text after a `<`: `Some(closing)` if it is a `pre` or `textarea` tag.
fn preformatted_tag(rest: &[u8]) -> Option<bool> {
    let (closing, name) = match rest.first() {
        Some(b'/') => (true, &rest[1..]),
        _ => (false, rest),
    };
    // Every tag passes here: most are told apart by their first letter.
    if !matches!(name.first(), Some(b'p' | b'P' | b't' | b'T')) {
        return None;
    }
    ["pre", "textarea"]
        .iter()
        .any(|tag| is_tag(name, tag))
        .then_some(closing)
}

/// Whether, after `line`, the text is inside `<pre>` or `<textarea>`, given whether it was
/// before it: the last opening or closing tag of either on the line decides.
fn ends_preformatted(line: &[u8], before: bool) -> bool {
    memchr::memchr_iter(b'<', line)
        .filter_map(|at| preformatted_tag(&line[at + 1..]))
        .next_back()
        .map_or(before, |closing| !closing)
}

/// Whether `text` starts with the tag name `tag` (any case) and the name ends there
/// (`pre>`, `pre class=…`; not `preview`).
fn is_tag(text: &[u8], tag: &str) -> bool {
    text.len() > tag.len()
        && text[..tag.len()].eq_ignore_ascii_case(tag.as_bytes())
        && matches!(text[tag.len()], b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r')
}

#[cfg(test)]
mod tests {
    fn trim_indentation(html: &str) -> String {
        let mut bytes = html.as_bytes().to_vec();
        super::trim_indentation(&mut bytes);
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn indentation_and_blank_lines_go() {
        let page = "<ul>\n    <li>a</li>\n\n  \n\t<li>b</li>\n</ul>\n";
        assert_eq!(
            trim_indentation(page),
            "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
        );
    }

    #[test]
    fn words_on_separate_lines_keep_a_space_between_them() {
        let page = "<p>\n  <a>一</a>\n  <a>二</a>\n</p>";
        assert_eq!(trim_indentation(page), "<p>\n<a>一</a>\n<a>二</a>\n</p>");
    }

    #[test]
    fn preformatted_text_is_kept_exactly() {
        let page = "<div>\n  <pre><code>fn main() {\n    x();\n\n}\n</code></pre>\n  <p>after</p>\n  <textarea>\n  two\n</textarea>\n  <pre class=\"a\">\n  b</pre>\n  <preview>\n  c\n";
        assert_eq!(
            trim_indentation(page),
            "<div>\n<pre><code>fn main() {\n    x();\n\n}\n</code></pre>\n<p>after</p>\n<textarea>\n  two\n</textarea>\n<pre class=\"a\">\n  b</pre>\n<preview>\nc\n"
        );
        // Closed and opened again on one line: still inside.
        assert_eq!(
            trim_indentation("<pre>a</pre><PRE>\n  b\n</PRE>\n  c"),
            "<pre>a</pre><PRE>\n  b\n</PRE>\nc"
        );
        // Lines left as they are, between lines that are not, are copied with them.
        assert_eq!(
            trim_indentation("  a\nb\nc\n\r\n \t\n  d\ne"),
            "a\nb\nc\nd\ne"
        );
        assert_eq!(trim_indentation("  \n  "), "");
        assert_eq!(trim_indentation("x"), "x");
    }
}
