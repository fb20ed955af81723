//! `sitemap.xml` and `robots.txt`.
//!
//! The partners profile is meant to sit behind access control, so its robots.txt asks every
//! crawler to stay out and it lists nothing in the sitemap.

use crate::pipeline::output::OutFile;
use crate::records::meta::Profile;
use crate::site::Site;

/// `files` are output paths of indexable HTML pages (`partners/a/index.html`).
pub fn sitemap(site: &Site, files: &[String]) -> OutFile {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    if site.profile == Profile::Public {
        let mut paths: Vec<&str> = files
            .iter()
            .filter_map(|f| f.strip_suffix("index.html"))
            .collect();
        paths.sort_unstable();
        for p in paths {
            out.push_str("  <url><loc>");
            // Japanese folder names (browse pages) are percent-encoded, as sitemaps require.
            let encoded: Vec<String> = p
                .split('/')
                .map(crate::site::url::encode_component)
                .collect();
            out.push_str(&crate::formats::feed::xml(
                &site.config.urls.absolute(&encoded.join("/")),
            ));
            out.push_str("</loc></url>\n");
        }
    }
    out.push_str("</urlset>\n");
    OutFile::text("sitemap.xml", out)
}

pub fn robots(site: &Site) -> OutFile {
    let text = match site.profile {
        Profile::Public => format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            site.config.urls.absolute("sitemap.xml")
        ),
        Profile::Partners => {
            "# 連携医療機関向けサイト: 検索エンジンには載せません\nUser-agent: *\nDisallow: /\n"
                .to_string()
        }
    };
    OutFile::text("robots.txt", text)
}
