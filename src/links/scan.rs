//! Reads the links and anchors out of a page renkei wrote, and resolves a link to a file of
//! the built site.
//!
//! This is not an HTML parser: it only has to read renkei's own output, which is well formed
//! (templates autoescape, bodies pass through pulldown-cmark and ammonia), so a tag scanner
//! that understands quoting, comments and `<script>`/`<style>` contents is enough.

/// What one page offers and points at.
#[derive(Debug, Default, PartialEq)]
pub struct Scanned {
    /// `id` (and `<a name>`) values: the targets of `#fragment` links.
    pub ids: Vec<String>,
    /// `href` and `src` values, entities decoded, in document order.
    pub links: Vec<String>,
}

/// Scans HTML (or an Atom feed, whose `<link href>` has the same shape).
pub fn scan(html: &str) -> Scanned {
    let mut out = Scanned::default();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if name_len == 0 {
            continue;
        }
        let tag = rest[..name_len].to_ascii_lowercase();
        rest = &rest[name_len..];
        rest = attributes(rest, &tag, &mut out);
        if tag == "script" || tag == "style" {
            let close = format!("</{tag}");
            rest = rest.find(&close).map_or("", |end| &rest[end..]);
        }
    }
    out
}

/// Reads the attributes of one tag; returns the text after its `>`.
fn attributes<'a>(mut rest: &'a str, tag: &str, out: &mut Scanned) -> &'a str {
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return rest;
        }
        if let Some(after) = rest.strip_prefix('>') {
            return after;
        }
        if let Some(after) = rest.strip_prefix('/') {
            rest = after;
            continue;
        }
        let name_len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '=' | '>' | '/'))
            .unwrap_or(rest.len())
            .max(1);
        let name = rest[..name_len].to_ascii_lowercase();
        rest = rest[name_len..].trim_start();
        let Some(after_eq) = rest.strip_prefix('=') else {
            continue;
        };
        rest = after_eq.trim_start();
        let (value, after) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let body = &rest[1..];
                match body.find(q) {
                    Some(end) => (&body[..end], &body[end + 1..]),
                    None => (body, ""),
                }
            }
            _ => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(rest.len());
                (&rest[..end], &rest[end..])
            }
        };
        rest = after;
        let is_link = match name.as_str() {
            "href" => matches!(tag, "a" | "area" | "link"),
            "src" => matches!(
                tag,
                "img" | "script" | "iframe" | "source" | "audio" | "video" | "track"
            ),
            _ => false,
        };
        if is_link {
            out.links.push(decode_entities(value));
        } else if name == "id" || (name == "name" && tag == "a") {
            out.ids.push(decode_entities(value));
        }
    }
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

/// Where a link points.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// Not something a site links to by path: `mailto:`, `tel:`, `data:`.
    Skip,
    /// Another site; listed by `check --external`, never fetched.
    External(String),
    /// A path on this site (percent-decoded, with base_url's prefix), and an optional
    /// `#fragment`.
    Internal {
        path: String,
        fragment: Option<String>,
    },
}

/// Classifies `href` found on the page at `page_path` (`/renkei/partners/a/index.html`),
/// for a site whose base URL has `origin` (`https://www.example.jp`).
pub fn resolve(href: &str, page_path: &str, origin: &str) -> Target {
    let href = href.trim();
    if href.is_empty() {
        return Target::Skip;
    }
    let (without_fragment, fragment) = match href.split_once('#') {
        Some((h, f)) => (h, Some(percent_decode(f))),
        None => (href, None),
    };
    let without_query = without_fragment
        .split_once('?')
        .map_or(without_fragment, |(h, _)| h);
    let absolute = if let Some(rest) = href.strip_prefix("//") {
        Some(format!("https://{rest}"))
    } else if let Some(colon) = href.find(':') {
        let scheme = &href[..colon];
        if !href[..colon].contains('/') && scheme.chars().all(|c| c.is_ascii_alphanumeric()) {
            if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
                return Target::Skip;
            }
            Some(href.to_string())
        } else {
            None
        }
    } else {
        None
    };
    let path = match absolute {
        Some(url) => {
            let host_of = |u: &str| {
                u.split_once("://").map(|(_, r)| {
                    r.split(['/', '?', '#'])
                        .next()
                        .unwrap_or("")
                        .to_ascii_lowercase()
                })
            };
            if host_of(&url) != host_of(origin) {
                return Target::External(href.to_string());
            }
            let after_host = url
                .split_once("://")
                .map(|(_, r)| r.find('/').map_or("/", |i| &r[i..]))
                .unwrap_or("/");
            let after_host = after_host.split(['?', '#']).next().unwrap_or("/");
            after_host.to_string()
        }
        None if without_query.starts_with('/') => without_query.to_string(),
        None if without_query.is_empty() => page_path.to_string(),
        None => {
            let dir = page_path.rsplit_once('/').map_or("", |(d, _)| d);
            format!("{dir}/{without_query}")
        }
    };
    Target::Internal {
        path: normalize_path(&percent_decode(&path)),
        fragment: fragment.filter(|f| !f.is_empty()),
    }
}

/// Folds `.` and `..` segments, the way a browser does before it asks the server.
fn normalize_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if trailing && out.len() > 1 {
        out.push('/');
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_links_and_ids_but_not_script_or_comments() {
        let s = scan(
            "<!-- <a href=\"/no/\"> --><h2 id=\"fax\">FAX</h2><a class=x href='/a/?q=1&amp;r=2#fax'>a</a>\
             <script>if (a<b) { x = '<a href=\"/no2/\">'; }</script><img alt=\"\" src=/i.png>\
             <link rel=\"alternate\" href=\"https://www.example.jp/renkei/news/atom.xml\"/><a name=top></a>",
        );
        assert_eq!(s.ids, ["fax", "top"]);
        assert_eq!(
            s.links,
            [
                "/a/?q=1&r=2#fax",
                "/i.png",
                "https://www.example.jp/renkei/news/atom.xml"
            ]
        );
    }

    #[test]
    fn resolves_relative_absolute_and_other_sites() {
        let page = "/renkei/partners/a/index.html";
        let origin = "https://www.example.jp";
        let internal = |p: &str, f: Option<&str>| Target::Internal {
            path: p.into(),
            fragment: f.map(str::to_string),
        };
        assert_eq!(resolve("#fax", page, origin), internal(page, Some("fax")));
        assert_eq!(
            resolve("../b/", page, origin),
            internal("/renkei/partners/b/", None)
        );
        assert_eq!(
            resolve("contact.vcf", page, origin),
            internal("/renkei/partners/a/contact.vcf", None)
        );
        assert_eq!(
            resolve("https://WWW.example.jp/renkei/x/?a=1#y", page, origin),
            internal("/renkei/x/", Some("y"))
        );
        assert_eq!(
            resolve("/renkei/partners/area/%E4%B8%AD%E5%A4%AE/", page, origin),
            internal("/renkei/partners/area/中央/", None)
        );
        assert_eq!(
            resolve("https://www.city.example.lg.jp/", page, origin),
            Target::External("https://www.city.example.lg.jp/".into())
        );
        assert_eq!(resolve("tel:0992111234", page, origin), Target::Skip);
        assert_eq!(resolve("mailto:a@b", page, origin), Target::Skip);
    }
}
