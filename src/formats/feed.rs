//! The Atom feed of お知らせ (RFC 4287): `/news/atom.xml`.
//!
//! Partner clinics subscribe to it for 休診・代診 and seminar notices. Ids are the items'
//! absolute URLs (stable as long as the slug is), `updated` comes from the items' dates at
//! 00:00 JST, so the feed changes only when the news does.

use crate::site::Site;

/// Escapes text for XML content and attributes. Characters XML 1.0 forbids (one `\x0b` made
/// the whole feed unreadable) are dropped: content is checked before it gets here, and this is
/// the last line of defence.
pub fn xml(text: &str) -> String {
    crate::japanese::textchars::strip_breaking(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Newest 30 items, pinned ones not lifted: a feed reader orders by date anyway.
pub fn atom(site: &Site) -> String {
    let urls = &site.config.urls;
    let abs = |u: &str| urls.absolute(u.strip_prefix(urls.prefix()).unwrap_or(u));
    let mut items: Vec<_> = site.news.iter().collect();
    items.sort_by(|a, b| b.date.cmp(&a.date).then(a.meta.slug.cmp(&b.meta.slug)));
    items.truncate(30);
    let updated = items
        .first()
        .map(|n| n.date)
        .unwrap_or(site.build_date)
        .format("%Y-%m-%dT00:00:00+09:00");
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ja\">\n");
    out.push_str(&format!("  <id>{}</id>\n", xml(&urls.absolute("news/"))));
    out.push_str(&format!(
        "  <title>{} お知らせ</title>\n",
        xml(&site.config.title)
    ));
    out.push_str(&format!("  <updated>{updated}</updated>\n"));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml(&urls.absolute("news/atom.xml"))
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml(&urls.absolute("news/"))
    ));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml(&site.config.title)
    ));
    for n in items {
        let url = abs(&n.meta.url);
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>{}</id>\n", xml(&url)));
        out.push_str(&format!("    <title>{}</title>\n", xml(&n.title)));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            n.date.format("%Y-%m-%dT00:00:00+09:00")
        ));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(&url)
        ));
        out.push_str(&format!("    <category term=\"{}\"/>\n", xml(&n.category)));
        if !n.meta.summary.is_empty() {
            out.push_str(&format!(
                "    <summary>{}</summary>\n",
                xml(&n.meta.summary)
            ));
        }
        // Relative links in the body would resolve against the feed reader, so make them absolute.
        let origin = urls.absolute("");
        let origin = &origin[..origin.len() - urls.prefix().len()];
        let body = n
            .meta
            .body
            .replace("href=\"/", &format!("href=\"{origin}/"))
            .replace("src=\"/", &format!("src=\"{origin}/"));
        out.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml(&body)
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}
