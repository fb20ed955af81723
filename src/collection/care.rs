//! 介護・福祉事業所 (`content/care/`): 居宅介護支援, 訪問看護, 通所介護 and other care services.

use rayon::slice::ParallelSliceMut;

use super::{Collection, Kind, PageParts, Record};
use crate::content::fields::Fields;
use crate::load::Content;
use crate::records::directory::browse::Facet;
use crate::records::directory::gojuon::sort_key;
use crate::records::directory::{self, CareOffice};
use crate::records::meta::{LoadCtx, Meta};
use crate::render::context::care_item;
use crate::render::{ctx_with, facet_links, page_ctx, Job};
use crate::search::documents::{place_doc, site_path, Doc, Field};
use crate::site::Site;

/// Where a care office appears: its name and reading (五十音 order), area and services.
#[derive(Debug, PartialEq, Hash)]
pub struct Shape {
    name: String,
    yomi: String,
    area: String,
    services: Vec<String>,
}

impl Kind for CareOffice {
    const COLLECTION: Collection = Collection::Care;
    const DIR: &'static str = "care";
    const LABEL: &'static str = "介護・福祉事業所";
    const MENU: Option<&'static str> = Some("介護事業所を探す");
    const LIST_TEMPLATE: Option<&'static str> = Some("care/list.html");
    const BROWSE_TEMPLATE: &'static str = "browse.html";
    const LIST_ENTRY: Option<&'static str> = Some("partials/directory-entry.html");
    const PRINTABLE: bool = true;
    type Shape = Shape;

    fn reserved(slug: &str) -> Option<&'static str> {
        ["page", "area", "type", "service", "gojuon", "print"]
            .into_iter()
            .find(|r| *r == slug)
    }

    fn read(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<Self> {
        directory::read_care(f, ctx, meta)
    }

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn shape(&self) -> Shape {
        Shape {
            name: self.place.name.clone(),
            yomi: self.place.yomi.clone(),
            area: self.place.area.clone(),
            services: self.services.clone(),
        }
    }

    kept_in!(Care, care);

    fn store(self, content: &mut Content) {
        content.care.push(self);
    }

    fn sort(records: &mut [Self]) {
        // In parallel: the 五十音 key of 10k readings took 70 ms on one core.
        records.par_sort_by_cached_key(|c| (sort_key(&c.place.yomi), c.meta.slug.clone()));
    }

    fn facets(site: &Site) -> &[Facet] {
        &site.care_facets
    }

    fn list_item(site: &Site, i: usize) -> tera::Value {
        tera::Value::from_serializable(&care_item(site, i))
    }

    fn detail(site: &Site, i: usize) -> PageParts {
        let c = &site.care[i];
        let path = Self::COLLECTION.path(&c.meta.slug);
        let page = page_ctx(
            site,
            &c.place.name,
            &c.meta.summary,
            &path,
            &[(Self::LABEL, "care/")],
            Self::DIR,
        );
        let pathways = super::pathways::links(site, &site.pathways_of_care[i]);
        let mut ctx = ctx_with(&page, "office", c);
        ctx.insert(
            "jsonld",
            &crate::formats::jsonld::to_script(&crate::formats::jsonld::care(c, &page.canonical)),
        );
        ctx.insert("pathways", &pathways);
        ctx.insert(
            "service_links",
            &facet_links(&site.care_facets, "service", &c.services),
        );
        let card = crate::formats::vcard::care(c, &site.config.urls.absolute(&path));
        ctx.insert(
            "vcard",
            &crate::formats::dataurl::encode("text/vcard", &card),
        );
        (path, "care/detail.html", ctx)
    }

    /// Pathways show their members.
    fn shown_by(site: &Site, i: usize, jobs: &mut Vec<Job>) {
        super::pathways::show_member(site, &site.pathways_of_care[i], jobs);
    }

    fn search_documents(site: &Site, docs: &mut Vec<Doc>) {
        for c in &site.care {
            let kind = c.services.first().map_or("介護・福祉", String::as_str);
            let path = site_path(site, &c.meta.url);
            let mut d = place_doc(&c.place, path, kind, &c.meta.body);
            d.sub = c.services.join("・");
            d.facet("kind", "介護・福祉");
            for s in &c.services {
                d.term(s);
                d.facet("service", s);
            }
            d.text(Field::People, c.operator.as_deref().unwrap_or_default());
            docs.push(d);
        }
    }
}
