//! 医療機器の共同利用 (`content/equipment/`): one record per modality, an overview that
//! compares them (`/equipment/`), and a page each.

use super::{Collection, Kind, PageParts, Record};
use crate::content::fields::Fields;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Content;
use crate::records::directory::browse::Facet;
use crate::records::equipment::{self, Equipment, Prices};
use crate::records::form::Form;
use crate::records::meta::{LoadCtx, Meta};
use crate::render::{ctx_with, page_ctx, Job};
use crate::search::documents::{site_path, titled, Doc, Field};
use crate::site::Site;

/// What the overview shows of a modality, and its place in it.
#[derive(Debug, PartialEq, Hash)]
pub struct Shape {
    order: i64,
    title: String,
    modality: String,
    offered: Vec<String>,
    schedule: String,
    results: Vec<String>,
    prices: Option<Prices>,
}

impl Kind for Equipment {
    const COLLECTION: Collection = Collection::Equipment;
    const DIR: &'static str = "equipment";
    const LABEL: &'static str = "医療機器の共同利用";
    const MENU: Option<&'static str> = None;
    const LIST_TEMPLATE: Option<&'static str> = Some("equipment/list.html");
    const BROWSE_TEMPLATE: &'static str = "equipment/list.html";
    const PRINTABLE: bool = false;
    const OPTIONAL: bool = true;
    type Shape = Shape;

    fn reserved(slug: &str) -> Option<&'static str> {
        ["page"].into_iter().find(|r| *r == slug)
    }

    fn read(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<Self> {
        equipment::read_equipment(f, ctx, meta)
    }

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn shape(&self) -> Shape {
        Shape {
            order: self.order,
            title: self.title.clone(),
            modality: self.modality.clone(),
            offered: self.offered.clone(),
            schedule: self.schedule.clone(),
            results: self.results.clone(),
            prices: self.prices.clone(),
        }
    }

    kept_in!(Equipment, equipment);

    fn store(self, content: &mut Content) {
        content.equipment.push(self);
    }

    fn sort(records: &mut [Self]) {
        equipment::sort(records);
    }

    /// None: a handful of modalities fit on one overview.
    fn facets(_site: &Site) -> &[Facet] {
        &[]
    }

    fn list_item(site: &Site, i: usize) -> tera::Value {
        tera::Value::from_serializable(&site.equipment[i])
    }

    fn detail(site: &Site, i: usize) -> PageParts {
        let e = &site.equipment[i];
        let path = Self::COLLECTION.path(&e.meta.slug);
        let page = page_ctx(
            site,
            &e.title,
            &e.meta.summary,
            &path,
            &[(Self::LABEL, "equipment/")],
            Self::DIR,
        );
        let mut ctx = ctx_with(&page, "equipment", e);
        let form = e
            .form
            .as_ref()
            .and_then(|slug| site.forms.iter().find(|f| &f.meta.slug == slug));
        ctx.insert("form", &form);
        (path, "equipment/detail.html", ctx)
    }

    /// Nothing else shows a modality; its form's page does not name it.
    fn shown_by(_site: &Site, _i: usize, _jobs: &mut Vec<Job>) {}

    fn search_documents(site: &Site, docs: &mut Vec<Doc>) {
        for e in &site.equipment {
            let path = site_path(site, &e.meta.url);
            let mut d = titled(path, &e.title, "ご案内", &e.modality, &e.meta.body);
            d.text(Field::Keyword, &e.modality);
            d.text(Field::Keyword, "共同利用 検査予約");
            for o in &e.offered {
                d.text(Field::Keyword, o);
            }
            docs.push(d);
        }
    }
}

/// A modality's `form:` must name a form of `forms/`: the page links to it.
pub fn check_forms(equipment: &[Equipment], forms: &[Form], diags: &Diagnostics) {
    for e in equipment {
        let Some(slug) = &e.form else { continue };
        if forms.iter().any(|f| &f.meta.slug == slug) {
            continue;
        }
        let hint = crate::diagnostics::suggest(slug, forms.iter().map(|f| f.meta.slug.as_str()));
        diags.push(
            Diagnostic::error(
                &e.meta.source,
                e.form_pos,
                Some("form"),
                format!("様式「{slug}」が content/forms/ にありません{hint}"),
            )
            .expected("content/forms/ のファイル名(拡張子なし)"),
        );
    }
}
