//! Step 4 of the pipeline: turn the linked [`Site`] into output files.
//!
//! Every page is a [`Job`]; jobs are independent, so they render in parallel with rayon and are
//! collected in job order, which keeps the output byte-identical whatever the thread count.
//! Templates are parsed once (in [`Theme::load`]); each job only builds a small context.

mod chrome;
pub mod compact;
pub mod context;
pub mod incremental;
mod lists;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use std::collections::BTreeSet;

use crate::collection::{self, for_kind, Collection, Kind};
use crate::diagnostics::{Diagnostic, Diagnostics, Failure, Fatal};

use crate::pipeline::output::{OutFile, Sink};
use crate::search::Reuse;
use crate::site::Site;
use crate::theme::Theme;
use context::{Link, PageCtx};
use lists::{browse, home, list, printable};
pub(crate) use lists::{facet_links, Items};

/// Items per list page. Long lists paginate with stable URLs (`/partners/page/2/`).
pub const PER_PAGE: usize = 50;

/// One page or file to render. Ordered by variant, then fields, so a job list sorts and dedups
/// by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Job {
    Home,
    /// Page `n` (1-based) of a collection's list.
    List(Collection, usize),
    /// Page `page` of one group (地区「中央」) of one facet (地区) of a collection.
    Browse {
        collection: Collection,
        facet: usize,
        group: usize,
        page: usize,
    },
    /// A record's own page.
    Detail(Collection, usize),
    /// The A4 printable directory of partners or care offices.
    Print(Collection),
    /// A record's own page to print ([`Kind::print_page`]): a form renkei draws.
    Printout(Collection, usize),
    Outpatient,
    /// `/contact/`: every desk (窓口) with its numbers and hours.
    Contact,
    /// `/search/`.
    Search,
    NotFound,
}

impl Job {
    /// Whether the job is an HTML page search engines may list.
    fn is_indexed_page(self) -> bool {
        !matches!(self, Job::NotFound | Job::Printout(..))
    }
}

/// Every page of the site, in a fixed order.
pub fn jobs(site: &Site) -> Vec<Job> {
    let mut jobs = vec![Job::Home, Job::Search, Job::NotFound];
    for c in Collection::ALL {
        for_kind!(c, K => {
            jobs.extend(collection::pages::<K>(site));
        });
    }
    if site.outpatient.is_some() {
        jobs.push(Job::Outpatient);
    }
    if !site.config.desks.is_empty() {
        jobs.push(Job::Contact);
    }
    jobs
}

/// The output paths a render wrote.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Every path.
    pub paths: BTreeSet<String>,
    pub derived: Derived,
}

/// The files made from many records at once ([`COLLECTION_FILES`]: exports, calendar, feeds;
/// and the search index).
#[derive(Debug, Default)]
pub struct Derived {
    /// Their paths. A rebuild after an edit makes them again in full: how many there are can
    /// change with any record (the search index's shard count), so the next such rebuild
    /// must not keep one it no longer makes.
    pub paths: Vec<String>,
    /// What the next build needs to reuse the search index ([`crate::search::reuse`]).
    pub search: crate::search::Memo,
}

/// Renders every page and the generated files (vCards, exports, sitemap, robots.txt) into
/// `sink` as each is ready. Returns the output paths written.
/// Template problems go to `diags` (all of them, each once) and end in [`Failure::Content`].
pub fn render_site(
    site: &Site,
    theme: &mut Theme,
    sink: &dyn Sink,
    diags: &Diagnostics,
) -> Result<Rendered, Failure> {
    chrome::set_site(site, theme).map_err(|d| {
        diags.push(d);
        Failure::Content
    })?;
    let theme: &Theme = theme;
    let mut timer = crate::pipeline::timing::Timer::new();
    // The exports, feeds and search index are made while the record pages render: each has
    // steps that run on one core (the search index's gram table, the CSV), which the pages
    // fill. Not beside the list pages, whose shared entries are the render's peak memory.
    let (made, derived) = render_each(site, theme, &jobs(site), sink, diags, || {
        put_collection_files(site, sink, None)
    });
    let (made, derived) = (made?, derived?);
    let mut written = BTreeSet::new();
    let mut indexed = Vec::new();
    for (job, path) in made {
        if job.is_indexed_page() {
            indexed.push(path.clone());
        }
        written.insert(path);
    }
    timer.step("render: pages, exports and the search index");
    written.extend(derived.paths.iter().cloned());
    let mut rest = desk_cards(site);
    rest.push(crate::formats::sitemap::sitemap(site, &indexed));
    rest.push(crate::formats::sitemap::robots(site));
    for f in &rest {
        written.insert(f.path.clone());
    }
    rest.into_par_iter()
        .try_for_each(|f| sink.put(f))
        .map_err(|e| Fatal::output(&e))?;
    Ok(Rendered {
        paths: written,
        derived,
    })
}

/// Makes the [`COLLECTION_FILES`] and the search index into `sink`, each group as it is made,
/// so the exports, the feeds and the index (hundreds of MB at 100k records) are never all in
/// memory. `reuse`: the last build's index, to patch ([`crate::search::reuse`]).
fn put_collection_files(
    site: &Site,
    sink: &dyn Sink,
    reuse: Option<Reuse<'_>>,
) -> Result<Derived, Failure> {
    let mut timer = crate::pipeline::timing::Timer::new();
    let mut paths = Vec::new();
    let mut put = |files: Vec<OutFile>| {
        paths.extend(files.iter().map(|f| f.path.clone()));
        files.into_par_iter().try_for_each(|f| sink.put(f))
    };
    for (name, make) in COLLECTION_FILES {
        make(site, &mut put).map_err(|e| Fatal::output(&e))?;
        timer.step(&format!("render: {name} written"));
    }
    let search =
        crate::search::write_index(site, reuse, &mut put).map_err(|e| Fatal::output(&e))?;
    timer.step("render: search index written");
    Ok(Derived { paths, search })
}

/// Renders only `jobs` and the files made from many records at once (exports, calendar, feeds,
/// search index), for a rebuild after an edit that keeps every other page as it is
/// ([`crate::pipeline::edit`]), patching the last build's search index where `reuse` allows.
/// Returns how many pages were made and the latter files ([`Rendered::derived`]).
pub fn render_edit(
    site: &Site,
    theme: &mut Theme,
    jobs: &[Job],
    sink: &dyn Sink,
    diags: &Diagnostics,
    reuse: Option<Reuse<'_>>,
) -> Result<(usize, Derived), Failure> {
    chrome::set_site(site, theme).map_err(|d| {
        diags.push(d);
        Failure::Content
    })?;
    let mut timer = crate::pipeline::timing::Timer::new();
    let pages = render_jobs(site, theme, jobs, sink, diags)?;
    timer.step("render: pages an edit touches");
    Ok((pages, put_collection_files(site, sink, reuse)?))
}

/// A job's index with the file it made (its path), nothing, or why it stopped.
type JobResult = (usize, Result<Option<(Job, String)>, Stop>);

/// Why one job stopped: the template's problem, or the output's.
enum Stop {
    Template(Diagnostic),
    Output(std::io::Error),
}

/// `contact/<id>.vcf`: each desk's card, beside the page that lists the desks.
fn desk_cards(site: &Site) -> Vec<OutFile> {
    let page = site.config.urls.absolute("contact/");
    site.config
        .desks
        .iter()
        .map(|d| {
            let card = crate::formats::vcard::desk(d, &site.config.hospital, &page);
            OutFile::text(format!("contact/{}.vcf", d.id), card)
        })
        .collect()
}

/// What makes the files derived from many records at once besides the search index (which can
/// reuse the last build's): exports, the seminar calendar and the feeds. One list for the full
/// build (which writes each batch before making the next) and for serve (which wants them
/// all). Each hands its files to the closure it is given, in as many batches as it likes.
type MakeFiles = fn(&Site, &mut Emit) -> std::io::Result<()>;
type Emit<'a> = dyn FnMut(Vec<OutFile>) -> std::io::Result<()> + 'a;
const COLLECTION_FILES: [(&str, MakeFiles); 2] = [
    ("exports", crate::formats::export::exports),
    ("calendar and feeds", |site, emit| emit(feeds(site))),
];

/// Files derived from many records at once (see [`COLLECTION_FILES`]) and the search index.
pub fn collection_files(site: &Site) -> Vec<OutFile> {
    let mut files = Vec::new();
    for (_, make) in COLLECTION_FILES {
        // Collecting into memory cannot fail.
        let _ = make(site, &mut |batch| {
            files.extend(batch);
            Ok(())
        });
    }
    files.extend(crate::search::index_files(site));
    files
}

/// The seminar calendar and the feeds.
fn feeds(site: &Site) -> Vec<OutFile> {
    let mut files = vec![OutFile::text(
        "seminars/seminars.ics",
        crate::formats::ical::feed(site),
    )];
    files.push(OutFile::text(
        "news/atom.xml",
        crate::formats::feed::atom(site),
    ));
    if !site.newsletters.is_empty() {
        files.push(OutFile::text(
            "koho/atom.xml",
            crate::formats::feed::newsletters(site),
        ));
    }
    files
}

/// Renders only `jobs` into `sink` (for `serve` after a single-record edit, and for `build`
/// after an edit). The theme must already hold the site's global context. Returns how many
/// files the jobs made (a form without `generate:` has no page to print).
pub fn render_jobs(
    site: &Site,
    theme: &Theme,
    jobs: &[Job],
    sink: &dyn Sink,
    diags: &Diagnostics,
) -> Result<usize, Failure> {
    render_each(site, theme, jobs, sink, diags, || ())
        .0
        .map(|made| made.len())
}

/// Renders `jobs` in parallel into `sink`, returning each file's job and path in job order.
/// Every template problem is reported, each once, before the render fails. `alongside` runs
/// beside the pages after the list pages, and its result is returned with theirs.
fn render_each<R: Send>(
    site: &Site,
    theme: &Theme,
    jobs: &[Job],
    sink: &dyn Sink,
    diags: &Diagnostics,
    alongside: impl FnOnce() -> R + Send,
) -> (Result<Vec<(Job, String)>, Failure>, R) {
    let headers = chrome::Headers::default();
    let render = |order: &[usize], shown: &Items| -> Vec<JobResult> {
        order
            .par_iter()
            .map(|&i| {
                let job = jobs[i];
                let made = render_job(site, theme, &headers, shown, job)
                    .map_err(Stop::Template)
                    .and_then(|file| {
                        let Some(file) = file else {
                            return Ok(None);
                        };
                        let path = file.path.clone();
                        sink.put(file).map_err(Stop::Output)?;
                        Ok(Some((job, path)))
                    });
                (i, made)
            })
            .collect()
    };
    // The list pages first, sharing each record's list entry ([`Items`]); the entries are
    // freed before the other pages, so that at 100k records (140 MB of them) they are never
    // in memory beside what comes after.
    let (lists, rest): (Vec<usize>, Vec<usize>) = (0..jobs.len())
        .partition(|&i| matches!(jobs[i], Job::List(..) | Job::Browse { .. } | Job::Print(_)));
    let mut timer = crate::pipeline::timing::Timer::new();
    let shown = Items::new(site, theme);
    let mut results = render(&lists, &shown);
    drop(shown);
    timer.step("render: list pages");
    let (rest, beside) = rayon::join(|| render(&rest, &Items::none()), alongside);
    results.extend(rest);
    results.sort_unstable_by_key(|(i, _)| *i);
    (collect_made(results, diags), beside)
}

/// The files `render_each` made, in job order, or its first output error, or every template
/// problem, each once.
fn collect_made(
    results: Vec<JobResult>,
    diags: &Diagnostics,
) -> Result<Vec<(Job, String)>, Failure> {
    let mut made = Vec::new();
    let mut errors = Vec::new();
    for (_, r) in results {
        match r {
            Ok(Some(file)) => made.push(file),
            Ok(None) => {}
            Err(Stop::Template(d)) => {
                if !errors.contains(&d) {
                    errors.push(d);
                }
            }
            Err(Stop::Output(e)) => return Err(Fatal::output(&e).into()),
        }
    }
    if !errors.is_empty() {
        diags.extend(errors);
        return Err(Failure::Content);
    }
    Ok(made)
}

/// The output path of a page at site path `p` (`partners/a/` → `partners/a/index.html`).
fn html_path(p: &str) -> String {
    format!("{p}index.html")
}

fn crumbs(site: &Site, trail: &[(&str, &str)]) -> Vec<Link> {
    let mut out = vec![Link {
        title: "ホーム".into(),
        url: site.config.urls.path(""),
    }];
    out.extend(trail.iter().map(|(t, p)| Link {
        title: t.to_string(),
        url: site.config.urls.path(p),
    }));
    out
}

pub(crate) fn page_ctx(
    site: &Site,
    title: &str,
    description: &str,
    path: &str,
    trail: &[(&str, &str)],
    section: &str,
) -> PageCtx {
    let description = if description.is_empty() {
        format!("{}の{}です。", site.config.title, title)
    } else {
        description.to_string()
    };
    PageCtx {
        title: title.to_string(),
        description,
        url: site.config.urls.path(path),
        canonical: site.config.urls.absolute(path),
        breadcrumbs: crumbs(site, trail),
        section: section.to_string(),
        noindex: false,
    }
}

pub(crate) fn ctx_with(page: &PageCtx, key: &'static str, value: &impl Serialize) -> Context {
    let mut ctx = Context::new();
    ctx.insert("page", page);
    ctx.insert(key, value);
    ctx
}

/// Renders one job; `None` for a record without a page to print.
fn render_job(
    site: &Site,
    theme: &Theme,
    headers: &chrome::Headers,
    shown: &Items,
    job: Job,
) -> Result<Option<OutFile>, Diagnostic> {
    let (path, template, mut ctx) = match job {
        Job::Home => home(site),
        Job::NotFound => {
            let mut page = page_ctx(
                site,
                "ページが見つかりません",
                "お探しのページは見つかりませんでした。",
                "404.html",
                &[],
                "404",
            );
            page.noindex = true;
            let mut ctx = Context::new();
            ctx.insert("page", &page);
            headers.add(site, theme, &mut ctx)?;
            return theme
                .render("404.html", &ctx)
                .map(|html| Some(OutFile::bytes_at("404.html", html)));
        }
        Job::List(c, n) => for_kind!(c, K => list::<K>(site, shown, n))?,
        Job::Browse {
            collection,
            facet,
            group,
            page,
        } => for_kind!(collection, K => browse::<K>(site, shown, facet, group, page))?,
        Job::Print(c) => printable(site, shown, c)?,
        Job::Detail(c, i) => for_kind!(c, K => K::detail(site, i)),
        Job::Printout(c, i) => match for_kind!(c, K => K::print_page(site, i)) {
            Some(parts) => parts,
            None => return Ok(None),
        },
        Job::Search => {
            let mut page = page_ctx(
                site,
                "サイト内検索",
                "医療機関・介護事業所・登録医・研修会を、名前・よみがな・電話番号・診療科・地区から探せます。",
                "search/",
                &[],
                "search",
            );
            page.noindex = true; // result pages are for people, not crawlers
            let ctx = ctx_with(&page, "search", &crate::search::form_options(site));
            (String::from("search/"), "search.html", ctx)
        }
        Job::Outpatient => {
            let page = page_ctx(
                site,
                "外来担当医表",
                "診療科ごとの外来担当医と受付時間、休診・代診のお知らせです。",
                "outpatient/",
                &[],
                "outpatient",
            );
            let mut ctx = ctx_with(&page, "outpatient", &site.outpatient);
            insert_closures(
                &mut ctx,
                crate::records::closures::listed(&site.closures, site.build_date, 90, 8),
            );
            (String::from("outpatient/"), "outpatient.html", ctx)
        }
        Job::Contact => {
            let page = page_ctx(
                site,
                "窓口・お問い合わせ",
                "地域医療連携室、入退院支援、医療福祉相談などの窓口ごとの電話・FAX番号と受付時間です。",
                "contact/",
                &[],
                "contact",
            );
            let ctx = ctx_with(&page, "desks", &site.config.desks);
            (String::from("contact/"), "contact.html", ctx)
        }
    };
    headers.add(site, theme, &mut ctx)?;
    theme
        .render(template, &ctx)
        .map(|html| Some(OutFile::bytes_at(html_path(&path), html)))
}

/// The closures a page lists, and how many of them the build date shows (the rest wait for
/// dates.js), so a template can leave out a section with nothing to show yet.
pub(crate) fn insert_closures(ctx: &mut Context, closures: Vec<crate::records::closures::Listed>) {
    let shown = closures.iter().filter(|c| c.shown).count();
    ctx.insert("closures", &closures);
    ctx.insert("closures_shown", &shown);
}
