//! Markdown bodies to safe HTML.
//!
//! Bodies are written by office staff and sometimes pasted from other sites, so the output is
//! made safe here rather than trusted: link and image targets with script-capable schemes are
//! dropped, root-relative links get base_url's path, and any raw HTML sends the whole body
//! through ammonia's allow-list sanitiser. Bodies without raw HTML (nearly all) skip ammonia:
//! pulldown-cmark already escapes their text, which keeps large builds fast.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Mutex;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::site::url::Urls;

/// A rendered body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub html: String,
    /// Plain text of the first paragraph, shortened, for `<meta name="description">`.
    pub summary: String,
    /// Images without alt text (for the accessibility warning): target and 0-based line
    /// within the body, so the warning can point at the line staff wrote.
    pub images_without_alt: Vec<(String, u32)>,
    /// 0-based body line where raw HTML nests deeper than [`MAX_HTML_DEPTH`]; the body is
    /// then not rendered (the HTML parser behind the sanitiser is quadratic in nesting depth:
    /// 200,000 `<div>`s took 136 s).
    pub html_too_deep: Option<u32>,
}

/// Deepest nesting of raw HTML elements in a body. Real pages nest a table in a div at most.
pub const MAX_HTML_DEPTH: usize = 64;

/// Elements that never have a closing tag, so never nest.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Adds the nesting change of one raw HTML fragment to `depth`: +1 per opening tag of a
/// non-void element, −1 per closing tag. Comments and `<!…>` do not count.
fn html_depth_after(fragment: &str, mut depth: usize) -> usize {
    let mut rest = fragment;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        let self_closing = rest.find('>').is_some_and(|end| rest[..end].ends_with('/'));
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing && !VOID.contains(&name.as_str()) {
            depth += 1;
        }
    }
    depth
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

/// Classes a body may use: the ones the theme styles for content (docs/themes.md), plus what
/// Markdown itself writes (`language-…` on code blocks, `footnote-…`). Any other class is
/// dropped: `.visually-hidden` or a theme's layout class could hide text or fake the page.
pub const BODY_CLASSES: &[&str] = &["lead", "notice", "notice--warning", "muted"];

fn allowed_class(class: &str) -> bool {
    BODY_CLASSES.contains(&class)
        || class.starts_with("language-")
        || class.starts_with("footnote-")
}

/// The ids already on a page, so every new one is unique.
struct Ids<'r> {
    /// The theme's ids: taken before the body starts.
    reserved: Cow<'r, BTreeSet<String>>,
    taken: HashSet<String>,
    /// Next suffix to try per base id: fifty thousand `## 見出し` stay linear.
    next: HashMap<String, usize>,
}

impl<'r> Ids<'r> {
    fn new(reserved: Cow<'r, BTreeSet<String>>) -> Self {
        Ids {
            reserved,
            taken: HashSet::new(),
            next: HashMap::new(),
        }
    }

    /// `id` itself if no element of the page has it yet, else `id-1`, `id-2` …; records the
    /// result. The theme's ids count as taken, so a body never takes `main`.
    fn unique(&mut self, id: &str) -> String {
        let reserved = &self.reserved;
        let n = self.next.entry(id.to_string()).or_insert(0);
        let mut unique = if *n == 0 {
            id.to_string()
        } else {
            format!("{id}-{n}")
        };
        while self.taken.contains(&unique) || reserved.contains(&unique) {
            *n += 1;
            unique = format!("{id}-{n}");
        }
        *n += 1;
        self.taken.insert(unique.clone());
        unique
    }
}

/// Cleans a body that holds raw HTML with ammonia's allow-list. Built per body because the
/// attribute filter keeps state (the ids already on the page); bodies with raw HTML are rare.
fn sanitize(html: &str, urls: &Urls, reserved: &BTreeSet<String>) -> String {
    // The filter must own what it uses; the theme's ids are a few dozen short strings.
    let ids: Mutex<Ids<'static>> = Mutex::new(Ids::new(Cow::Owned(reserved.clone())));
    let urls = urls.clone();
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id", "class"])
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("th", ["style"])
        .filter_style_properties(["text-align"].into_iter().collect())
        .url_schemes(
            ["http", "https", "mailto", "tel", "fax"]
                .into_iter()
                .collect(),
        )
        .attribute_filter(move |_element, attribute, value| match attribute {
            "class" => {
                let kept: Vec<&str> = value
                    .split_whitespace()
                    .filter(|c| allowed_class(c))
                    .collect();
                (!kept.is_empty()).then(|| Cow::Owned(kept.join(" ")))
            }
            "id" => {
                let mut ids = ids.lock().unwrap_or_else(|e| e.into_inner());
                Some(Cow::Owned(ids.unique(value)))
            }
            // Raw `<a href="/access/">` gets base_url's path like a Markdown link; Markdown
            // links already have it.
            "href" | "src"
                if value.starts_with('/')
                    && !value.starts_with("//")
                    && !value.starts_with(urls.prefix()) =>
            {
                Some(Cow::Owned(urls.content_link(value)))
            }
            _ => Some(Cow::Borrowed(value)),
        });
    b.clean(html).to_string()
}

/// Renders a Markdown body.
pub fn render(markdown: &str, urls: &Urls, reserved: &BTreeSet<String>) -> Rendered {
    let parser = Parser::new_ext(markdown, options());
    let mut events: Vec<Event> = Vec::new();
    let mut raw_html = false;
    let mut ids = Ids::new(Cow::Borrowed(reserved));
    let mut heading: Option<(usize, HeadingLevel)> = None;
    let mut link_depth: Vec<bool> = Vec::new();
    let mut summary = String::new();
    let mut in_first_paragraph = None::<bool>;
    let mut images_without_alt = Vec::new();
    let mut image: Option<(String, String, usize)> = None;
    let mut html_depth = 0usize;
    let mut html_too_deep = None;

    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs: _,
            }) => {
                // `{.class}` is limited like raw HTML's class; `{key=value}` attributes could
                // set anything (`hidden`, `aria-…`), so they are not kept.
                let classes = classes.into_iter().filter(|c| allowed_class(c)).collect();
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
                    attrs: Vec::new(),
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
                        *id = Some(CowStr::from(ids.unique(&base)));
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
                        images_without_alt.push((dest, line_of(markdown, start)));
                    }
                }
                if link_depth.pop().unwrap_or(true) {
                    events.push(Event::End(TagEnd::Image));
                }
            }
            Event::Html(ref fragment) | Event::InlineHtml(ref fragment) => {
                raw_html = true;
                html_depth = html_depth_after(fragment, html_depth);
                if html_depth > MAX_HTML_DEPTH {
                    html_too_deep = Some(line_of(markdown, range.start));
                    break;
                }
                events.push(event);
            }
            // Footnote labels become ids (`[^main]` would be `id="main"`): prefixed, so they
            // never meet the theme's ids or headings.
            Event::FootnoteReference(label) => {
                events.push(Event::FootnoteReference(CowStr::from(format!(
                    "fn-{label}"
                ))));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                events.push(Event::Start(Tag::FootnoteDefinition(CowStr::from(
                    format!("fn-{label}"),
                ))));
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

    if html_too_deep.is_some() {
        return Rendered {
            html_too_deep,
            ..Rendered::default()
        };
    }
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    if raw_html {
        out = sanitize(&out, urls, reserved);
    }
    Rendered {
        html: out,
        summary: shorten(&summary, 120),
        images_without_alt,
        html_too_deep: None,
    }
}

/// 0-based line of a byte offset in the body.
fn line_of(markdown: &str, offset: usize) -> u32 {
    markdown.as_bytes()[..offset.min(markdown.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u32
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

    fn ids() -> &'static BTreeSet<String> {
        crate::theme::default_ids()
    }

    fn urls() -> Urls {
        Urls::new("https://www.example.jp/renkei/").unwrap()
    }

    #[test]
    fn headings_get_stable_unique_ids() {
        let r = render(
            "# 受付時間\n\n## 受付時間\n\n## Access Map\n",
            &urls(),
            ids(),
        );
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
            ids(),
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
            let html = render(case, &urls(), ids()).html.to_ascii_lowercase();
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
    fn bodies_never_take_the_themes_ids_or_hiding_classes() {
        let r = render(
            "## 本文 {#main .visually-hidden data-x=1}\n\n## Main\n\n## 連絡先 {.notice}\n\nnote[^main]\n\n[^main]: foot\n",
            &urls(),
            ids(),
        );
        assert!(!r.html.contains("id=\"main\""), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"main-1\">本文</h2>"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"main-2\">Main</h2>"), "{}", r.html);
        assert!(r.html.contains("class=\"notice\""), "{}", r.html);
        assert!(!r.html.contains("visually-hidden") && !r.html.contains("data-x"));
        assert!(r.html.contains("id=\"fn-main\"") && r.html.contains("href=\"#fn-main\""));

        let raw = render(
            "## 受付\n\n<div id=\"main\" class=\"visually-hidden notice\">x</div><p id=\"受付\">y</p>\n",
            &urls(),
            ids(),
        );
        assert!(!raw.html.contains("id=\"main\""), "{}", raw.html);
        assert!(
            raw.html.contains("id=\"main-1\" class=\"notice\""),
            "{}",
            raw.html
        );
        assert!(raw.html.contains("id=\"受付-1\""), "{}", raw.html);
        assert!(ids().contains("footer-contact-title"));
    }

    #[test]
    fn raw_html_links_get_the_base_path_and_fax_links_stay() {
        let r = render(
            "<a href=\"/access/\">地図</a> <a href=\"fax:0992011101\">FAX</a>\n\n[md](/about/) <b>x</b>",
            &urls(),
            ids(),
        );
        assert!(r.html.contains("href=\"/renkei/access/\""), "{}", r.html);
        assert!(r.html.contains("href=\"/renkei/about/\""), "{}", r.html);
        assert!(r.html.contains("href=\"fax:0992011101\""), "{}", r.html);
    }

    #[test]
    fn deep_raw_html_is_refused_before_the_html_parser_sees_it() {
        let r = render(&"<div>".repeat(10_000), &urls(), ids());
        assert_eq!(r.html_too_deep, Some(0));
        assert!(r.html.is_empty());
        let ok = render(
            &"<div><br><img src=x alt=y></div>".repeat(10_000),
            &urls(),
            ids(),
        );
        assert_eq!(ok.html_too_deep, None);
    }

    #[test]
    fn extensions_are_on() {
        let r = render(
            "|a|b|\n|-|-|\n|1|2|\n\n~~x~~\n\n- [x] done\n\nnote[^1]\n\n[^1]: foot\n",
            &urls(),
            ids(),
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
            ids(),
        );
        assert_eq!(r.summary, "当院は本町にある内科です。駐車場があります。");
        assert_eq!(shorten("あいうえお", 3), "あい…");
    }

    #[test]
    fn images_without_alt_are_noticed() {
        let r = render(
            "本文\n\n![](/images/a.png) ![地図](/images/b.png)",
            &urls(),
            ids(),
        );
        assert_eq!(r.images_without_alt, vec![("/images/a.png".to_string(), 2)]);
    }
}
