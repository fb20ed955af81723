//! Plain pages (`content/pages/`): 紹介受診の流れ, 退院支援, アクセス …, served at the root, and
//! `index.md`, the home page's own text.

use super::{Collection, Kind, PageParts, Record};
use crate::content::fields::Fields;
use crate::load::Content;
use crate::records::directory::browse::Facet;
use crate::records::meta::{LoadCtx, Meta};
use crate::records::page::{self, Page};
use crate::render::{ctx_with, page_ctx, Job};
use crate::search::documents::{site_path, titled, Doc};
use crate::site::Site;

/// Where a page appears besides its own URL: every page's menu and footer, by title.
#[derive(Debug, PartialEq, Hash)]
pub struct Shape {
    title: String,
    nav: Option<i64>,
    footer: Option<i64>,
}

/// Root folders and files the site writes besides the collections' own.
const GENERATED: &[&str] = &[
    "search",
    "data",
    "assets",
    "page",
    "sitemap.xml",
    "robots.txt",
    "404",
    "feed",
    "outpatient",
    "contact",
];

impl Kind for Page {
    const COLLECTION: Collection = Collection::Pages;
    const DIR: &'static str = "pages";
    const LABEL: &'static str = "ページ";
    const MENU: Option<&'static str> = None;
    const LIST_TEMPLATE: Option<&'static str> = None;
    const BROWSE_TEMPLATE: &'static str = "browse.html";
    const PRINTABLE: bool = false;
    type Shape = Shape;

    /// Pages live at the root, beside every collection's folder and the generated files.
    fn reserved(slug: &str) -> Option<&'static str> {
        Collection::ALL
            .into_iter()
            .map(Collection::dir)
            .chain(GENERATED.iter().copied())
            .find(|r| *r == slug)
    }

    fn read(f: &mut Fields, _ctx: &LoadCtx, meta: Meta) -> Option<Self> {
        page::read_page(f, meta)
    }

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn shape(&self) -> Shape {
        Shape {
            title: self.title.clone(),
            nav: self.nav,
            footer: self.footer,
        }
    }

    kept_in!(Pages, pages);

    /// `index.md` is the home page's text, not a page of its own.
    fn store(self, content: &mut Content) {
        if self.meta.slug == "index" {
            content.home = Some(self);
        } else {
            content.pages.push(self);
        }
    }

    /// Menu order, then slug.
    fn sort(records: &mut [Self]) {
        records.sort_by(|a, b| {
            (a.nav.is_none(), a.nav, &a.meta.slug).cmp(&(b.nav.is_none(), b.nav, &b.meta.slug))
        });
    }

    fn facets(_site: &Site) -> &[Facet] {
        &[]
    }

    fn list_order(_site: &Site) -> Vec<usize> {
        Vec::new()
    }

    /// Pages have no list; a page as a value all the same.
    fn list_item(site: &Site, i: usize) -> tera::Value {
        tera::Value::from_serializable(&site.pages[i])
    }

    fn detail(site: &Site, i: usize) -> PageParts {
        let p = &site.pages[i];
        let path = Self::COLLECTION.path(&p.meta.slug);
        let description = p
            .summary_text
            .clone()
            .unwrap_or_else(|| p.meta.summary.clone());
        let page = page_ctx(site, &p.title, &description, &path, &[], &p.meta.slug);
        (path, "page.html", ctx_with(&page, "content", p))
    }

    /// Only its own page: its title in every menu and footer is part of its shape.
    fn shown_by(_site: &Site, _i: usize, _jobs: &mut Vec<Job>) {}

    fn search_documents(site: &Site, docs: &mut Vec<Doc>) {
        for p in &site.pages {
            let path = site_path(site, &p.meta.url);
            docs.push(titled(path, &p.title, "ご案内", "", &p.meta.body));
        }
    }
}
