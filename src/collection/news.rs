//! お知らせ (`content/news/`): dated notices with categories, pinned items and attachments.

use chrono::NaiveDate;

use super::{Collection, Kind, PageParts, Record};
use crate::content::fields::Fields;
use crate::load::Content;
use crate::records::directory::browse::Facet;
use crate::records::meta::{LoadCtx, Meta};
use crate::records::news::{self, News};
use crate::render::{ctx_with, page_ctx, Job};
use crate::search::documents::{site_path, titled, Doc, Field};
use crate::site::Site;

/// Where a notice appears: its date and pin (order), and its category.
#[derive(Debug, PartialEq, Hash)]
pub struct Shape {
    date: NaiveDate,
    category: String,
    pinned: bool,
}

impl Kind for News {
    const COLLECTION: Collection = Collection::News;
    const DIR: &'static str = "news";
    const LABEL: &'static str = "お知らせ";
    const MENU: Option<&'static str> = Some("お知らせ");
    const LIST_TEMPLATE: Option<&'static str> = Some("news/list.html");
    const BROWSE_TEMPLATE: &'static str = "news/browse.html";
    const PRINTABLE: bool = false;
    type Shape = Shape;

    fn reserved(slug: &str) -> Option<&'static str> {
        ["page", "category"].into_iter().find(|r| *r == slug)
    }

    fn read(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<Self> {
        news::read_news(f, ctx, meta)
    }

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn shape(&self) -> Shape {
        Shape {
            date: self.date,
            category: self.category.clone(),
            pinned: self.pinned,
        }
    }

    kept_in!(News, news);

    fn store(self, content: &mut Content) {
        content.news.push(self);
    }

    fn sort(records: &mut [Self]) {
        news::sort(records);
    }

    fn facets(site: &Site) -> &[Facet] {
        &site.news_facets
    }

    fn list_item(site: &Site, i: usize) -> tera::Value {
        tera::Value::from_serializable(&site.news[i])
    }

    fn detail(site: &Site, i: usize) -> PageParts {
        let n = &site.news[i];
        let path = Self::COLLECTION.path(&n.meta.slug);
        let page = page_ctx(
            site,
            &n.title,
            &n.meta.summary,
            &path,
            &[(Self::LABEL, "news/")],
            Self::DIR,
        );
        (path, "news/detail.html", ctx_with(&page, "news", n))
    }

    /// The home page shows the latest notices.
    fn shown_by(_site: &Site, _i: usize, jobs: &mut Vec<Job>) {
        jobs.push(Job::Home);
    }

    fn search_documents(site: &Site, docs: &mut Vec<Doc>) {
        for n in &site.news {
            let path = site_path(site, &n.meta.url);
            let mut d = titled(path, &n.title, "お知らせ", &n.date_ja, &n.meta.body);
            d.text(Field::Keyword, &n.category);
            docs.push(d);
        }
    }
}
