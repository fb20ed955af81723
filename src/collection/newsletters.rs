//! 広報誌 (`content/koho/`): the newsletter's issues, newest first, with a 年度 archive, an Atom
//! feed (`/koho/atom.xml`) and the latest issue on the home page.

use chrono::NaiveDate;

use super::{Collection, Kind, PageParts, Record};
use crate::content::fields::Fields;
use crate::load::Content;
use crate::records::directory::browse::{facet_from, Facet};
use crate::records::meta::{LoadCtx, Meta};
use crate::records::newsletter::{self, Cover, Newsletter};
use crate::render::{ctx_with, page_ctx, Job};
use crate::search::documents::{site_path, titled, Doc, Field};
use crate::site::Site;

/// What lists, the archive, the feed and the home page show of an issue.
#[derive(Debug, PartialEq, Hash)]
pub struct Shape {
    title: String,
    number: i64,
    issued: NaiveDate,
    contents: Vec<String>,
    cover: Option<Cover>,
    pdf: String,
}

impl Kind for Newsletter {
    const COLLECTION: Collection = Collection::Newsletters;
    const DIR: &'static str = "koho";
    const LABEL: &'static str = "広報誌";
    const MENU: Option<&'static str> = None;
    const LIST_TEMPLATE: Option<&'static str> = Some("koho/list.html");
    const BROWSE_TEMPLATE: &'static str = "koho/list.html";
    const PRINTABLE: bool = false;
    const OPTIONAL: bool = true;
    type Shape = Shape;

    /// `page`, and four-digit years: `/koho/2026/` is a 年度 of the archive.
    fn reserved(slug: &str) -> Option<&'static str> {
        if slug.len() == 4 && slug.chars().all(|c| c.is_ascii_digit()) {
            return Some("<年度>");
        }
        ["page"].into_iter().find(|r| *r == slug)
    }

    fn read(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<Self> {
        newsletter::read_newsletter(f, ctx, meta)
    }

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn shape(&self) -> Shape {
        Shape {
            title: self.title.clone(),
            number: self.number,
            issued: self.issued,
            contents: self.contents.clone(),
            cover: self.cover.clone(),
            pdf: self.pdf.url.clone(),
        }
    }

    kept_in!(Newsletters, newsletters);

    fn store(self, content: &mut Content) {
        content.newsletters.push(self);
    }

    fn sort(records: &mut [Self]) {
        newsletter::sort(records);
    }

    fn facets(site: &Site) -> &[Facet] {
        &site.newsletter_facets
    }

    fn list_item(site: &Site, i: usize) -> tera::Value {
        tera::Value::from_serializable(&site.newsletters[i])
    }

    fn detail(site: &Site, i: usize) -> PageParts {
        let n = &site.newsletters[i];
        let path = Self::COLLECTION.path(&n.meta.slug);
        let page = page_ctx(
            site,
            &n.title,
            &n.meta.summary,
            &path,
            &[(Self::LABEL, "koho/")],
            Self::DIR,
        );
        (path, "koho/detail.html", ctx_with(&page, "issue", n))
    }

    /// The home page shows the latest issue.
    fn shown_by(_site: &Site, i: usize, jobs: &mut Vec<Job>) {
        if i == 0 {
            jobs.push(Job::Home);
        }
    }

    fn search_documents(site: &Site, docs: &mut Vec<Doc>) {
        for n in &site.newsletters {
            let path = site_path(site, &n.meta.url);
            let mut d = titled(path, &n.title, "お知らせ", &n.issued_ja, &n.meta.body);
            d.text(Field::Keyword, "広報誌");
            for c in &n.contents {
                d.text(Field::Body, c);
            }
            docs.push(d);
        }
    }
}

/// The 年度 archive: `/koho/<年度>/`, newest first.
pub fn facets(config: &crate::config::SiteConfig, items: &[Newsletter]) -> Vec<Facet> {
    let mut years: Vec<(i32, String)> = items
        .iter()
        .map(|n| (n.fiscal_year, n.fiscal_year_ja.clone()))
        .collect();
    years.sort_by_key(|y| std::cmp::Reverse(y.0));
    years.dedup();
    let groups = years
        .into_iter()
        .map(|(y, label)| {
            let idx = items
                .iter()
                .enumerate()
                .filter(|(_, n)| n.fiscal_year == y)
                .map(|(i, _)| i)
                .collect();
            (label, format!("koho/{y}/"), idx)
        })
        .collect();
    vec![facet_from(config, "year", "年度から探す", groups)]
}
