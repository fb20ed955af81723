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
/// before it: the last opening or closing tag of either on the line decides.
fn ends_preformatted(line: &str, before: bool) -> bool {
    let lower = line.to_ascii_lowercase();
    let last = |tags: &[&str]| tags.iter().filter_map(|t| last_tag(&lower, t)).max();
    match (last(&["<pre", "<textarea"]), last(&["</pre", "</textarea"])) {
        (Some(open), Some(close)) => open > close,
        (Some(_), None) => true,
        (None, Some(_)) => false,
        (None, None) => before,
    }
}

/// Where the last `tag` (`<pre`, `</pre`, …) starts in `line`, when it is the whole tag name
/// (`<pre>` and `<pre class=…>`, not `<preview>`).
fn last_tag(line: &str, tag: &str) -> Option<usize> {
    line.match_indices(tag)
        .filter(|(at, _)| {
            line[at + tag.len()..]
                .chars()
                .next()
                .is_some_and(|c| c == '>' || c.is_ascii_whitespace() || c == '/')
        })
        .map(|(at, _)| at)
        .last()
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
