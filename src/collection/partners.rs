//! 連携医療機関 (`content/partners/`): clinics, hospitals, dental clinics and pharmacies.

use rayon::slice::ParallelSliceMut;

use super::{Collection, Kind, PageParts, Record};
use crate::content::fields::Fields;
use crate::load::Content;
use crate::records::directory::browse::Facet;
use crate::records::directory::gojuon::sort_key;
use crate::records::directory::{self, Partner, PartnerKind};
use crate::records::meta::{LoadCtx, Meta};
use crate::render::context::{doctor_item, partner_item};
use crate::render::{ctx_with, facet_links, page_ctx, Job};
use crate::search::documents::{place_doc, site_path, Doc, Field};
use crate::site::Site;

/// Where a partner appears: its name and reading (五十音 order), and every facet it is in.
#[derive(Debug, PartialEq, Hash)]
pub struct Shape {
    name: String,
    yomi: String,
    kind: PartnerKind,
    area: String,
    departments: Vec<String>,
    services: Vec<String>,
    registered: bool,
}

impl Kind for Partner {
    const COLLECTION: Collection = Collection::Partners;
    const DIR: &'static str = "partners";
    const LABEL: &'static str = "連携医療機関";
    const MENU: Option<&'static str> = Some("医療機関を探す");
    const LIST_TEMPLATE: Option<&'static str> = Some("partners/list.html");
    const BROWSE_TEMPLATE: &'static str = "browse.html";
    const LIST_ENTRY: Option<&'static str> = Some("partials/directory-entry.html");
    const PRINTABLE: bool = true;
    type Shape = Shape;

    fn reserved(slug: &str) -> Option<&'static str> {
        [
            "page",
            "area",
            "kind",
            "department",
            "service",
            "gojuon",
            "print",
        ]
        .into_iter()
        .find(|r| *r == slug)
    }

    fn read(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<Self> {
        directory::read_partner(f, ctx, meta)
    }

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn shape(&self) -> Shape {
        Shape {
            name: self.place.name.clone(),
            yomi: self.place.yomi.clone(),
            kind: self.kind,
            area: self.place.area.clone(),
            departments: self.departments.clone(),
            services: self.services.clone(),
            registered: self.registered,
        }
    }

    kept_in!(Partners, partners);

    fn store(self, content: &mut Content) {
        content.partners.push(self);
    }

    fn sort(records: &mut [Self]) {
        // In parallel: the 五十音 key of 10k readings took 70 ms on one core.
        records.par_sort_by_cached_key(|p| (sort_key(&p.place.yomi), p.meta.slug.clone()));
    }

    fn facets(site: &Site) -> &[Facet] {
        &site.partner_facets
    }

    fn list_item(site: &Site, i: usize) -> tera::Value {
        tera::Value::from_serializable(&partner_item(site, i))
    }

    fn detail(site: &Site, i: usize) -> PageParts {
        let p = &site.partners[i];
        let path = Self::COLLECTION.path(&p.meta.slug);
        let page = page_ctx(
            site,
            &p.place.name,
            &p.meta.summary,
            &path,
            &[(Self::LABEL, "partners/")],
            Self::DIR,
        );
        let doctors: Vec<_> = site.doctors_of_partner[i]
            .iter()
            .map(|&d| doctor_item(site, d))
            .collect();
        let pathways = super::pathways::links(site, &site.pathways_of_partner[i]);
        let mut ctx = ctx_with(&page, "partner", p);
        ctx.insert(
            "jsonld",
            &crate::formats::jsonld::to_script(&crate::formats::jsonld::partner(
                p,
                &page.canonical,
            )),
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
        let card = crate::formats::vcard::partner(p, &site.config.urls.absolute(&path));
        ctx.insert(
            "vcard",
            &crate::formats::dataurl::encode("text/vcard", &card),
        );
        (path, "partners/detail.html", ctx)
    }

    /// A clinic's 登録医 show its name and area on their pages, list and vCards; pathways show
    /// their members.
    fn shown_by(site: &Site, i: usize, jobs: &mut Vec<Job>) {
        for &d in &site.doctors_of_partner[i] {
            jobs.extend(super::showing::<crate::records::directory::Doctor>(site, d));
        }
        super::pathways::show_member(site, &site.pathways_of_partner[i], jobs);
    }

    fn search_documents(site: &Site, docs: &mut Vec<Doc>) {
        for (i, p) in site.partners.iter().enumerate() {
            let path = site_path(site, &p.meta.url);
            let mut d = place_doc(&p.place, path, p.kind_label, &p.meta.body);
            d.sub = p.departments.join("・");
            d.term(p.kind_label);
            d.facet("kind", p.kind_label);
            for dept in &p.departments {
                d.term(dept);
                d.facet("dept", dept);
            }
            for s in &p.services {
                d.term(s);
                d.facet("service", s);
            }
            if let Some(dir) = &p.director {
                d.text(Field::People, &dir.name);
                d.text(Field::People, dir.yomi.as_deref().unwrap_or_default());
            }
            for &di in &site.doctors_of_partner[i] {
                let doc = &site.doctors[di];
                d.text(Field::People, &doc.name);
                d.text(Field::People, &doc.yomi);
            }
            docs.push(d);
        }
    }
}
