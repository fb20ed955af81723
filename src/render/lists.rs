//! Pages that gather many records: the home page, collection lists, browse pages, the
//! printable directory and the pathway matrix. Each function returns the page's site path,
//! its template and its context; [`super::render_job`] renders them like any other page.

use serde::Serialize;
use tera::Context;

use super::context::{
    self, care_item, doctor_item, member_item, page_path, pagination, partner_item, Link,
};
use super::{list_len, page_ctx, PER_PAGE};
use crate::content::Collection;
use crate::site::Site;

/// Links from a record's tags (診療科, services) to their browse pages.
pub(super) fn facet_links(
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

pub(super) fn home(site: &Site) -> (String, &'static str, Context) {
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
pub(super) fn printable(site: &Site, c: Collection) -> (String, &'static str, Context) {
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

pub(super) fn browse(
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
pub(super) fn facets_of(site: &Site, c: Collection) -> &[crate::directory::browse::Facet] {
    match c {
        Collection::Partners => &site.partner_facets,
        Collection::Care => &site.care_facets,
        Collection::Seminars => &site.seminar_facets,
        Collection::News => &site.news_facets,
        _ => &[],
    }
}

pub(super) fn list(site: &Site, c: Collection, n: usize) -> (String, &'static str, Context) {
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
