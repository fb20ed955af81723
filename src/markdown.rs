//! Markdown bodies to safe HTML.
//!
//! Bodies are written by office staff and sometimes pasted from other sites, so the output is
//! made safe here rather than trusted: link and image targets with script-capable schemes are
//! dropped, root-relative links get base_url's path, and any raw HTML sends the whole body
//! through ammonia's allow-list sanitiser. Bodies without raw HTML (nearly all) skip ammonia:
//! pulldown-cmark already escapes their text, which keeps large builds fast.

use std::collections::HashMap;
use std::sync::OnceLock;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::url::Urls;

/// A rendered body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub html: String,
    /// Plain text of the first paragraph, shortened, for `<meta name="description">`.
    pub summary: String,
    /// Images without alt text (for the accessibility warning): target and 0-based line
    /// within the body, so the warning can point at the line staff wrote.
    pub images_without_alt: Vec<(String, u32)>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// True for targets that could run script or smuggle content (`javascript:`, `data:` …).
/// Browsers ignore control characters and case in schemes, so this does too.
pub fn is_dangerous_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let Some(colon) = cleaned.find(':') else {
        return false;
    };
    if cleaned[..colon].contains(['/', '?', '#']) {
        return false; // a relative path that merely contains a colon
    }
    !matches!(
        &cleaned[..colon],
        "http" | "https" | "mailto" | "tel" | "fax"
    )
}

/// A heading id from its text: stable, readable, Japanese kept (HTML5 ids may be any
/// non-space characters), so `#受付時間` links work.
pub fn heading_id(text: &str) -> String {
    let mut id = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            id.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_matches('-').to_string();
    if id.is_empty() {
        "section".to_string()
    } else {
        id
    }
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["id", "class"])
            .add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("td", ["style"])
            .add_tag_attributes("th", ["style"])
            .filter_style_properties(["text-align"].into_iter().collect())
            .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect());
        b
    })
}

/// Renders a Markdown body.
pub fn render(markdown: &str, urls: &Urls) -> Rendered {
    let parser = Parser::new_ext(markdown, options());
    let mut events: Vec<Event> = Vec::new();
    let mut raw_html = false;
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    let mut heading: Option<(usize, HeadingLevel)> = None;
    let mut link_depth: Vec<bool> = Vec::new();
    let mut summary = String::new();
    let mut in_first_paragraph = None::<bool>;
    let mut images_without_alt = Vec::new();
    let mut image: Option<(String, String, usize)> = None;

    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                // A body's `#` would be a second <h1> beside the page title.
                let level = if level == HeadingLevel::H1 {
                    HeadingLevel::H2
                } else {
                    level
                };
                heading = Some((events.len(), level));
                events.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((start, level)) = heading.take() {
                    let text: String = events[start + 1..]
                        .iter()
                        .filter_map(|e| match e {
                            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect();
                    if let Event::Start(Tag::Heading { id, .. }) = &mut events[start] {
                        let base = id
                            .as_deref()
                            .map(str::to_string)
                            .unwrap_or_else(|| heading_id(&text));
                        let n = used_ids.entry(base.clone()).or_insert(0);
                        let unique = if *n == 0 {
                            base.clone()
                        } else {
                            format!("{base}-{n}")
                        };
                        *n += 1;
                        *id = Some(CowStr::from(unique));
                    }
                    events.push(Event::End(TagEnd::Heading(level)));
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if is_dangerous_url(&dest_url) {
                    link_depth.push(false);
                } else {
                    link_depth.push(true);
                    let dest_url = CowStr::from(urls.content_link(&dest_url));
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                if link_depth.pop().unwrap_or(true) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if is_dangerous_url(&dest_url) {
                    image = Some((String::new(), String::new(), range.start));
                    link_depth.push(false);
                } else {
                    image = Some((dest_url.to_string(), String::new(), range.start));
                    link_depth.push(true);
                    let dest_url = CowStr::from(urls.content_link(&dest_url));
                    events.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((dest, alt, start)) = image.take() {
                    if alt.trim().is_empty() && !dest.is_empty() {
                        let line = markdown.as_bytes()[..start.min(markdown.len())]
                            .iter()
                            .filter(|&&b| b == b'\n')
                            .count() as u32;
                        images_without_alt.push((dest, line));
                    }
                }
                if link_depth.pop().unwrap_or(true) {
                    events.push(Event::End(TagEnd::Image));
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                raw_html = true;
                events.push(event);
            }
            Event::Start(Tag::Paragraph) => {
                if in_first_paragraph.is_none() {
                    in_first_paragraph = Some(true);
                }
                events.push(event);
            }
            Event::End(TagEnd::Paragraph) => {
                if in_first_paragraph == Some(true) {
                    in_first_paragraph = Some(false);
                }
                events.push(event);
            }
            Event::Text(ref t) => {
                if let Some((_, alt, _)) = image.as_mut() {
                    alt.push_str(t);
                }
                if in_first_paragraph == Some(true) && heading.is_none() {
                    summary.push_str(t);
                }
                if link_depth.last() == Some(&false) && image.is_some() {
                    continue; // alt text of a dropped image
                }
                events.push(event);
            }
            Event::SoftBreak if in_first_paragraph == Some(true) => {
                events.push(event);
            }
            other => events.push(other),
        }
    }

    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    if raw_html {
        out = sanitizer().clean(&out).to_string();
    }
    Rendered {
        html: out,
        summary: shorten(&summary, 120),
        images_without_alt,
    }
}

/// Shortens plain text to `max` characters on a character boundary, adding 「…」.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        text
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls() -> Urls {
        Urls::new("https://www.example.jp/renkei/").unwrap()
    }

    #[test]
    fn headings_get_stable_unique_ids() {
        let r = render("# 受付時間\n\n## 受付時間\n\n## Access Map\n", &urls());
        assert!(
            r.html.contains("<h2 id=\"受付時間\">受付時間</h2>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<h2 id=\"受付時間-1\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"access-map\">"), "{}", r.html);
    }

    #[test]
    fn root_links_get_the_base_path() {
        let r = render(
            "[流れ](/referral/) と [外部](https://example.org/)",
            &urls(),
        );
        assert!(r.html.contains("href=\"/renkei/referral/\""), "{}", r.html);
        assert!(r.html.contains("href=\"https://example.org/\""));
    }

    #[test]
    fn scripts_never_survive() {
        let cases = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](java\tscript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "![x](data:text/html;base64,PHNjcmlwdD4=)",
            "<iframe src=\"https://evil.example/\"></iframe>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
        ];
        for case in cases {
            let html = render(case, &urls()).html.to_ascii_lowercase();
            for bad in [
                "<script",
                "onerror",
                "javascript:",
                "data:text",
                "<iframe",
                "style=\"background",
            ] {
                assert!(!html.contains(bad), "{case:?} gave {html}");
            }
        }
    }

    #[test]
    fn extensions_are_on() {
        let r = render(
            "|a|b|\n|-|-|\n|1|2|\n\n~~x~~\n\n- [x] done\n\nnote[^1]\n\n[^1]: foot\n",
            &urls(),
        );
        for needle in ["<table>", "<del>", "type=\"checkbox\"", "footnote"] {
            assert!(r.html.contains(needle), "{needle} in {}", r.html);
        }
    }

    #[test]
    fn summary_is_the_first_paragraph() {
        let r = render(
            "## 見出し\n\n当院は本町にある内科です。\n駐車場があります。\n\n次の段落",
            &urls(),
        );
        assert_eq!(r.summary, "当院は本町にある内科です。駐車場があります。");
        assert_eq!(shorten("あいうえお", 3), "あい…");
    }

    #[test]
    fn images_without_alt_are_noticed() {
        let r = render("本文\n\n![](/images/a.png) ![地図](/images/b.png)", &urls());
        assert_eq!(r.images_without_alt, vec![("/images/a.png".to_string(), 2)]);
    }
}
