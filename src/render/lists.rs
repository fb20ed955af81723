//! Pages that gather many records: the home page, collection lists, browse pages, the
//! printable directory and the pathway matrix. Each function returns the page's site path,
//! its template and its context; [`super::render_job`] renders them like any other page.

use std::sync::OnceLock;

use serde::Serialize;
use tera::{Context, Value};

use super::context::{self, page_path, pagination, Link};
use super::{page_ctx, PER_PAGE};
use crate::collection::{Collection, Kind};
use crate::diagnostics::Diagnostic;
use crate::site::Site;
use crate::theme::Theme;

/// Each record as list pages show it ([`Kind::list_item`]), made into a template value the
/// first time a page asks for it and shared after. A partner is on nine or so list pages (its
/// area, kind, 五十音 row, each 診療科 and service, the full list, the printable directory),
/// and making it into a value for each of them was a tenth of rendering at 10k records.
/// Values share their maps, so a page's list costs a reference per record.
///
/// For a kind whose lists draw each record with one partial ([`Kind::LIST_ENTRY`]), the value
/// also carries that partial's output as `html`, made with it: drawing the same entry again on
/// each of those pages was half the time the list pages took.
pub(crate) struct Items<'t> {
    made: Vec<Vec<OnceLock<Result<Value, Diagnostic>>>>,
    /// Each collection's [`Kind::list_order`], made once too: a list page shows 50 records of
    /// it, and making the whole order for each page made the list pages grow with the square
    /// of the records (2,000 pages of 100k at 100k partners).
    orders: Vec<OnceLock<Vec<usize>>>,
    theme: Option<&'t Theme>,
}

impl<'t> Items<'t> {
    pub(crate) fn new(site: &Site, theme: &'t Theme) -> Items<'t> {
        Items {
            made: Collection::ALL
                .iter()
                .map(|&c| {
                    let n = crate::for_kind!(c, K => K::all(site).len());
                    (0..n).map(|_| OnceLock::new()).collect()
                })
                .collect(),
            orders: Collection::ALL.iter().map(|_| OnceLock::new()).collect(),
            theme: Some(theme),
        }
    }

    /// No shared entries: each list makes its own, without `html` (pages that show none).
    pub(crate) fn none() -> Items<'t> {
        Items {
            made: Vec::new(),
            orders: Vec::new(),
            theme: None,
        }
    }

    /// Where `c` is in [`Collection::ALL`], which is how both tables are laid out.
    fn at(c: Collection) -> Option<usize> {
        Collection::ALL.iter().position(|x| *x == c)
    }

    /// `K`'s records in list order, made the first time a list page asks.
    fn order<K: Kind>(&self, site: &Site) -> std::borrow::Cow<'_, [usize]> {
        match Self::at(K::COLLECTION).and_then(|at| self.orders.get(at)) {
            Some(cell) => cell.get_or_init(|| K::list_order(site)).into(),
            None => K::list_order(site).into(),
        }
    }

    /// Records `items` of `K` as one template list; an error if a record's entry partial
    /// fails.
    pub(crate) fn of<K: Kind>(&self, site: &Site, items: &[usize]) -> Result<Value, Diagnostic> {
        let made = Self::at(K::COLLECTION).and_then(|at| self.made.get(at));
        let value = |i: usize| match made.and_then(|m| m.get(i)) {
            Some(cell) => cell.get_or_init(|| self.item::<K>(site, i)).clone(),
            None => Ok(K::list_item(site, i)),
        };
        let values = items
            .iter()
            .map(|&i| value(i))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Value::from(values))
    }

    /// Record `i`'s value, with its entry drawn where its kind has one.
    fn item<K: Kind>(&self, site: &Site, i: usize) -> Result<Value, Diagnostic> {
        let item = K::list_item(site, i);
        let (Some(theme), Some(entry)) = (self.theme, K::LIST_ENTRY) else {
            return Ok(item);
        };
        if item.as_map().is_none() {
            return Ok(item);
        }
        let mut ctx = Context::new();
        ctx.insert_value("item", item.clone());
        let html = theme.render(entry, &ctx)?;
        drop(ctx);
        // A map of exactly the room it needs: the value's own map was made with none to
        // spare, and one more entry would double it, for each of 100k records at once.
        let fields = item.into_map().unwrap_or_default();
        let mut map = tera::Map::with_capacity(fields.len() + 1);
        map.extend(fields);
        map.insert(
            "html".into(),
            Value::safe_string(&String::from_utf8_lossy(&html)),
        );
        Ok(Value::from(map))
    }
}

/// Links from a record's tags (診療科, services) to their browse pages.
pub(crate) fn facet_links(
    facets: &[crate::records::directory::browse::Facet],
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
    use crate::records::seminar::Status;
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
        // Three are shown; the next ones wait, hidden, for dates.js to show them once the
        // first have been held.
        .take(3 + 5)
        .collect();
    let latest: Vec<_> = site.news.iter().take(5).collect();
    let closures = crate::records::closures::listed(&site.closures, site.build_date, 90, 5);
    let mut ctx = Context::new();
    ctx.insert("page", &page);
    ctx.insert("home", &site.home);
    ctx.insert("upcoming_seminars", &upcoming);
    ctx.insert("latest_news", &latest);
    super::insert_closures(&mut ctx, closures);
    ctx.insert("latest_newsletter", &site.newsletters.first());
    ctx.insert(
        "jsonld",
        &crate::formats::jsonld::to_script(&crate::formats::jsonld::hospital(
            &site.config,
            &page.canonical,
        )),
    );
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
pub(super) fn printable(
    site: &Site,
    shown: &Items,
    c: Collection,
) -> Result<(String, &'static str, Context), Diagnostic> {
    #[derive(Serialize)]
    struct AreaTable<'a> {
        area: &'a str,
        items: Value,
    }
    let facets = crate::for_kind!(c, K => K::facets(site));
    let areas: Vec<AreaTable> = match facets.iter().find(|f| f.key == "area") {
        Some(f) => f
            .groups
            .iter()
            .map(|g| {
                Ok(AreaTable {
                    area: &g.label,
                    items: crate::for_kind!(c, K => shown.of::<K>(site, &g.items))?,
                })
            })
            .collect::<Result<_, Diagnostic>>()?,
        None => Vec::new(),
    };
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
    Ok((path, "print.html", ctx))
}

pub(super) fn browse<K: Kind>(
    site: &Site,
    shown: &Items,
    f: usize,
    g: usize,
    n: usize,
) -> Result<(String, &'static str, Context), Diagnostic> {
    let c = K::COLLECTION;
    let facets = K::facets(site);
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
    ctx.insert_value("items", shown.of::<K>(site, items)?);
    K::list_extras(site, &mut ctx);
    Ok((path, K::BROWSE_TEMPLATE, ctx))
}

/// Page `n` of a collection's list; the first page also offers its browse facets.
pub(super) fn list<K: Kind>(
    site: &Site,
    shown: &Items,
    n: usize,
) -> Result<(String, &'static str, Context), Diagnostic> {
    let c = K::COLLECTION;
    let base = format!("{}/", c.dir());
    let order = shown.order::<K>(site);
    let total = order.len();
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
    let no_facets: &[crate::records::directory::browse::Facet] = &[];
    ctx.insert("facets", if n == 1 { K::facets(site) } else { no_facets });
    ctx.insert_value("items", shown.of::<K>(site, &order[range])?);
    K::list_extras(site, &mut ctx);
    Ok((path, K::LIST_TEMPLATE.unwrap_or("page.html"), ctx))
}
