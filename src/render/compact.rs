//! Rendered pages without the templates' indentation.
//!
//! Templates are indented so people can read and edit them; browsers ignore whitespace at the
//! start of a line between tags, and so do screen readers. Across a 10k-record site that
//! indentation and the blank lines left by template tags were about 5% of the bytes written and
//! uploaded. Only what is certainly insignificant goes: whitespace at the *start* of a line, and
//! lines with nothing else on them. Every kept line still ends in its newline, so two inline
//! elements on separate lines keep the space between them. Inside `<pre>` and `<textarea>`,
//! where whitespace is content, every line is kept exactly.

/// `html` with leading indentation and blank lines removed outside `<pre>` and `<textarea>`.
pub fn trim_indentation(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut preformatted = false;
    for line in html.split_inclusive('\n') {
        if preformatted {
            out.push_str(line);
        } else {
            let text = line.trim_start_matches([' ', '\t']);
            if !text.trim_end_matches(['\r', '\n']).is_empty() {
                out.push_str(text);
            }
        }
        preformatted = ends_preformatted(line, preformatted);
    }
    out
}

/// Whether, after `line`, the text is inside `<pre>` or `<textarea>`, given whether it was
/// before it: the last opening or closing tag of either on the line decides. Runs on every
/// line of every page, so it looks only at each `<` and allocates nothing.
fn ends_preformatted(line: &str, before: bool) -> bool {
    let bytes = line.as_bytes();
    let mut inside = before;
    for (at, _) in line.match_indices('<') {
        let rest = &bytes[at + 1..];
        let (closing, name) = match rest.first() {
            Some(b'/') => (true, &rest[1..]),
            _ => (false, rest),
        };
        if ["pre", "textarea"].iter().any(|tag| is_tag(name, tag)) {
            inside = !closing;
        }
    }
    inside
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
    use super::*;

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
    }
}
