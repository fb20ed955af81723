//! 登録医 (`content/doctors/`): doctors registered with the hospital, each at a partner clinic.

use rayon::slice::ParallelSliceMut;

use super::{Collection, Kind, PageParts, Record};
use crate::content::fields::Fields;
use crate::load::Content;
use crate::records::directory::browse::Facet;
use crate::records::directory::gojuon::sort_key;
use crate::records::directory::{self, Doctor};
use crate::records::meta::{LoadCtx, Meta};
use crate::render::context::{doctor_item, partner_item};
use crate::render::{ctx_with, page_ctx, Job};
use crate::search::documents::{plain_text, site_path, Doc, Field};
use crate::site::Site;

/// Where a 登録医 appears: the reading (五十音 order), the name on the clinic's page, and the
/// clinic itself.
#[derive(Debug, PartialEq, Hash)]
pub struct Shape {
    name: String,
    yomi: String,
    partner: String,
}

impl Kind for Doctor {
    const COLLECTION: Collection = Collection::Doctors;
    const DIR: &'static str = "doctors";
    const LABEL: &'static str = "登録医";
    const MENU: Option<&'static str> = None;
    const LIST_TEMPLATE: Option<&'static str> = Some("doctors/list.html");
    const BROWSE_TEMPLATE: &'static str = "browse.html";
    const PRINTABLE: bool = false;
    type Shape = Shape;

    fn reserved(slug: &str) -> Option<&'static str> {
        (slug == "page").then_some("page")
    }

    fn read(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<Self> {
        directory::read_doctor(f, ctx, meta)
    }

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn shape(&self) -> Shape {
        Shape {
            name: self.name.clone(),
            yomi: self.yomi.clone(),
            partner: self.partner.clone(),
        }
    }

    kept_in!(Doctors, doctors);

    fn store(self, content: &mut Content) {
        content.doctors.push(self);
    }

    fn sort(records: &mut [Self]) {
        // In parallel: the 五十音 key of 10k readings took 70 ms on one core.
        records.par_sort_by_cached_key(|d| (sort_key(&d.yomi), d.meta.slug.clone()));
    }

    /// None: the list is short, and a 登録医 is found through the clinic.
    fn facets(_site: &Site) -> &[Facet] {
        &[]
    }

    fn list_item(site: &Site, i: usize) -> tera::Value {
        tera::Value::from_serializable(&doctor_item(site, i))
    }

    fn detail(site: &Site, i: usize) -> PageParts {
        let d = &site.doctors[i];
        let path = Self::COLLECTION.path(&d.meta.slug);
        let title = format!("{} 先生", d.name);
        let page = page_ctx(
            site,
            &title,
            &d.meta.summary,
            &path,
            &[(Self::LABEL, "doctors/")],
            Self::DIR,
        );
        let mut ctx = ctx_with(&page, "doctor", d);
        let clinic = &site.partners[site.partner_of_doctor[i]];
        let clinic_canonical = site
            .config
            .urls
            .absolute(&Collection::Partners.path(&clinic.meta.slug));
        ctx.insert(
            "jsonld",
            &crate::formats::jsonld::to_script(&crate::formats::jsonld::doctor(
                d,
                clinic,
                &page.canonical,
                &clinic_canonical,
            )),
        );
        ctx.insert("partner", &partner_item(site, site.partner_of_doctor[i]));
        let card = crate::formats::vcard::doctor(d, clinic, &site.config.urls.absolute(&path));
        ctx.insert(
            "vcard",
            &crate::formats::dataurl::encode("text/vcard", &card),
        );
        (path, "doctors/detail.html", ctx)
    }

    /// The clinic's page lists its 登録医.
    fn shown_by(site: &Site, i: usize, jobs: &mut Vec<Job>) {
        jobs.push(Job::Detail(Collection::Partners, site.partner_of_doctor[i]));
    }

    fn search_documents(site: &Site, docs: &mut Vec<Doc>) {
        for (i, doc) in site.doctors.iter().enumerate() {
            let partner = &site.partners[site.partner_of_doctor[i]];
            let mut d = Doc {
                path: site_path(site, &doc.meta.url),
                title: doc.name.clone(),
                kind: "登録医".into(),
                area: partner.place.area.clone(),
                sub: partner.place.name.clone(),
                ..Doc::default()
            };
            d.text(Field::Name, &doc.name);
            d.text(Field::Yomi, &doc.yomi);
            // No area facet: filtering by 地区 asks for places; the doctor's clinic is one.
            d.facet("kind", "登録医");
            for dept in &doc.departments {
                d.term(dept);
                d.facet("dept", dept);
            }
            for s in &doc.specialties {
                d.text(Field::Keyword, s);
            }
            d.text(Field::Body, &partner.place.name);
            d.text(Field::Body, &plain_text(&doc.meta.body));
            docs.push(d);
        }
    }
}
