//! Step 4 of the pipeline: turn the linked [`Site`] into output files.
//!
//! Every page is a [`Job`]; jobs are independent, so they render in parallel with rayon and are
//! collected in job order, which keeps the output byte-identical whatever the thread count.
//! Templates are parsed once (in [`Theme::load`]); each job only builds a small context.

pub mod context;
mod lists;
mod sitemap;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::content::Collection;
use crate::diagnostics::Diagnostic;
use std::collections::BTreeSet;

use crate::output::{OutFile, Sink};
use crate::site::Site;
use crate::theme::Theme;
use context::{doctor_item, member_item, partner_item, site_ctx, Link, PageCtx};
use lists::{browse, facet_links, facets_of, home, list, printable};

/// Items per list page. Long lists paginate with stable URLs (`/partners/page/2/`).
pub const PER_PAGE: usize = 50;

/// One page to render. Ordered by variant, then fields, so a job list sorts and dedups by
/// value (it was once sorted by its `Debug` text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Job {
    Home,
    List(Collection, usize),
    Partner(usize),
    Care(usize),
    Doctor(usize),
    Seminar(usize),
    News(usize),
    Pathway(usize),
    /// A browse page: collection, facet, group, page number.
    Browse(Collection, usize, usize, usize),
    Page(usize),
    /// The A4 printable directory of partners or care offices.
    Print(Collection),
    Outpatient,
    /// `/search/`.
    Search,
    NotFound,
}

fn list_len(site: &Site, c: Collection) -> usize {
    match c {
        Collection::Partners => site.partners.len(),
        Collection::Care => site.care.len(),
        Collection::Doctors => site.doctors.len(),
        Collection::Seminars => site.seminars.len(),
        Collection::News => site.news.len(),
        Collection::Pathways => site.pathways.len(),
        Collection::Pages => 0,
    }
}

/// Every page of the site, in a fixed order.
pub fn jobs(site: &Site) -> Vec<Job> {
    let mut jobs = vec![Job::Home, Job::Search, Job::NotFound];
    for c in Collection::ALL {
        if c == Collection::Pages {
            continue;
        }
        let pages = list_len(site, c).div_ceil(PER_PAGE).max(1);
        jobs.extend((1..=pages).map(|n| Job::List(c, n)));
    }
    for c in [
        Collection::Partners,
        Collection::Care,
        Collection::Seminars,
        Collection::News,
    ] {
        for (f, facet) in facets_of(site, c).iter().enumerate() {
            for (g, group) in facet.groups.iter().enumerate() {
                let pages = group.items.len().div_ceil(PER_PAGE).max(1);
                jobs.extend((1..=pages).map(|n| Job::Browse(c, f, g, n)));
            }
        }
    }
    jobs.extend((0..site.partners.len()).map(Job::Partner));
    jobs.extend((0..site.care.len()).map(Job::Care));
    jobs.extend((0..site.doctors.len()).map(Job::Doctor));
    jobs.extend((0..site.seminars.len()).map(Job::Seminar));
    jobs.extend((0..site.news.len()).map(Job::News));
    jobs.extend((0..site.pathways.len()).map(Job::Pathway));
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs.extend([
        Job::Print(Collection::Partners),
        Job::Print(Collection::Care),
    ]);
    if site.outpatient.is_some() {
        jobs.push(Job::Outpatient);
    }
    jobs
}

/// Why rendering stopped.
#[derive(Debug)]
pub enum RenderError {
    /// Template problems, with template file and line.
    Templates(Vec<Diagnostic>),
    /// The sink could not take a file (disk full, permissions).
    Io(std::io::Error),
}

/// Renders every page and the generated files (vCards, exports, sitemap, robots.txt) into
/// `sink` as each is ready. Returns the output paths written.
pub fn render_site(
    site: &Site,
    theme: &mut Theme,
    sink: &dyn Sink,
) -> Result<BTreeSet<String>, RenderError> {
    theme.set_global("site", &site_ctx(site));
    let theme: &Theme = theme;
    let jobs = jobs(site);
    let results: Vec<Result<(Job, String), RenderError>> = jobs
        .par_iter()
        .map(|job| {
            let file =
                render_job(site, theme, *job).map_err(|d| RenderError::Templates(vec![d]))?;
            let path = file.path.clone();
            sink.put(file).map_err(RenderError::Io)?;
            Ok((*job, path))
        })
        .collect();
    let mut written = BTreeSet::new();
    let mut indexed = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok((job, path)) => {
                if !matches!(job, Job::NotFound) {
                    indexed.push(path.clone());
                }
                written.insert(path);
            }
            Err(RenderError::Templates(ds)) => {
                for d in ds {
                    if !errors.contains(&d) {
                        errors.push(d);
                    }
                }
            }
            Err(io) => return Err(io),
        }
    }
    if !errors.is_empty() {
        return Err(RenderError::Templates(errors));
    }
    let mut generated: Vec<OutFile> = vcards(site).collect();
    generated.extend(collection_files(site));
    generated.extend((0..site.seminars.len()).map(|i| seminar_ics(site, i)));
    generated.push(sitemap::sitemap(site, &indexed));
    generated.push(sitemap::robots(site));
    for f in &generated {
        written.insert(f.path.clone());
    }
    generated
        .into_par_iter()
        .try_for_each(|f| sink.put(f))
        .map_err(RenderError::Io)?;
    Ok(written)
}

/// `contact.vcf` beside every directory page (「連絡先に保存」).
fn vcards(site: &Site) -> impl ParallelIterator<Item = OutFile> + '_ {
    let partners = (0..site.partners.len())
        .into_par_iter()
        .map(move |i| vcard_file(site, Collection::Partners, i));
    let care = (0..site.care.len())
        .into_par_iter()
        .map(move |i| vcard_file(site, Collection::Care, i));
    let doctors = (0..site.doctors.len())
        .into_par_iter()
        .map(move |i| vcard_file(site, Collection::Doctors, i));
    partners.chain(care).chain(doctors)
}

/// `contact.vcf` of one directory record (`collection` is partners, care or doctors).
pub fn vcard_file(site: &Site, collection: Collection, i: usize) -> OutFile {
    let urls = &site.config.urls;
    let (slug, text) = match collection {
        Collection::Partners => {
            let p = &site.partners[i];
            let page = crate::load::record_path(collection, &p.meta.slug);
            (
                &p.meta.slug,
                crate::vcard::partner(p, &urls.absolute(&page)),
            )
        }
        Collection::Care => {
            let c = &site.care[i];
            let page = crate::load::record_path(collection, &c.meta.slug);
            (&c.meta.slug, crate::vcard::care(c, &urls.absolute(&page)))
        }
        _ => {
            let d = &site.doctors[i];
            let page = crate::load::record_path(Collection::Doctors, &d.meta.slug);
            let clinic = &site.partners[site.partner_of_doctor[i]];
            (
                &d.meta.slug,
                crate::vcard::doctor(d, clinic, &urls.absolute(&page)),
            )
        }
    };
    let collection = if matches!(collection, Collection::Partners | Collection::Care) {
        collection
    } else {
        Collection::Doctors
    };
    OutFile::text(
        format!("{}contact.vcf", crate::load::record_path(collection, slug)),
        text,
    )
}

/// `seminar.ics` of one seminar.
pub fn seminar_ics(site: &Site, i: usize) -> OutFile {
    let s = &site.seminars[i];
    let page = crate::load::record_path(Collection::Seminars, &s.meta.slug);
    OutFile::text(format!("{page}seminar.ics"), crate::ical::seminar(site, s))
}

/// Files derived from many records at once: exports, the seminar calendar and the news feed.
pub fn collection_files(site: &Site) -> Vec<OutFile> {
    let mut files = crate::export::exports(site);
    files.push(OutFile::text(
        "seminars/seminars.ics",
        crate::ical::feed(site),
    ));
    files.push(OutFile::text("news/atom.xml", crate::feed::atom(site)));
    files.extend(crate::search::index_files(site));
    files
}

/// Renders only `jobs` into `sink` (for `serve`, after a single-record edit). The theme must
/// already hold the site's global context from a full [`render_site`].
pub fn render_jobs(
    site: &Site,
    theme: &Theme,
    jobs: &[Job],
    sink: &dyn Sink,
) -> Result<(), RenderError> {
    jobs.par_iter().try_for_each(|job| {
        let file = render_job(site, theme, *job).map_err(|d| RenderError::Templates(vec![d]))?;
        sink.put(file).map_err(RenderError::Io)
    })
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

fn page_ctx(
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

fn ctx_with(page: &PageCtx, key: &'static str, value: &impl Serialize) -> Context {
    let mut ctx = Context::new();
    ctx.insert("page", page);
    ctx.insert(key, value);
    ctx
}

fn render_job(site: &Site, theme: &Theme, job: Job) -> Result<OutFile, Diagnostic> {
    let urls = &site.config.urls;
    let (path, template, ctx) = match job {
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
            return theme
                .render("404.html", &ctx)
                .map(|html| OutFile::text("404.html", html));
        }
        Job::List(c, n) => list(site, c, n),
        Job::Browse(c, f, g, n) => browse(site, c, f, g, n),
        Job::Print(c) => printable(site, c),
        Job::Partner(i) => {
            let p = &site.partners[i];
            let path = crate::load::record_path(Collection::Partners, &p.meta.slug);
            let page = page_ctx(
                site,
                &p.place.name,
                &p.meta.summary,
                &path,
                &[("連携医療機関", "partners/")],
                "partners",
            );
            let doctors: Vec<_> = site.doctors_of_partner[i]
                .iter()
                .map(|&d| doctor_item(site, d))
                .collect();
            let pathways: Vec<Link> = site.pathways_of_partner[i]
                .iter()
                .map(|&w| Link {
                    title: site.pathways[w].title.clone(),
                    url: site.pathways[w].meta.url.clone(),
                })
                .collect();
            let mut ctx = ctx_with(&page, "partner", p);
            ctx.insert(
                "jsonld",
                &crate::jsonld::to_script(&crate::jsonld::partner(p, &page.canonical)),
            );
            ctx.insert("doctors", &doctors);
            ctx.insert(
                "department_links",
                &facet_links(&site.partner_facets, "department", &p.departments),
            );
            ctx.insert(
                "service_links",
                &facet_links(&site.partner_facets, "service", &p.services),
            );
            ctx.insert("pathways", &pathways);
            (path, "partners/detail.html", ctx)
        }
        Job::Care(i) => {
            let c = &site.care[i];
            let path = crate::load::record_path(Collection::Care, &c.meta.slug);
            let page = page_ctx(
                site,
                &c.place.name,
                &c.meta.summary,
                &path,
                &[("介護・福祉事業所", "care/")],
                "care",
            );
            let pathways: Vec<Link> = site.pathways_of_care[i]
                .iter()
                .map(|&w| Link {
                    title: site.pathways[w].title.clone(),
                    url: site.pathways[w].meta.url.clone(),
                })
                .collect();
            let mut ctx = ctx_with(&page, "office", c);
            ctx.insert(
                "jsonld",
                &crate::jsonld::to_script(&crate::jsonld::care(c, &page.canonical)),
            );
            ctx.insert("pathways", &pathways);
            ctx.insert(
                "service_links",
                &facet_links(&site.care_facets, "service", &c.services),
            );
            (path, "care/detail.html", ctx)
        }
        Job::Doctor(i) => {
            let d = &site.doctors[i];
            let path = crate::load::record_path(Collection::Doctors, &d.meta.slug);
            let title = format!("{} 先生", d.name);
            let page = page_ctx(
                site,
                &title,
                &d.meta.summary,
                &path,
                &[("登録医", "doctors/")],
                "doctors",
            );
            let mut ctx = ctx_with(&page, "doctor", d);
            let clinic = &site.partners[site.partner_of_doctor[i]];
            let clinic_canonical = urls.absolute(&crate::load::record_path(
                Collection::Partners,
                &clinic.meta.slug,
            ));
            ctx.insert(
                "jsonld",
                &crate::jsonld::to_script(&crate::jsonld::doctor(
                    d,
                    clinic,
                    &page.canonical,
                    &clinic_canonical,
                )),
            );
            ctx.insert("partner", &partner_item(site, site.partner_of_doctor[i]));
            (path, "doctors/detail.html", ctx)
        }
        Job::Seminar(i) => {
            let s = &site.seminars[i];
            let path = crate::load::record_path(Collection::Seminars, &s.meta.slug);
            let page = page_ctx(
                site,
                &s.title,
                &s.meta.summary,
                &path,
                &[("研修会・講演会", "seminars/")],
                "seminars",
            );
            (path, "seminars/detail.html", ctx_with(&page, "seminar", s))
        }
        Job::News(i) => {
            let n = &site.news[i];
            let path = crate::load::record_path(Collection::News, &n.meta.slug);
            let page = page_ctx(
                site,
                &n.title,
                &n.meta.summary,
                &path,
                &[("お知らせ", "news/")],
                "news",
            );
            (path, "news/detail.html", ctx_with(&page, "news", n))
        }
        Job::Pathway(i) => {
            let w = &site.pathways[i];
            let path = crate::load::record_path(Collection::Pathways, &w.meta.slug);
            let description = w
                .summary_text
                .clone()
                .unwrap_or_else(|| w.meta.summary.clone());
            let page = page_ctx(
                site,
                &w.title,
                &description,
                &path,
                &[("地域連携パス", "pathways/")],
                "pathways",
            );
            let members: Vec<_> = site.members_of_pathway[i]
                .iter()
                .map(|&m| member_item(site, m))
                .collect();
            let mut ctx = ctx_with(&page, "pathway", w);
            ctx.insert("members", &members);
            (path, "pathways/detail.html", ctx)
        }
        Job::Page(i) => {
            let p = &site.pages[i];
            let path = crate::load::record_path(Collection::Pages, &p.meta.slug);
            let description = p
                .summary_text
                .clone()
                .unwrap_or_else(|| p.meta.summary.clone());
            let page = page_ctx(site, &p.title, &description, &path, &[], &p.meta.slug);
            (path, "page.html", ctx_with(&page, "content", p))
        }
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
            ctx.insert(
                "closures",
                &crate::closures::upcoming(&site.closures, site.build_date, 90, 8),
            );
            (String::from("outpatient/"), "outpatient.html", ctx)
        }
    };
    theme
        .render(template, &ctx)
        .map(|html| OutFile::text(html_path(&path), html))
}
