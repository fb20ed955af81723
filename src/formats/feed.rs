//! Atom feeds (RFC 4287): お知らせ at `/news/atom.xml`, 広報誌 at `/koho/atom.xml`.
//!
//! Partner clinics subscribe to it for 休診・代診 and seminar notices. Ids are the items'
//! absolute URLs (stable as long as the slug is), `updated` comes from the items' dates at
//! 00:00 JST, so the feed changes only when the news does.

use chrono::NaiveDate;

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

/// One entry of a feed.
struct Entry<'a> {
    /// Root-relative URL of the item's page.
    url: &'a str,
    title: &'a str,
    date: NaiveDate,
    category: Option<&'a str>,
    summary: &'a str,
    /// The item's body HTML, when the feed carries it.
    html: Option<&'a str>,
}

/// お知らせ: newest 30 items, pinned ones not lifted (a feed reader orders by date anyway).
pub fn atom(site: &Site) -> String {
    let mut items: Vec<_> = site.news.iter().collect();
    items.sort_by(|a, b| b.date.cmp(&a.date).then(a.meta.slug.cmp(&b.meta.slug)));
    let entries = items
        .into_iter()
        .map(|n| Entry {
            url: &n.meta.url,
            title: &n.title,
            date: n.date,
            category: Some(&n.category),
            summary: &n.meta.summary,
            html: Some(&n.meta.body),
        })
        .collect();
    write(site, "news/", "お知らせ", entries)
}

/// 広報誌: each issue with its table of contents, so a new issue reaches subscribers.
pub fn newsletters(site: &Site) -> String {
    let summaries: Vec<String> = site
        .newsletters
        .iter()
        .map(|n| format!("目次: {}", n.contents.join("、")))
        .collect();
    let entries = site
        .newsletters
        .iter()
        .zip(&summaries)
        .map(|(n, summary)| Entry {
            url: &n.meta.url,
            title: &n.title,
            date: n.issued,
            category: Some("広報誌"),
            summary,
            html: None,
        })
        .collect();
    write(site, "koho/", "広報誌", entries)
}

/// The feed of the pages under `dir`: the newest 30 of `entries` (already newest first).
fn write(site: &Site, dir: &str, name: &str, mut entries: Vec<Entry>) -> String {
    let urls = &site.config.urls;
    let abs = |u: &str| urls.absolute(u.strip_prefix(urls.prefix()).unwrap_or(u));
    entries.truncate(30);
    let updated = entries
        .first()
        .map(|n| n.date)
        .unwrap_or(site.build_date)
        .format("%Y-%m-%dT00:00:00+09:00");
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ja\">\n");
    out.push_str(&format!("  <id>{}</id>\n", xml(&urls.absolute(dir))));
    out.push_str(&format!(
        "  <title>{} {name}</title>\n",
        xml(&site.config.title)
    ));
    out.push_str(&format!("  <updated>{updated}</updated>\n"));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml(&urls.absolute(&format!("{dir}atom.xml")))
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml(&urls.absolute(dir))
    ));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml(&site.config.title)
    ));
    for n in entries {
        let url = abs(n.url);
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>{}</id>\n", xml(&url)));
        out.push_str(&format!("    <title>{}</title>\n", xml(n.title)));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            n.date.format("%Y-%m-%dT00:00:00+09:00")
        ));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(&url)
        ));
        if let Some(category) = n.category {
            out.push_str(&format!("    <category term=\"{}\"/>\n", xml(category)));
        }
        if !n.summary.is_empty() {
            out.push_str(&format!("    <summary>{}</summary>\n", xml(n.summary)));
        }
        if let Some(html) = n.html {
            // Relative links in the body would resolve against the feed reader, so make them
            // absolute.
            let origin = urls.absolute("");
            let origin = &origin[..origin.len() - urls.prefix().len()];
            let body = html
                .replace("href=\"/", &format!("href=\"{origin}/"))
                .replace("src=\"/", &format!("src=\"{origin}/"));
            out.push_str(&format!(
                "    <content type=\"html\">{}</content>\n",
                xml(&body)
            ));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}
