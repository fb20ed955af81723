//! What a collection is: the record folders of `content/`, and everything the pipeline knows
//! about each one.
//!
//! Each collection is one module here implementing [`Kind`]: its folder and label, its reader,
//! the URL of its records, how it is sorted, the pages it renders, its search documents and
//! which pages of other collections show its records. The pipeline reaches a collection only
//! through [`Kind`], by way of [`for_kind!`] — the one `match` over collections — so adding a
//! collection is a line in [`Collection`], [`Collection::ALL`], [`Record`] and [`for_kind!`], a
//! field in `Content` and `Site`, a module here, its templates and its docs; the compiler names
//! every place still missing except `ALL` and the sort in `site::link`.

/// The [`Kind`] methods that only say where a collection's records are kept: its [`Record`]
/// variant and its `Site` field.
macro_rules! kept_in {
    ($variant:ident, $field:ident) => {
        fn into_record(self) -> Record {
            Record::$variant(self)
        }

        fn from_record(record: Record) -> Option<Self> {
            match record {
                Record::$variant(r) => Some(r),
                _ => None,
            }
        }

        fn all(site: &Site) -> &[Self] {
            &site.$field
        }

        fn all_mut(site: &mut Site) -> &mut Vec<Self> {
            &mut site.$field
        }
    };
}

pub mod care;
pub mod doctors;
pub mod equipment;
pub mod forms;
pub mod news;
pub mod newsletters;
pub mod pages;
pub mod partners;
pub mod pathways;
pub mod seminars;

use serde::Serialize;
use tera::Context;

use crate::content::fields::Fields;
use crate::load::Content;
use crate::records::directory::browse::Facet;
use crate::records::meta::{LoadCtx, Meta};
use crate::render::{Job, PER_PAGE};
use crate::search::documents::Doc;
use crate::site::Site;

/// The record folders of `content/`, in the order the site presents them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Collection {
    Partners,
    Care,
    Doctors,
    Seminars,
    News,
    Pathways,
    Forms,
    Equipment,
    Newsletters,
    Pages,
}

/// A record of any collection, as read from its file.
#[derive(Debug, Clone)]
pub enum Record {
    Partners(crate::records::directory::Partner),
    Care(crate::records::directory::CareOffice),
    Doctors(crate::records::directory::Doctor),
    Seminars(crate::records::seminar::Seminar),
    News(crate::records::news::News),
    Pathways(crate::records::pathway::Pathway),
    Forms(crate::records::form::Form),
    Equipment(crate::records::equipment::Equipment),
    Newsletters(crate::records::newsletter::Newsletter),
    Pages(crate::records::page::Page),
}

/// Runs `$body` with `$k` naming the record type of `$collection`: the one place that turns a
/// [`Collection`] value into its [`Kind`].
#[macro_export]
macro_rules! for_kind {
    ($collection:expr, $k:ident => $body:expr) => {
        match $collection {
            $crate::collection::Collection::Partners => {
                type $k = $crate::records::directory::Partner;
                $body
            }
            $crate::collection::Collection::Care => {
                type $k = $crate::records::directory::CareOffice;
                $body
            }
            $crate::collection::Collection::Doctors => {
                type $k = $crate::records::directory::Doctor;
                $body
            }
            $crate::collection::Collection::Seminars => {
                type $k = $crate::records::seminar::Seminar;
                $body
            }
            $crate::collection::Collection::News => {
                type $k = $crate::records::news::News;
                $body
            }
            $crate::collection::Collection::Pathways => {
                type $k = $crate::records::pathway::Pathway;
                $body
            }
            $crate::collection::Collection::Forms => {
                type $k = $crate::records::form::Form;
                $body
            }
            $crate::collection::Collection::Equipment => {
                type $k = $crate::records::equipment::Equipment;
                $body
            }
            $crate::collection::Collection::Newsletters => {
                type $k = $crate::records::newsletter::Newsletter;
                $body
            }
            $crate::collection::Collection::Pages => {
                type $k = $crate::records::page::Page;
                $body
            }
        }
    };
}
pub use for_kind;

/// A page ready to render: its site path (`partners/sakura/`), template and context.
pub type PageParts = (String, &'static str, Context);

/// Everything the pipeline knows about one collection. No method has a default: a new
/// collection decides each of them.
pub trait Kind: Sized + Clone + Serialize + Send + Sync + 'static {
    const COLLECTION: Collection;
    /// Folder under `content/`, also the URL segment (except pages, served at the root).
    const DIR: &'static str;
    /// Japanese name, for headings, breadcrumbs and summaries.
    const LABEL: &'static str;
    /// The main menu's entry for its list (「医療機関を探す」), if it has one.
    const MENU: Option<&'static str>;
    /// Template of its list pages; `None` when it has none (pages are reached from the menu).
    const LIST_TEMPLATE: Option<&'static str>;
    /// Template of its browse pages (one per facet group).
    const BROWSE_TEMPLATE: &'static str;
    /// The partial that draws one record in its lists, if its lists draw each record the same
    /// way wherever it appears. It is rendered once per record, seeing `item` and `site`, and
    /// list pages get it as `item.html` ([`crate::render::Items`]).
    const LIST_ENTRY: Option<&'static str> = None;
    /// Whether it has an A4 printable directory (`partners/print/`).
    const PRINTABLE: bool;
    /// Whether some of its records have a page to print of their own ([`Kind::print_page`]).
    const PRINT_PAGES: bool = false;
    /// A collection many sites do not use (forms, equipment, 広報誌): without records it has no
    /// list page either, rather than an empty one.
    const OPTIONAL: bool = false;
    /// What decides where a record appears — order, grouping and links. Equal shapes mean
    /// equal positions everywhere, which is what lets `serve` re-render only a record's pages,
    /// and `build` too: the record of the last build keeps a hash of each shape
    /// (`pipeline::edit`), so every field of a shape must take part in its `Hash` (derive it).
    type Shape: PartialEq + std::hash::Hash;

    /// The folder of its generated pages (`partners/area/…`, `news/page/2/`) that a record
    /// named `slug` would collide with, if any.
    fn reserved(slug: &str) -> Option<&'static str>;
    /// Reads the fields of one file; `meta` is already read.
    fn read(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<Self>;
    fn meta(&self) -> &Meta;
    fn shape(&self) -> Self::Shape;
    fn into_record(self) -> Record;
    fn from_record(record: Record) -> Option<Self>;
    /// Puts a loaded record where the site model expects it.
    fn store(self, content: &mut Content);
    /// The collection's records in the linked site, in site order.
    fn all(site: &Site) -> &[Self];
    fn all_mut(site: &mut Site) -> &mut Vec<Self>;
    /// The order records are presented in (五十音, newest first …).
    fn sort(records: &mut [Self]);

    /// Its browse facets (地区, 種別, 年度 …), built by the site model.
    fn facets(site: &Site) -> &[Facet];
    /// Record indexes in the order its list pages show them: site order unless said otherwise.
    fn list_order(site: &Site) -> Vec<usize> {
        (0..Self::all(site).len()).collect()
    }
    /// Record `i` as its list and browse pages show it, as a template value. Made once per
    /// build and shared by every list page the record is on ([`crate::render::Items`]).
    fn list_item(site: &Site, i: usize) -> tera::Value;
    /// What its list and browse pages show besides their records (the pathway matrix).
    fn list_extras(_site: &Site, _ctx: &mut Context) {}
    /// The record's own page.
    fn detail(site: &Site, i: usize) -> PageParts;
    /// A record's page to print (`forms/<slug>/print/`: a form renkei draws), if it has one.
    fn print_page(_site: &Site, _i: usize) -> Option<PageParts> {
        None
    }
    /// Pages and files of *other* records that show record `i`: a clinic's 登録医, a pathway's
    /// members, the home page's latest news.
    fn shown_by(site: &Site, i: usize, jobs: &mut Vec<Job>);
    /// Its documents in the search index.
    fn search_documents(site: &Site, docs: &mut Vec<Doc>);
}

impl Collection {
    pub const ALL: [Collection; 10] = [
        Collection::Partners,
        Collection::Care,
        Collection::Doctors,
        Collection::Seminars,
        Collection::News,
        Collection::Pathways,
        Collection::Forms,
        Collection::Equipment,
        Collection::Newsletters,
        Collection::Pages,
    ];

    pub fn dir(self) -> &'static str {
        for_kind!(self, K => K::DIR)
    }

    pub fn label(self) -> &'static str {
        for_kind!(self, K => K::LABEL)
    }

    /// The collection whose folder is `dir`.
    pub fn from_dir(dir: &str) -> Option<Collection> {
        Collection::ALL.into_iter().find(|c| c.dir() == dir)
    }

    /// URL path of a record inside the site (`partners/sakura/`; pages at the root).
    pub fn path(self, slug: &str) -> String {
        match self {
            Collection::Pages if slug == "index" => String::new(),
            Collection::Pages => format!("{slug}/"),
            other => format!("{}/{slug}/", other.dir()),
        }
    }

    /// The generated folder `slug` would collide with, if any.
    pub fn reserved(self, slug: &str) -> Option<&'static str> {
        for_kind!(self, K => K::reserved(slug))
    }

    /// Number of records in the linked site.
    pub fn len(self, site: &Site) -> usize {
        for_kind!(self, K => K::all(site).len())
    }
}

impl Record {
    pub fn collection(&self) -> Collection {
        match self {
            Record::Partners(_) => Collection::Partners,
            Record::Care(_) => Collection::Care,
            Record::Doctors(_) => Collection::Doctors,
            Record::Seminars(_) => Collection::Seminars,
            Record::News(_) => Collection::News,
            Record::Pathways(_) => Collection::Pathways,
            Record::Forms(_) => Collection::Forms,
            Record::Equipment(_) => Collection::Equipment,
            Record::Newsletters(_) => Collection::Newsletters,
            Record::Pages(_) => Collection::Pages,
        }
    }

    pub fn meta(&self) -> &Meta {
        match self {
            Record::Partners(r) => &r.meta,
            Record::Care(r) => &r.meta,
            Record::Doctors(r) => &r.meta,
            Record::Seminars(r) => &r.meta,
            Record::News(r) => &r.meta,
            Record::Pathways(r) => &r.meta,
            Record::Forms(r) => &r.meta,
            Record::Equipment(r) => &r.meta,
            Record::Newsletters(r) => &r.meta,
            Record::Pages(r) => &r.meta,
        }
    }
}

/// Every page a collection renders, in a fixed order: list pages, browse pages, record pages
/// and the printable directory.
pub fn pages<K: Kind>(site: &Site) -> Vec<Job> {
    let c = K::COLLECTION;
    let mut jobs = Vec::new();
    if K::LIST_TEMPLATE.is_some() && !(K::OPTIONAL && K::all(site).is_empty()) {
        let pages = K::all(site).len().div_ceil(PER_PAGE).max(1);
        jobs.extend((1..=pages).map(|page| Job::List(c, page)));
    }
    for (facet, f) in K::facets(site).iter().enumerate() {
        for (group, g) in f.groups.iter().enumerate() {
            let pages = g.items.len().div_ceil(PER_PAGE).max(1);
            jobs.extend((1..=pages).map(|page| Job::Browse {
                collection: c,
                facet,
                group,
                page,
            }));
        }
    }
    jobs.extend((0..K::all(site).len()).map(|i| Job::Detail(c, i)));
    if K::PRINT_PAGES {
        jobs.extend((0..K::all(site).len()).map(|i| Job::Printout(c, i)));
    }
    if K::PRINTABLE {
        jobs.push(Job::Print(c));
    }
    jobs
}

/// Every page that shows record `i` of `K`: its own page (with its vCard or iCalendar), the list
/// and browse pages it sits on, its printable directory and what [`Kind::shown_by`] adds.
/// Built from the same facts as [`pages`], which is what keeps `serve`'s single-record
/// updates equal to a full build (tests/incremental.rs checks it).
pub fn showing<K: Kind>(site: &Site, i: usize) -> Vec<Job> {
    let c = K::COLLECTION;
    let mut jobs = vec![Job::Detail(c, i)];
    if K::PRINT_PAGES {
        jobs.push(Job::Printout(c, i));
    }
    if K::LIST_TEMPLATE.is_some() {
        if let Some(pos) = K::list_order(site).iter().position(|&j| j == i) {
            jobs.push(Job::List(c, pos / PER_PAGE + 1));
        }
    }
    for (facet, f) in K::facets(site).iter().enumerate() {
        for (group, g) in f.groups.iter().enumerate() {
            if let Ok(pos) = g.items.binary_search(&i) {
                jobs.push(Job::Browse {
                    collection: c,
                    facet,
                    group,
                    page: pos / PER_PAGE + 1,
                });
            }
        }
    }
    if K::PRINTABLE {
        jobs.push(Job::Print(c));
    }
    K::shown_by(site, i, &mut jobs);
    jobs.sort_unstable();
    jobs.dedup();
    jobs
}

/// Every list page of collection `c` (for what every list page shows, like the pathway matrix).
pub fn all_list_pages(site: &Site, c: Collection, jobs: &mut Vec<Job>) {
    let pages = c.len(site).div_ceil(PER_PAGE).max(1);
    jobs.extend((1..=pages).map(|page| Job::List(c, page)));
}

/// Every collection's search documents, in collection order.
pub fn search_documents(site: &Site) -> Vec<Doc> {
    let mut docs = Vec::new();
    for c in Collection::ALL {
        for_kind!(c, K => K::search_documents(site, &mut docs));
    }
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_paths() {
        for c in Collection::ALL {
            assert_eq!(Collection::from_dir(c.dir()), Some(c));
        }
        assert_eq!(Collection::Partners.path("sakura"), "partners/sakura/");
        assert_eq!(Collection::Pages.path("access"), "access/");
        assert_eq!(Collection::Pages.path("index"), "");
        assert_eq!(Collection::News.reserved("category"), Some("category"));
        assert_eq!(Collection::News.reserved("fax-hours"), None);
    }

    #[test]
    fn records_know_their_collection() {
        for c in Collection::ALL {
            let dir = for_kind!(c, K => K::DIR);
            assert_eq!(dir, c.dir());
            let label = for_kind!(c, K => K::COLLECTION);
            assert_eq!(label, c);
        }
    }
}
