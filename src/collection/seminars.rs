//! 研修会・講演会 (`content/seminars/`): training, open conferences, public lectures, meetings.

use chrono::{DateTime, FixedOffset};

use super::{Collection, Kind, PageParts, Record};
use crate::content::fields::Fields;
use crate::load::Content;
use crate::records::directory::browse::Facet;
use crate::records::meta::{LoadCtx, Meta};
use crate::records::seminar::{self, Seminar, SeminarKind, Status};
use crate::render::{ctx_with, page_ctx, Job};
use crate::search::documents::{site_path, titled, Doc, Field};
use crate::site::Site;

/// Where a seminar appears: its dates (order, 年度, upcoming or past), kind, audience and
/// status (the home page shows upcoming ones).
#[derive(Debug, PartialEq, Hash)]
pub struct Shape {
    start: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
    kind: SeminarKind,
    audience: Vec<String>,
    cancelled: bool,
    status: Status,
    fiscal_year: i32,
}

impl Kind for Seminar {
    const COLLECTION: Collection = Collection::Seminars;
    const DIR: &'static str = "seminars";
    const LABEL: &'static str = "研修会・講演会";
    const MENU: Option<&'static str> = Some("研修会");
    const LIST_TEMPLATE: Option<&'static str> = Some("seminars/list.html");
    const BROWSE_TEMPLATE: &'static str = "seminars/browse.html";
    const PRINTABLE: bool = false;
    type Shape = Shape;

    /// Besides the list folders, every 4-digit name is a 年度 page (`seminars/2026/`).
    fn reserved(slug: &str) -> Option<&'static str> {
        if slug.len() == 4 && slug.bytes().all(|b| b.is_ascii_digit()) {
            return Some("<年度>");
        }
        ["page", "kind", "audience"]
            .into_iter()
            .find(|r| *r == slug)
    }

    fn read(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<Self> {
        seminar::read_seminar(f, ctx, meta)
    }

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn shape(&self) -> Shape {
        Shape {
            start: self.start,
            end: self.end,
            kind: self.kind,
            audience: self.audience.clone(),
            cancelled: self.cancelled,
            status: self.status,
            fiscal_year: self.fiscal_year,
        }
    }

    kept_in!(Seminars, seminars);

    fn store(self, content: &mut Content) {
        content.seminars.push(self);
    }

    /// Oldest first; the list pages turn this into upcoming-then-past.
    fn sort(records: &mut [Self]) {
        records.sort_by(|a, b| a.start.cmp(&b.start).then(a.meta.slug.cmp(&b.meta.slug)));
    }

    fn facets(site: &Site) -> &[Facet] {
        &site.seminar_facets
    }

    /// Upcoming first (soonest first), then past ones (newest first).
    fn list_order(site: &Site) -> Vec<usize> {
        let upcoming = |i: &usize| site.seminars[*i].end.date_naive() >= site.build_date;
        let mut order: Vec<usize> = (0..site.seminars.len()).filter(upcoming).collect();
        order.extend((0..site.seminars.len()).rev().filter(|i| !upcoming(i)));
        order
    }

    fn list_item(site: &Site, i: usize) -> tera::Value {
        tera::Value::from_serializable(&site.seminars[i])
    }

    fn detail(site: &Site, i: usize) -> PageParts {
        let s = &site.seminars[i];
        let path = Self::COLLECTION.path(&s.meta.slug);
        let page = page_ctx(
            site,
            &s.title,
            &s.meta.summary,
            &path,
            &[(Self::LABEL, "seminars/")],
            Self::DIR,
        );
        let mut ctx = ctx_with(&page, "seminar", s);
        // 「カレンダーに追加」: the seminar's iCalendar, in the page (`formats::dataurl`).
        if !s.cancelled {
            let calendar = crate::formats::ical::seminar(site, s);
            ctx.insert(
                "ical",
                &crate::formats::dataurl::encode("text/calendar", &calendar),
            );
        }
        (path, "seminars/detail.html", ctx)
    }

    /// The home page shows upcoming seminars.
    fn shown_by(_site: &Site, _i: usize, jobs: &mut Vec<Job>) {
        jobs.push(Job::Home);
    }

    fn search_documents(site: &Site, docs: &mut Vec<Doc>) {
        for s in &site.seminars {
            let sub = format!("{} {}", s.when, s.status_label);
            let path = site_path(site, &s.meta.url);
            let mut d = titled(path, &s.title, "研修会", &sub, &s.meta.body);
            d.text(Field::Keyword, s.kind_label);
            for a in &s.audience_labels {
                d.text(Field::Keyword, a);
            }
            for sp in &s.speakers {
                d.text(Field::People, &sp.name);
                d.text(Field::People, sp.affiliation.as_deref().unwrap_or_default());
            }
            d.text(Field::Body, &s.venue.name);
            docs.push(d);
        }
    }
}
