//! Single-record updates for `renkei serve`: re-render only what shows the edited record.
//!
//! An edit that leaves a record's [`Kind::Shape`] alone (what decides order, grouping and
//! links: its reading, area, 診療科, dates …) cannot move it between pages, so the pages that
//! show it are known: [`collection::showing`] lists them from the same facts the full build
//! uses to list every page. Anything else — a new or deleted file, a changed shape, site.yaml,
//! templates, data files — goes through the full pipeline, which is always correct. Both paths
//! render with the same `render` code, and tests/incremental.rs checks that they agree.

use crate::collection::{self, for_kind, Kind, Record};
use crate::diagnostics::{Diagnostics, Failure, Fatal};
use crate::pipeline::output::{Memory, OutFile, Sink};
use crate::render::{self, Job};
use crate::site::Site;
use crate::theme::Theme;

/// Everything of a record except its Markdown body (and the summary taken from it): when only
/// the body changed, only the record's own page and [`body_files`] show the difference.
fn without_body<K: Kind>(record: &K) -> String {
    match serde_json::to_value(record) {
        Ok(serde_json::Value::Object(mut map)) => {
            map.remove("body");
            map.remove("summary");
            serde_json::Value::Object(map).to_string()
        }
        _ => String::new(),
    }
}

/// The generated files besides record pages that carry record bodies: the search index
/// (bodies are searchable, so a body edit must be findable at once) and the news feed
/// (summaries). Lists, exports and calendars show no bodies.
fn body_files(site: &Site) -> Vec<OutFile> {
    let mut files = crate::search::index_files(site);
    files.push(OutFile::text(
        "news/atom.xml",
        crate::formats::feed::atom(site),
    ));
    files
}

/// Replaces one record in place and re-renders what shows it: the record's own page is handed
/// to `first` as soon as it is rendered, the rest goes to `sink`. `Ok(None)` means the edit
/// needs the full pipeline (new record, changed shape). Returns the number of pages rendered.
pub fn apply(
    site: &mut Site,
    theme: &Theme,
    record: Record,
    sink: &dyn Sink,
    first: &dyn Fn(Memory),
    diags: &Diagnostics,
) -> Result<Option<usize>, Failure> {
    let collection = record.collection();
    if let Record::Pages(page) = record {
        if page.meta.slug == "index" {
            return replace_home(site, theme, page, first, diags);
        }
        return replace::<crate::records::page::Page>(
            site,
            theme,
            Record::Pages(page),
            sink,
            first,
            diags,
        );
    }
    for_kind!(collection, K => replace::<K>(site, theme, record, sink, first, diags))
}

fn replace<K: Kind>(
    site: &mut Site,
    theme: &Theme,
    record: Record,
    sink: &dyn Sink,
    first: &dyn Fn(Memory),
    diags: &Diagnostics,
) -> Result<Option<usize>, Failure> {
    let Some(new) = K::from_record(record) else {
        return Ok(None);
    };
    let records = K::all(site);
    let Some(i) = records
        .iter()
        .position(|r| r.meta().slug == new.meta().slug)
    else {
        return Ok(None);
    };
    if records[i].shape() != new.shape() {
        return Ok(None);
    }
    let body_only = without_body(&records[i]) == without_body(&new);
    K::all_mut(site)[i] = new;

    let own = Job::Detail(K::COLLECTION, i);
    let jobs = if body_only {
        vec![own]
    } else {
        collection::showing::<K>(site, i)
    };
    // The edited record's own page goes out first: it is the one the editor is looking at, and
    // lists and exports of a large site take longer.
    let own_page = Memory::default();
    render::render_jobs(site, theme, &[own], &own_page, diags)?;
    first(own_page);
    let rest: Vec<Job> = jobs.iter().copied().filter(|j| *j != own).collect();
    render::render_jobs(site, theme, &rest, sink, diags)?;
    let files = if body_only {
        body_files(site)
    } else {
        render::collection_files(site)
    };
    for f in files {
        sink.put(f).map_err(|e| Fatal::output(&e))?;
    }
    Ok(Some(jobs.len()))
}

/// `pages/index.md` is the home page's text: only the home page and the search index show it.
/// Its title is the home page's heading in every menu, so a new title takes the full pipeline.
fn replace_home(
    site: &mut Site,
    theme: &Theme,
    page: crate::records::page::Page,
    first: &dyn Fn(Memory),
    diags: &Diagnostics,
) -> Result<Option<usize>, Failure> {
    match &site.home {
        Some(old) if old.title == page.title => site.home = Some(page),
        _ => return Ok(None),
    }
    let home = Memory::default();
    render::render_jobs(site, theme, &[Job::Home], &home, diags)?;
    first(home);
    Ok(Some(1))
}
