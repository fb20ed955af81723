//! Step 4 of the pipeline: turn the linked [`Site`] into output files.
//!
//! Every page is a [`Job`]; jobs are independent, so they render in parallel with rayon and are
//! collected in job order, which keeps the output byte-identical whatever the thread count.
//! Templates are parsed once (in [`Theme::load`]); each job only builds a small context.

pub mod context;
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
use context::{
    care_item, doctor_item, member_item, page_path, pagination, partner_item, site_ctx, Link,
    PageCtx,
};

/// Items per list page. Long lists paginate with stable URLs (`/partners/page/2/`).
pub const PER_PAGE: usize = 50;

/// One page to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    let mut jobs = vec![Job::Home, Job::NotFound];
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

/// Links from a record's tags (診療科, services) to their browse pages.
fn facet_links(
    facets: &[crate::directory::browse::Facet],
    key: &str,
    values: &[String],
) -> Vec<Link> {
    let Some(facet) = facets.iter().find(|f| f.key == key) else {
        return Vec::new();
    };
    values
        .iter()
        .filter_map(|v| facet.groups.iter().find(|g| &g.label == v))
        .map(|g| Link {
            title: g.label.clone(),
            url: g.url.clone(),
        })
        .collect()
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
    let _ = urls;
    theme
        .render(template, &ctx)
        .map(|html| OutFile::text(html_path(&path), html))
}

fn home(site: &Site) -> (String, &'static str, Context) {
    use crate::seminar::Status;
    let summary = site
        .home
        .as_ref()
        .map(|h| h.meta.summary.clone())
        .unwrap_or_default();
    let mut page = page_ctx(site, &site.config.title, &summary, "", &[], "home");
    page.breadcrumbs.clear();
    let upcoming: Vec<_> = site
        .seminars
        .iter()
        .filter(|s| !matches!(s.status, Status::Finished | Status::Cancelled))
        .take(3)
        .collect();
    let latest: Vec<_> = site.news.iter().take(5).collect();
    let closures = crate::closures::upcoming(&site.closures, site.build_date, 90, 5);
    let mut ctx = Context::new();
    ctx.insert("page", &page);
    ctx.insert("home", &site.home);
    ctx.insert("upcoming_seminars", &upcoming);
    ctx.insert("latest_news", &latest);
    ctx.insert("closures", &closures);
    ctx.insert(
        "notices",
        &site
            .outpatient
            .as_ref()
            .map(|o| &o.notices[..o.notices.len().min(3)])
            .unwrap_or(&[]),
    );
    (String::new(), "index.html", ctx)
}

/// A table per area, for handing to a patient at a 退院支援 meeting.
fn printable(site: &Site, c: Collection) -> (String, &'static str, Context) {
    #[derive(Serialize)]
    struct AreaTable<'a> {
        area: &'a str,
        items: Vec<context::DirectoryItem<'a>>,
    }
    let facets = if c == Collection::Partners {
        &site.partner_facets
    } else {
        &site.care_facets
    };
    let item = |i: usize| {
        if c == Collection::Partners {
            partner_item(site, i)
        } else {
            care_item(site, i)
        }
    };
    let areas: Vec<AreaTable> = facets
        .iter()
        .find(|f| f.key == "area")
        .map(|f| {
            f.groups
                .iter()
                .map(|g| AreaTable {
                    area: &g.label,
                    items: g.items.iter().map(|&i| item(i)).collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    let base = format!("{}/", c.dir());
    let path = format!("{base}print/");
    let title = format!("{}一覧(印刷用)", c.label());
    let description = format!("{}の地区別一覧を A4 で印刷できます。", c.label());
    let page = page_ctx(
        site,
        &title,
        &description,
        &path,
        &[(c.label(), base.as_str())],
        c.dir(),
    );
    let mut ctx = Context::new();
    ctx.insert("page", &page);
    ctx.insert("areas", &areas);
    ctx.insert(
        "collection",
        &context::Link {
            title: c.label().into(),
            url: site.config.urls.path(&base),
        },
    );
    (path, "print.html", ctx)
}

fn browse(
    site: &Site,
    c: Collection,
    f: usize,
    g: usize,
    n: usize,
) -> (String, &'static str, Context) {
    let facets = facets_of(site, c);
    let (facet, group) = (&facets[f], &facets[f].groups[g]);
    let total = group.items.len();
    let pg = pagination(site, &group.path, n, PER_PAGE, total);
    let items = &group.items[(n - 1) * PER_PAGE..(n * PER_PAGE).min(total)];
    let heading = match facet.key {
        "service" if c == Collection::Partners => format!("{}に対応する{}", group.label, c.label()),
        "gojuon" => format!("{}({})", c.label(), group.label),
        "year" => format!("{}の{}", group.label, c.label()),
        "audience" => format!("{}の{}", group.label, c.label()),
        _ if c == Collection::News => format!("{}({})", c.label(), group.label),
        _ => format!("{}の{}", group.label, c.label()),
    };
    let title = if n > 1 {
        format!("{heading} ({n}ページ目)")
    } else {
        heading.clone()
    };
    let description = format!(
        "{}の{} {} 件の一覧です。",
        site.config.title, heading, total
    );
    let path = page_path(&group.path, n);
    let base = format!("{}/", c.dir());
    let mut trail: Vec<(&str, &str)> = vec![(c.label(), base.as_str())];
    if n > 1 {
        trail.push((heading.as_str(), group.path.as_str()));
    }
    let page = page_ctx(site, &title, &description, &path, &trail, c.dir());
    let mut ctx = Context::new();
    ctx.insert("page", &page);
    ctx.insert("heading", &heading);
    ctx.insert("facet", facet);
    ctx.insert("group", group);
    ctx.insert("pagination", &pg);
    ctx.insert(
        "collection",
        &context::Link {
            title: c.label().into(),
            url: site.config.urls.path(&base),
        },
    );
    let template = match c {
        Collection::Partners => {
            ctx.insert(
                "items",
                &items
                    .iter()
                    .map(|&i| partner_item(site, i))
                    .collect::<Vec<_>>(),
            );
            "browse.html"
        }
        Collection::Care => {
            ctx.insert(
                "items",
                &items
                    .iter()
                    .map(|&i| care_item(site, i))
                    .collect::<Vec<_>>(),
            );
            "browse.html"
        }
        Collection::Seminars => {
            ctx.insert(
                "items",
                &items.iter().map(|&i| &site.seminars[i]).collect::<Vec<_>>(),
            );
            "seminars/browse.html"
        }
        _ => {
            ctx.insert(
                "items",
                &items.iter().map(|&i| &site.news[i]).collect::<Vec<_>>(),
            );
            "news/browse.html"
        }
    };
    (path, template, ctx)
}

/// 参加医療機関の一覧: every institution taking part in any pathway × each pathway (○).
fn pathway_matrix(site: &Site) -> serde_json::Value {
    use crate::site::Member;
    let mut members: Vec<Member> = site.members_of_pathway.iter().flatten().copied().collect();
    members.sort_by_cached_key(|m| {
        let item = member_item(site, *m);
        (
            crate::directory::gojuon::sort_key(item.yomi),
            item.url.to_string(),
        )
    });
    members.dedup();
    let rows: Vec<serde_json::Value> = members
        .iter()
        .map(|m| {
            let item = member_item(site, *m);
            let cells: Vec<bool> = site.members_of_pathway.iter().map(|ms| ms.contains(m)).collect();
            serde_json::json!({"name": item.name, "url": item.url, "kind_label": item.kind_label, "area": item.area, "cells": cells})
        })
        .collect();
    let columns: Vec<&str> = site.pathways.iter().map(|w| w.disease.as_str()).collect();
    serde_json::json!({"columns": columns, "rows": rows})
}

/// The browse facets of a collection (none for records without them).
fn facets_of(site: &Site, c: Collection) -> &[crate::directory::browse::Facet] {
    match c {
        Collection::Partners => &site.partner_facets,
        Collection::Care => &site.care_facets,
        Collection::Seminars => &site.seminar_facets,
        Collection::News => &site.news_facets,
        _ => &[],
    }
}

fn list(site: &Site, c: Collection, n: usize) -> (String, &'static str, Context) {
    let base = format!("{}/", c.dir());
    let total = list_len(site, c);
    let pg = pagination(site, &base, n, PER_PAGE, total);
    let range = (n - 1) * PER_PAGE..(n * PER_PAGE).min(total);
    let title = if n > 1 {
        format!("{} ({}ページ目)", c.label(), n)
    } else {
        c.label().to_string()
    };
    let description = format!(
        "{}の{}一覧です(全 {} 件)。",
        site.config.title,
        c.label(),
        total
    );
    let path = page_path(&base, n);
    let trail: Vec<(&str, &str)> = if n > 1 {
        vec![(c.label(), base.as_str())]
    } else {
        vec![]
    };
    let page = page_ctx(site, &title, &description, &path, &trail, c.dir());
    let mut ctx = Context::new();
    ctx.insert("page", &page);
    ctx.insert("pagination", &pg);
    let no_facets: &[crate::directory::browse::Facet] = &[];
    ctx.insert(
        "facets",
        if n == 1 {
            facets_of(site, c)
        } else {
            no_facets
        },
    );
    match c {
        Collection::Partners => ctx.insert(
            "items",
            &range.map(|i| partner_item(site, i)).collect::<Vec<_>>(),
        ),
        Collection::Care => ctx.insert(
            "items",
            &range.map(|i| care_item(site, i)).collect::<Vec<_>>(),
        ),
        Collection::Doctors => ctx.insert(
            "items",
            &range.map(|i| doctor_item(site, i)).collect::<Vec<_>>(),
        ),
        Collection::Seminars => {
            // Upcoming first (soonest first), then past ones (newest first).
            let mut order: Vec<&crate::seminar::Seminar> = site
                .seminars
                .iter()
                .filter(|s| s.end.date_naive() >= site.build_date)
                .collect();
            order.extend(
                site.seminars
                    .iter()
                    .rev()
                    .filter(|s| s.end.date_naive() < site.build_date),
            );
            ctx.insert("items", &order[range].to_vec());
        }
        Collection::News => ctx.insert("items", &site.news[range].iter().collect::<Vec<_>>()),
        Collection::Pathways => {
            ctx.insert("items", &site.pathways[range].iter().collect::<Vec<_>>());
            ctx.insert("matrix", &pathway_matrix(site));
        }
        Collection::Pages => {}
    }
    (
        path,
        match c {
            Collection::Partners => "partners/list.html",
            Collection::Care => "care/list.html",
            Collection::Doctors => "doctors/list.html",
            Collection::Seminars => "seminars/list.html",
            Collection::News => "news/list.html",
            Collection::Pathways => "pathways/list.html",
            Collection::Pages => "page.html",
        },
        ctx,
    )
}
