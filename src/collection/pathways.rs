//! 地域連携パス (`content/pathways/`): shared care plans between the hospital and its partners.

use tera::Context;

use super::{all_list_pages, Collection, Kind, PageParts, Record};
use crate::content::fields::Fields;
use crate::load::Content;
use crate::records::directory::browse::Facet;
use crate::records::meta::{LoadCtx, Meta};
use crate::records::pathway::{self, Pathway};
use crate::render::context::{member_item, Link};
use crate::render::{ctx_with, page_ctx, Job};
use crate::search::documents::Doc;
use crate::site::{Member, Site};

/// Where a pathway appears: its participants (their pages link to it). Order is by slug.
#[derive(Debug, PartialEq, Hash)]
pub struct Shape {
    participants: Vec<String>,
}

impl Kind for Pathway {
    const COLLECTION: Collection = Collection::Pathways;
    const DIR: &'static str = "pathways";
    const LABEL: &'static str = "地域連携パス";
    const MENU: Option<&'static str> = None;
    const LIST_TEMPLATE: Option<&'static str> = Some("pathways/list.html");
    const BROWSE_TEMPLATE: &'static str = "browse.html";
    const PRINTABLE: bool = false;
    type Shape = Shape;

    fn reserved(slug: &str) -> Option<&'static str> {
        (slug == "page").then_some("page")
    }

    fn read(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<Self> {
        pathway::read_pathway(f, ctx, meta)
    }

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn shape(&self) -> Shape {
        Shape {
            participants: self
                .participant_refs
                .iter()
                .map(|(r, _)| r.clone())
                .collect(),
        }
    }

    kept_in!(Pathways, pathways);

    fn store(self, content: &mut Content) {
        content.pathways.push(self);
    }

    fn sort(records: &mut [Self]) {
        records.sort_by(|a, b| a.meta.slug.cmp(&b.meta.slug));
    }

    /// None: a site has a handful of pathways.
    fn facets(_site: &Site) -> &[Facet] {
        &[]
    }

    /// The pathways, and on every list page the 参加医療機関 matrix.
    fn list_item(site: &Site, i: usize) -> tera::Value {
        tera::Value::from_serializable(&site.pathways[i])
    }

    fn list_extras(site: &Site, ctx: &mut Context) {
        ctx.insert("matrix", &matrix(site));
    }

    fn detail(site: &Site, i: usize) -> PageParts {
        let w = &site.pathways[i];
        let path = Self::COLLECTION.path(&w.meta.slug);
        let description = w
            .summary_text
            .clone()
            .unwrap_or_else(|| w.meta.summary.clone());
        let page = page_ctx(
            site,
            &w.title,
            &description,
            &path,
            &[(Self::LABEL, "pathways/")],
            Self::DIR,
        );
        let members: Vec<_> = site.members_of_pathway[i]
            .iter()
            .map(|&m| member_item(site, m))
            .collect();
        let mut ctx = ctx_with(&page, "pathway", w);
        ctx.insert("members", &members);
        (path, "pathways/detail.html", ctx)
    }

    /// Members' pages link to it; the matrix on every list page has a column for it.
    fn shown_by(site: &Site, i: usize, jobs: &mut Vec<Job>) {
        all_list_pages(site, Collection::Pathways, jobs);
        for m in &site.members_of_pathway[i] {
            jobs.push(match m {
                Member::Partner(p) => Job::Detail(Collection::Partners, *p),
                Member::Care(c) => Job::Detail(Collection::Care, *c),
            });
        }
    }

    /// None yet: pathways are few and reached from the menu and the members' pages.
    fn search_documents(_site: &Site, _docs: &mut Vec<Doc>) {}
}

/// 参加医療機関の一覧: every institution taking part in any pathway × each pathway (○).
/// Links to the pathways a clinic or care office takes part in, for its page.
pub(super) fn links(site: &Site, pathways: &[usize]) -> Vec<Link> {
    pathways
        .iter()
        .map(|&w| Link {
            title: site.pathways[w].title.clone(),
            url: site.pathways[w].meta.url.clone(),
        })
        .collect()
}

/// The pages that show a pathway's participant: each pathway's page, and the list's matrix.
pub(super) fn show_member(site: &Site, pathways: &[usize], jobs: &mut Vec<Job>) {
    jobs.extend(
        pathways
            .iter()
            .map(|&w| Job::Detail(Collection::Pathways, w)),
    );
    if !pathways.is_empty() {
        all_list_pages(site, Collection::Pathways, jobs);
    }
}

fn matrix(site: &Site) -> serde_json::Value {
    let mut members: Vec<Member> = site.members_of_pathway.iter().flatten().copied().collect();
    members.sort_by_cached_key(|m| {
        let item = member_item(site, *m);
        (
            crate::records::directory::gojuon::sort_key(item.yomi),
            item.url.to_string(),
        )
    });
    members.dedup();
    let rows: Vec<serde_json::Value> = members
        .iter()
        .map(|m| {
            let item = member_item(site, *m);
            let cells: Vec<bool> = site
                .members_of_pathway
                .iter()
                .map(|ms| ms.contains(m))
                .collect();
            serde_json::json!({"name": item.name, "url": item.url, "kind_label": item.kind_label, "area": item.area, "cells": cells})
        })
        .collect();
    let columns: Vec<&str> = site.pathways.iter().map(|w| w.disease.as_str()).collect();
    serde_json::json!({"columns": columns, "rows": rows})
}
