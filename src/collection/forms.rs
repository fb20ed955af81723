//! 様式 (`content/forms/`): the forms partners print and FAX, grouped by purpose on `/forms/`, each
//! with its page, and the two renkei draws itself at `/forms/<slug>/print/`.

use chrono::NaiveDate;

use super::{Collection, Kind, PageParts, Record};
use crate::content::fields::Fields;
use crate::load::Content;
use crate::records::directory::browse::{facet_from, Facet};
use crate::records::form::{self, Form, SendTo};
use crate::records::meta::{LoadCtx, Meta};
use crate::render::{ctx_with, page_ctx, Job};
use crate::search::documents::{site_path, titled, Doc, Field};
use crate::site::Site;

/// Where a form appears: its purpose (group and order), title (order) and what its list row
/// shows besides.
#[derive(Debug, PartialEq, Hash)]
pub struct Shape {
    title: String,
    purpose: String,
    audience: String,
    revised: NaiveDate,
    send_to: SendTo,
    generate: Option<String>,
    files: usize,
}

impl Kind for Form {
    const COLLECTION: Collection = Collection::Forms;
    const DIR: &'static str = "forms";
    const LABEL: &'static str = "様式ダウンロード";
    const MENU: Option<&'static str> = None;
    const LIST_TEMPLATE: Option<&'static str> = Some("forms/list.html");
    /// A purpose's page is the list, narrowed.
    const BROWSE_TEMPLATE: &'static str = "forms/list.html";
    const PRINTABLE: bool = false;
    const PRINT_PAGES: bool = true;
    const OPTIONAL: bool = true;
    type Shape = Shape;

    fn reserved(slug: &str) -> Option<&'static str> {
        ["page", "purpose"].into_iter().find(|r| *r == slug)
    }

    fn read(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<Self> {
        form::read_form(f, ctx, meta)
    }

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn shape(&self) -> Shape {
        Shape {
            title: self.title.clone(),
            purpose: self.purpose.clone(),
            audience: self.audience.clone(),
            revised: self.revised,
            send_to: self.send_to.clone(),
            generate: self.generate.clone(),
            files: self.files.len(),
        }
    }

    kept_in!(Forms, forms);

    fn store(self, content: &mut Content) {
        content.forms.push(self);
    }

    fn sort(records: &mut [Self]) {
        form::sort(records);
    }

    fn facets(site: &Site) -> &[Facet] {
        &site.form_facets
    }

    fn list_item(site: &Site, i: usize) -> tera::Value {
        tera::Value::from_serializable(&site.forms[i])
    }

    fn detail(site: &Site, i: usize) -> PageParts {
        let form = &site.forms[i];
        let path = Self::COLLECTION.path(&form.meta.slug);
        let page = page_ctx(
            site,
            &form.title,
            &form.meta.summary,
            &path,
            &[(Self::LABEL, "forms/")],
            Self::DIR,
        );
        (path, "forms/detail.html", ctx_with(&page, "form", form))
    }

    /// The 送付状 and 申込書 renkei draws: an A4 page to print, with the desk's numbers.
    fn print_page(site: &Site, i: usize) -> Option<PageParts> {
        let form = &site.forms[i];
        let kind = form.generate.as_deref()?;
        let own = Self::COLLECTION.path(&form.meta.slug);
        let path = format!("{own}print/");
        let mut page = page_ctx(
            site,
            &form.title,
            &form.meta.summary,
            &path,
            &[(Self::LABEL, "forms/"), (&form.title, &own)],
            Self::DIR,
        );
        // A blank form to print is not something to find in a search engine.
        page.noindex = true;
        let mut ctx = ctx_with(&page, "form", form);
        ctx.insert("kind", kind);
        Some((path, "forms/print.html", ctx))
    }

    /// Pages list forms by slug; the link check verifies those links, and a page's text does
    /// not change with a form. An equipment page carries the whole form it names (a theme
    /// may show its files or where to send it), so those pages show the form too.
    fn shown_by(site: &Site, i: usize, jobs: &mut Vec<Job>) {
        let slug = &site.forms[i].meta.slug;
        for (j, e) in site.equipment.iter().enumerate() {
            if e.form.as_ref() == Some(slug) {
                jobs.push(Job::Detail(Collection::Equipment, j));
            }
        }
    }

    fn search_documents(site: &Site, docs: &mut Vec<Doc>) {
        for f in &site.forms {
            let path = site_path(site, &f.meta.url);
            let mut d = titled(path, &f.title, "様式", &f.purpose, &f.meta.body);
            d.text(Field::Keyword, &f.purpose);
            d.text(Field::Keyword, "様式 申込書 ダウンロード");
            for field in &f.fields {
                d.text(Field::Body, field);
            }
            docs.push(d);
        }
    }
}

/// `/forms/purpose/<用途>/`, in the order of [`form::PURPOSES`].
pub fn facets(config: &crate::config::SiteConfig, forms: &[Form]) -> Vec<Facet> {
    let groups = form::PURPOSES
        .iter()
        .map(|p| {
            let items = forms
                .iter()
                .enumerate()
                .filter(|(_, f)| f.purpose == *p)
                .map(|(i, _)| i)
                .collect();
            (p.to_string(), format!("forms/purpose/{p}/"), items)
        })
        .collect();
    vec![facet_from(config, "purpose", "用途から探す", groups)]
}
