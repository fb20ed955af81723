//! The one place site URLs are made, so every link honours base_url's sub-path.
//!
//! A site published at `https://www.example.jp/renkei/` must link to `/renkei/partners/`, never
//! `/partners/`; Zola's history shows how easily a second URL helper breaks that. Templates,
//! Markdown bodies, feeds and sitemaps all go through [`Urls`].

/// Checks a URL written in content or on the command line: an absolute http(s) URL with a host,
/// and nothing that could end a line or an attribute where it is written out. The `url` crate
/// quietly drops tabs and line breaks while parsing, so those are refused before it sees the
/// text: a `\n` in a clinic's `url` once added a fake TEL line to its vCard.
pub fn check_web_url(text: &str) -> Result<(), String> {
    if let Some(c) = text.chars().find(|c| c.is_whitespace() || c.is_control()) {
        let what = match c {
            ' ' | '\u{3000}' => "空白".to_string(),
            '\n' | '\r' => "改行".to_string(),
            '\t' => "タブ".to_string(),
            _ => crate::japanese::textchars::describe(c),
        };
        return Err(format!(
            "URL に{what}は使えません(改行・空白・制御文字を含まない 1 行で書いてください)"
        ));
    }
    if let Some(c) = text
        .chars()
        .find(|c| matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}'))
    {
        return Err(format!("URL に「{c}」は使えません"));
    }
    let parsed = url::Url::parse(text).map_err(|e| format!("URL の形が正しくありません({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("http:// か https:// で始まる URL を書いてください".into());
    }
    // The parser reads `https:///path` as host `path`; a written URL must name its host.
    let written_host = text.split_once("://").map_or("", |(_, rest)| rest);
    if parsed.host_str().is_none_or(str::is_empty) || written_host.starts_with('/') {
        return Err("URL にホスト名(www.example.jp など)がありません".into());
    }
    Ok(())
}

/// Builds root-relative and absolute URLs under the site's base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urls {
    /// Scheme and host without a trailing slash: `https://www.example.jp`.
    origin: String,
    /// Path prefix with leading and trailing slash: `/renkei/` or `/`.
    prefix: String,
}

impl Urls {
    /// Parses `base_url`. Only http(s) URLs are accepted.
    pub fn new(base_url: &str) -> Result<Urls, String> {
        // Only spaces are trimmed: a trailing line break or control character is refused.
        let base = base_url.trim_matches(' ');
        let rest = base
            .strip_prefix("https://")
            .map(|r| ("https://", r))
            .or_else(|| base.strip_prefix("http://").map(|r| ("http://", r)));
        let Some((scheme, rest)) = rest else {
            return Err("http:// か https:// で始まる URL を書いてください".into());
        };
        check_web_url(base)?;
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if host.is_empty() || host.contains([' ', '?', '#']) || path.contains(['?', '#', ' ']) {
            return Err("URL の形が正しくありません".into());
        }
        let mut prefix = path.to_string();
        if !prefix.ends_with('/') {
            prefix.push('/');
        }
        Ok(Urls {
            origin: format!("{scheme}{host}"),
            prefix,
        })
    }

    /// Scheme and host (`https://www.example.jp`): links starting with it are this site's.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The path prefix (`/renkei/`), what `serve` mounts the site under.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Root-relative URL of a site path: `partners/a/` → `/renkei/partners/a/`.
    pub fn path(&self, site_path: &str) -> String {
        format!("{}{}", self.prefix, site_path.trim_start_matches('/'))
    }

    /// Absolute URL of a site path, for canonical links, sitemaps and feeds.
    pub fn absolute(&self, site_path: &str) -> String {
        format!("{}{}", self.origin, self.path(site_path))
    }

    /// Rewrites a link written in content. Root-relative links (`/referral/`) are site paths
    /// and get the prefix; everything else (external, `#anchor`, relative) is left as written.
    pub fn content_link(&self, href: &str) -> String {
        if href.starts_with('/') && !href.starts_with("//") {
            self.path(href)
        } else {
            href.to_string()
        }
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
pub fn encode_component(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            // Not `format!` for each byte: every record's address passes here, and a
            // Japanese address is nearly all encoded bytes.
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0x0f)] as char);
        }
    }
    out
}

/// A map link that needs no embedded third-party script: OpenStreetMap at the coordinates when
/// they are known, else an OpenStreetMap search for the address.
pub fn map_link(geo: Option<[f64; 2]>, address: &str) -> (String, &'static str) {
    let url = match geo {
        Some([lat, lon]) => {
            format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}")
        }
        None => format!(
            "https://www.openstreetmap.org/search?query={}",
            encode_component(address)
        ),
    };
    (url, map_label(geo))
}

/// What the map link says: a place by its coordinates, or a search for the address.
pub fn map_label(geo: Option<[f64; 2]>) -> &'static str {
    match geo {
        Some(_) => "地図で場所を見る(OpenStreetMap)",
        None => "地図で住所を調べる(OpenStreetMap)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_path_is_honoured_everywhere() {
        let u = Urls::new("https://www.example.jp/renkei").unwrap();
        assert_eq!(u.prefix(), "/renkei/");
        assert_eq!(u.path("/partners/a/"), "/renkei/partners/a/");
        assert_eq!(u.path(""), "/renkei/");
        assert_eq!(u.absolute("news/"), "https://www.example.jp/renkei/news/");
        assert_eq!(u.content_link("/forms/a.pdf"), "/renkei/forms/a.pdf");
        assert_eq!(u.content_link("https://x.jp/"), "https://x.jp/");
        assert_eq!(u.content_link("#top"), "#top");
        assert_eq!(u.content_link("//cdn.example/x"), "//cdn.example/x");
    }

    #[test]
    fn map_links_encode_addresses() {
        assert_eq!(encode_component("本町1-2"), "%E6%9C%AC%E7%94%BA1-2");
        assert!(map_link(Some([31.6, 130.5]), "")
            .0
            .contains("mlat=31.6&mlon=130.5"));
    }

    #[test]
    fn urls_that_would_inject_lines_or_markup_are_refused() {
        for bad in [
            "https://evil.example/\">\nTEL;TYPE=work:+81-90-0000-0000\nNOTE:x",
            "https://a.example/\nX-INJ:1/",
            "https://a.example/\r\nX: 1",
            "https://a.example/\tx",
            "https://a.example/a b",
            "https://a.example/\u{85}x",
            "https://a.example/\u{2028}x",
            "https://a.example/\u{b}",
            "https://a.example/<script>",
            "https://",
            "https:///path",
            "javascript:alert(1)",
            "file:///etc/passwd",
        ] {
            assert!(check_web_url(bad).is_err(), "{bad:?}");
            assert!(Urls::new(bad).is_err(), "{bad:?}");
        }
        for good in [
            "https://www.example.jp/renkei/",
            "http://127.0.0.1:8000",
            "https://例え.jp/パス?q=1#a",
            "https://www.example.jp/a%20b",
        ] {
            assert!(check_web_url(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn root_sites_and_bad_urls() {
        assert_eq!(
            Urls::new("http://127.0.0.1:8000").unwrap().path("a/"),
            "/a/"
        );
        assert!(Urls::new("ftp://x/").is_err());
        assert!(Urls::new("www.example.jp").is_err());
    }
}
