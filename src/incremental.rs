//! Single-record updates for `renkei serve`: re-render only what depends on the edited record.
//!
//! An edit that leaves a record's *shape* alone (what decides order, grouping and links: its
//! reading, area, 診療科, dates …) cannot move it between pages, so the pages that show it are
//! known: its own page, the list and browse pages it sits on, the pages that reference it (a
//! clinic's 登録医, a pathway's members), the home page for seminars and news, and the files
//! derived from whole collections (exports, calendar, feed). Anything else — a new or deleted
//! file, a changed shape, site.yaml, templates, data files, navigation — goes through the full
//! pipeline, which is always correct. Both paths render with the same `render` code.

use crate::content::Collection;
use crate::load::Record;
use crate::output::Sink;
use crate::render::{self, Job, RenderError, PER_PAGE};
use crate::site::{Member, Site};
use crate::theme::Theme;

/// What decides where a record appears. Equal shapes mean equal positions everywhere.
fn shape(record: &Record) -> String {
    match record {
        Record::Partner(p) => format!(
            "{}|{}|{:?}|{}|{:?}|{:?}|{}",
            p.place.name,
            p.place.yomi,
            p.kind,
            p.place.area,
            p.departments,
            p.services,
            p.registered
        ),
        Record::Care(c) => format!(
            "{}|{}|{}|{:?}",
            c.place.name, c.place.yomi, c.place.area, c.services
        ),
        Record::Doctor(d) => format!("{}|{}|{}", d.name, d.yomi, d.partner),
        Record::Seminar(s) => format!(
            "{}|{}|{:?}|{:?}|{}|{:?}|{}",
            s.start, s.end, s.kind, s.audience, s.cancelled, s.status, s.fiscal_year
        ),
        Record::News(n) => format!("{}|{}|{}", n.date, n.category, n.pinned),
        Record::Pathway(w) => format!(
            "{:?}",
            w.participant_refs
                .iter()
                .map(|(r, _)| r)
                .collect::<Vec<_>>()
        ),
        Record::Page(p) => format!("{}|{:?}|{:?}", p.title, p.nav, p.footer),
    }
}

/// Everything of a record except its Markdown body: when only the body changed, only what
/// shows bodies shows the difference — see [`body_files`].
fn without_body(record: &Record) -> String {
    let value = match record {
        Record::Partner(r) => serde_json::to_value(r),
        Record::Care(r) => serde_json::to_value(r),
        Record::Doctor(r) => serde_json::to_value(r),
        Record::Seminar(r) => serde_json::to_value(r),
        Record::News(r) => serde_json::to_value(r),
        Record::Pathway(r) => serde_json::to_value(r),
        Record::Page(r) => serde_json::to_value(r),
    };
    match value {
        Ok(serde_json::Value::Object(mut map)) => {
            map.remove("body");
            map.remove("summary");
            serde_json::Value::Object(map).to_string()
        }
        _ => String::new(),
    }
}

fn slug_of(record: &Record) -> &str {
    match record {
        Record::Partner(r) => &r.meta.slug,
        Record::Care(r) => &r.meta.slug,
        Record::Doctor(r) => &r.meta.slug,
        Record::Seminar(r) => &r.meta.slug,
        Record::News(r) => &r.meta.slug,
        Record::Pathway(r) => &r.meta.slug,
        Record::Page(r) => &r.meta.slug,
    }
}

/// The list page of item `i` and the browse pages of every group that holds it.
fn list_and_browse(site: &Site, c: Collection, i: usize, jobs: &mut Vec<Job>) {
    jobs.push(Job::List(c, i / PER_PAGE + 1));
    let facets = match c {
        Collection::Partners => &site.partner_facets,
        Collection::Care => &site.care_facets,
        Collection::Seminars => &site.seminar_facets,
        Collection::News => &site.news_facets,
        _ => return,
    };
    for (f, facet) in facets.iter().enumerate() {
        for (g, group) in facet.groups.iter().enumerate() {
            if let Ok(pos) = group.items.binary_search(&i) {
                jobs.push(Job::Browse(c, f, g, pos / PER_PAGE + 1));
            }
        }
    }
}

fn all_list_pages(len: usize, c: Collection, jobs: &mut Vec<Job>) {
    jobs.extend((1..=len.div_ceil(PER_PAGE).max(1)).map(|n| Job::List(c, n)));
}

/// Every page that shows record `i` of collection `c`.
pub fn dependents(site: &Site, c: Collection, i: usize) -> Vec<Job> {
    let mut jobs = Vec::new();
    match c {
        Collection::Partners => {
            jobs.push(Job::Partner(i));
            for &d in &site.doctors_of_partner[i] {
                jobs.push(Job::Doctor(d));
                jobs.push(Job::List(Collection::Doctors, d / PER_PAGE + 1));
            }
            for &w in &site.pathways_of_partner[i] {
                jobs.push(Job::Pathway(w));
            }
            if !site.pathways_of_partner[i].is_empty() {
                all_list_pages(site.pathways.len(), Collection::Pathways, &mut jobs);
            }
            list_and_browse(site, c, i, &mut jobs);
            jobs.push(Job::Print(c));
        }
        Collection::Care => {
            jobs.push(Job::Care(i));
            for &w in &site.pathways_of_care[i] {
                jobs.push(Job::Pathway(w));
            }
            if !site.pathways_of_care[i].is_empty() {
                all_list_pages(site.pathways.len(), Collection::Pathways, &mut jobs);
            }
            list_and_browse(site, c, i, &mut jobs);
            jobs.push(Job::Print(c));
        }
        Collection::Doctors => {
            jobs.push(Job::Doctor(i));
            jobs.push(Job::Partner(site.partner_of_doctor[i]));
            jobs.push(Job::List(c, i / PER_PAGE + 1));
        }
        Collection::Seminars | Collection::News => {
            jobs.push(if c == Collection::Seminars {
                Job::Seminar(i)
            } else {
                Job::News(i)
            });
            jobs.push(Job::Home);
            // Seminar lists put upcoming ones first, so the position is not simply `i`.
            let len = if c == Collection::Seminars {
                site.seminars.len()
            } else {
                site.news.len()
            };
            all_list_pages(len, c, &mut jobs);
            list_and_browse(site, c, i, &mut jobs);
        }
        Collection::Pathways => {
            jobs.push(Job::Pathway(i));
            all_list_pages(site.pathways.len(), c, &mut jobs);
            for m in &site.members_of_pathway[i] {
                jobs.push(match m {
                    Member::Partner(p) => Job::Partner(*p),
                    Member::Care(c) => Job::Care(*c),
                });
            }
        }
        Collection::Pages => jobs.push(Job::Page(i)),
    }
    jobs.sort_unstable();
    jobs.dedup();
    jobs
}

/// The generated files besides the record's own page that carry record bodies: the search
/// index (bodies are searchable, so a body edit must be findable at once) and, for news, the
/// feed. Lists, exports and calendars show no bodies.
fn body_files(site: &Site, collection: Collection) -> Vec<crate::output::OutFile> {
    let mut files = crate::search::index_files(site);
    if collection == Collection::News {
        files.push(crate::output::OutFile::text(
            "news/atom.xml",
            crate::feed::atom(site),
        ));
    }
    files
}

/// Replaces one record in place and re-renders what depends on it: the record's own page is
/// handed to `first` as soon as it is rendered, the rest goes to `sink`. `Ok(None)` means the
/// edit needs the full pipeline (new record, changed shape, navigation).
pub fn apply(
    site: &mut Site,
    theme: &Theme,
    collection: Collection,
    record: Record,
    sink: &dyn Sink,
    first: &dyn Fn(crate::output::Memory),
) -> Result<Option<usize>, RenderError> {
    let slug = slug_of(&record).to_string();
    let mut body_only = false;
    macro_rules! swap {
        ($vec:expr, $variant:path) => {{
            let Some(i) = $vec.iter().position(|r| r.meta.slug == slug) else {
                return Ok(None);
            };
            let $variant(new) = record else {
                return Ok(None);
            };
            let (old, new_record) = ($variant($vec[i].clone()), $variant(new.clone()));
            if shape(&old) != shape(&new_record) {
                return Ok(None);
            }
            body_only = without_body(&old) == without_body(&new_record);
            $vec[i] = new;
            i
        }};
    }

    let (own, jobs, extra) = match collection {
        Collection::Partners => {
            let i = swap!(site.partners, Record::Partner);
            let mut extra = vec![render::vcard_file(site, collection, i)];
            extra.extend(
                site.doctors_of_partner[i]
                    .iter()
                    .map(|&d| render::vcard_file(site, Collection::Doctors, d)),
            );
            (Job::Partner(i), dependents(site, collection, i), extra)
        }
        Collection::Care => {
            let i = swap!(site.care, Record::Care);
            (
                Job::Care(i),
                dependents(site, collection, i),
                vec![render::vcard_file(site, collection, i)],
            )
        }
        Collection::Doctors => {
            let i = swap!(site.doctors, Record::Doctor);
            (
                Job::Doctor(i),
                dependents(site, collection, i),
                vec![render::vcard_file(site, collection, i)],
            )
        }
        Collection::Seminars => {
            let i = swap!(site.seminars, Record::Seminar);
            (
                Job::Seminar(i),
                dependents(site, collection, i),
                vec![render::seminar_ics(site, i)],
            )
        }
        Collection::News => {
            let i = swap!(site.news, Record::News);
            (Job::News(i), dependents(site, collection, i), Vec::new())
        }
        Collection::Pathways => {
            let i = swap!(site.pathways, Record::Pathway);
            (Job::Pathway(i), dependents(site, collection, i), Vec::new())
        }
        Collection::Pages => {
            if slug == "index" {
                let Record::Page(new) = record else {
                    return Ok(None);
                };
                match &site.home {
                    Some(old) if old.title == new.title => site.home = Some(new),
                    _ => return Ok(None),
                }
                (Job::Home, vec![Job::Home], Vec::new())
            } else {
                let i = swap!(site.pages, Record::Page);
                (Job::Page(i), dependents(site, collection, i), Vec::new())
            }
        }
    };
    // A body edit shows only on the record's own page (and in the files of `body_files`).
    let jobs = if body_only { vec![own] } else { jobs };
    // The edited record's own page goes out first: it is the one the editor is looking at, and
    // lists and exports of a large site take longer.
    let own_page = crate::output::Memory::default();
    render::render_jobs(site, theme, &[own], &own_page)?;
    first(own_page);
    let rest: Vec<Job> = jobs.iter().copied().filter(|j| *j != own).collect();
    render::render_jobs(site, theme, &rest, sink)?;
    let files: Vec<crate::output::OutFile> = if body_only {
        body_files(site, collection)
    } else {
        extra
            .into_iter()
            .chain(render::collection_files(site))
            .collect()
    };
    for f in files {
        sink.put(f).map_err(RenderError::Io)?;
    }
    Ok(Some(jobs.len()))
}
