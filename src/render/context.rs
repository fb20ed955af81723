//! The values templates receive. Templates only present: anything computed (status, dates,
//! URLs, counts) is computed here or in the domain modules, once.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::collection::{for_kind, Collection, Kind};
use crate::japanese;
use crate::site::{Member, Site};

/// A link with its text.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// `site` in every template.
#[derive(Debug, Serialize)]
pub struct SiteCtx<'a> {
    pub title: &'a str,
    /// The office's own name: the title without the hospital's name (「地域医療連携室」), shown
    /// beside the hospital's name in the header.
    pub office: String,
    pub lang: &'static str,
    pub base_url: &'a str,
    /// Root-relative URL of the home page (`/renkei/`).
    pub home_url: String,
    /// Root-relative URL of the theme's assets folder (`/renkei/assets/`).
    pub assets: String,
    pub hospital: &'a crate::config::Hospital,
    pub liaison: &'a crate::config::Liaison,
    /// Credit lines the licences of imported open data ask for (site.yaml `attributions`).
    pub attributions: &'a [String],
    /// Pages with `nav`, in order.
    pub nav: Vec<Link>,
    /// The collections' entries in the main menu, after the pages with `nav`: (「医療機関を探す」).
    pub menu: Vec<MenuItem>,
    /// Pages with `nav`, then pages with `footer`, each in its order: the footer's links.
    pub footer: Vec<Link>,
    /// Every plain page by slug, so a theme can link to `referral` if the site has one.
    pub pages: BTreeMap<&'a str, Link>,
    /// Collection list pages by folder name, with their record counts.
    pub collections: BTreeMap<&'static str, CollectionLink>,
    /// The same, in the order the site presents them (連携医療機関 first).
    pub collection_list: Vec<CollectionLink>,
    pub outpatient_url: Option<String>,
    /// `/contact/`, the page of every desk, when site.yaml has `desks:`.
    pub contact_url: Option<String>,
    pub build_date: String,
    pub build_date_ja: String,
    pub profile: crate::records::meta::Profile,
    pub is_partners: bool,
}

/// A collection's entry in the main menu.
#[derive(Debug, Clone, Serialize)]
pub struct MenuItem {
    pub title: &'static str,
    pub url: String,
    /// The `page.section` of its pages, which marks the entry as current.
    pub section: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct CollectionLink {
    pub title: &'static str,
    pub url: String,
    pub count: usize,
}

fn footer_links(site: &Site) -> Vec<Link> {
    let mut listed: Vec<_> = site.pages.iter().filter(|p| p.nav.is_some()).collect();
    let mut extra: Vec<_> = site
        .pages
        .iter()
        .filter(|p| p.nav.is_none() && p.footer.is_some())
        .collect();
    extra.sort_by(|a, b| (a.footer, &a.meta.slug).cmp(&(b.footer, &b.meta.slug)));
    listed.extend(extra);
    listed
        .into_iter()
        .map(|p| Link {
            title: p.title.clone(),
            url: p.meta.url.clone(),
        })
        .collect()
}

pub fn site_ctx(site: &Site) -> SiteCtx<'_> {
    let urls = &site.config.urls;
    // Collections with list pages; plain pages are reached from the menu instead.
    let counts: Vec<(Collection, usize)> = Collection::ALL
        .into_iter()
        .filter(|c| for_kind!(*c, K => K::LIST_TEMPLATE.is_some()))
        .map(|c| (c, c.len(site)))
        .collect();
    let menu = Collection::ALL
        .into_iter()
        .filter_map(|c| {
            for_kind!(c, K => K::MENU).map(|title| MenuItem {
                title,
                url: urls.path(&format!("{}/", c.dir())),
                section: c.dir(),
            })
        })
        .collect();
    SiteCtx {
        title: &site.config.title,
        office: site.config.office(),
        lang: "ja",
        base_url: &site.config.base_url,
        home_url: urls.path(""),
        assets: urls.path("assets/"),
        hospital: &site.config.hospital,
        liaison: &site.config.liaison,
        attributions: &site.config.attributions,
        nav: site
            .pages
            .iter()
            .filter(|p| p.nav.is_some())
            .map(|p| Link {
                title: p.title.clone(),
                url: p.meta.url.clone(),
            })
            .collect(),
        menu,
        footer: footer_links(site),
        pages: site
            .pages
            .iter()
            .map(|p| {
                (
                    p.meta.slug.as_str(),
                    Link {
                        title: p.title.clone(),
                        url: p.meta.url.clone(),
                    },
                )
            })
            .collect(),
        collections: counts
            .iter()
            .map(|(c, n)| {
                (
                    c.dir(),
                    CollectionLink {
                        title: c.label(),
                        url: urls.path(&format!("{}/", c.dir())),
                        count: *n,
                    },
                )
            })
            .collect(),
        collection_list: counts
            .iter()
            .map(|(c, n)| CollectionLink {
                title: c.label(),
                url: urls.path(&format!("{}/", c.dir())),
                count: *n,
            })
            .collect(),
        outpatient_url: site.outpatient.as_ref().map(|_| urls.path("outpatient/")),
        contact_url: (!site.config.desks.is_empty()).then(|| urls.path("contact/")),
        build_date: site.build_date.format("%Y-%m-%d").to_string(),
        build_date_ja: japanese::format_date(site.build_date),
        profile: site.profile,
        is_partners: site.profile == crate::records::meta::Profile::Partners,
    }
}

/// `page` in every template: what the `<head>` and breadcrumbs need.
#[derive(Debug, Clone, Serialize)]
pub struct PageCtx {
    pub title: String,
    pub description: String,
    /// Root-relative URL of this page.
    pub url: String,
    /// Absolute canonical URL.
    pub canonical: String,
    /// From the home page down to (not including) this page.
    pub breadcrumbs: Vec<Link>,
    /// Which collection or section this page belongs to, for navigation highlighting.
    pub section: String,
    /// Whether search engines should index it (not the 404 page).
    pub noindex: bool,
}

/// A directory entry as lists show it: enough to phone or fax without opening the page.
#[derive(Debug, Clone, Serialize)]
pub struct DirectoryItem<'a> {
    pub name: &'a str,
    pub yomi: &'a str,
    pub url: &'a str,
    pub kind_label: &'a str,
    pub area: &'a str,
    pub tags: Vec<&'a str>,
    pub tel: Option<&'a crate::japanese::phone::Phone>,
    pub fax: Option<&'a crate::japanese::phone::Phone>,
    pub address: &'a str,
}

pub fn partner_item(site: &Site, i: usize) -> DirectoryItem<'_> {
    let p = &site.partners[i];
    DirectoryItem {
        name: &p.place.name,
        yomi: &p.place.yomi,
        url: &p.meta.url,
        kind_label: p.kind_label,
        area: &p.place.area,
        tags: p.departments.iter().map(String::as_str).collect(),
        tel: p.place.tel.as_ref(),
        fax: p.place.fax.as_ref(),
        address: &p.place.address,
    }
}

pub fn care_item(site: &Site, i: usize) -> DirectoryItem<'_> {
    let c = &site.care[i];
    DirectoryItem {
        name: &c.place.name,
        yomi: &c.place.yomi,
        url: &c.meta.url,
        kind_label: c
            .services
            .first()
            .map(String::as_str)
            .unwrap_or("介護事業所"),
        area: &c.place.area,
        tags: c.services.iter().map(String::as_str).collect(),
        tel: c.place.tel.as_ref(),
        fax: c.place.fax.as_ref(),
        address: &c.place.address,
    }
}

pub fn member_item(site: &Site, m: Member) -> DirectoryItem<'_> {
    match m {
        Member::Partner(i) => partner_item(site, i),
        Member::Care(i) => care_item(site, i),
    }
}

/// A 登録医 as lists show them.
#[derive(Debug, Clone, Serialize)]
pub struct DoctorItem<'a> {
    pub name: &'a str,
    pub yomi: &'a str,
    pub url: &'a str,
    pub departments: &'a [String],
    pub specialties: &'a [String],
    pub co_treatment: bool,
    pub partner: Link,
    pub area: &'a str,
}

pub fn doctor_item(site: &Site, i: usize) -> DoctorItem<'_> {
    let d = &site.doctors[i];
    let p = &site.partners[site.partner_of_doctor[i]];
    DoctorItem {
        name: &d.name,
        yomi: &d.yomi,
        url: &d.meta.url,
        departments: &d.departments,
        specialties: &d.specialties,
        co_treatment: d.co_treatment,
        partner: Link {
            title: p.place.name.clone(),
            url: p.meta.url.clone(),
        },
        area: &p.place.area,
    }
}

/// Page numbers for long lists.
#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total_pages: usize,
    pub total_items: usize,
    /// 1-based index of the first and last item on this page.
    pub first_item: usize,
    pub last_item: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageNumber>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageNumber {
    /// True when page numbers were skipped before this one (show 「…」).
    pub gap_before: bool,
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// Site path of page `n` (1-based) of a list at `base` (`partners/`): `partners/`, `partners/page/2/`.
pub fn page_path(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// Page numbers worth showing: the first, the last and two either side of the current one,
/// so a 200-page list does not print 200 links on every page.
fn page_window(current: usize, total: usize) -> Vec<usize> {
    (1..=total)
        .filter(|&n| n == 1 || n == total || n.abs_diff(current) <= 2)
        .collect()
}

pub fn pagination(
    site: &Site,
    base: &str,
    current: usize,
    per_page: usize,
    total_items: usize,
) -> Pagination {
    let total_pages = total_items.div_ceil(per_page).max(1);
    let url = |n: usize| site.config.urls.path(&page_path(base, n));
    Pagination {
        current,
        total_pages,
        total_items,
        first_item: ((current - 1) * per_page + 1).min(total_items),
        last_item: (current * per_page).min(total_items),
        prev: (current > 1).then(|| url(current - 1)),
        next: (current < total_pages).then(|| url(current + 1)),
        pages: page_window(current, total_pages)
            .into_iter()
            .scan(0, |last, n| {
                let gap_before = n > *last + 1;
                *last = n;
                Some(PageNumber {
                    gap_before,
                    number: n,
                    url: url(n),
                    current: n == current,
                })
            })
            .collect(),
    }
}
