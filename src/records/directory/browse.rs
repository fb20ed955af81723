//! Browse pages: the directory without search, for phones with JavaScript off and for people
//! who think "内科 in 北部地区", not in keywords.
//!
//! Each facet (地区, 種別, 診療科, 対応, 介護サービスの種類, 五十音) groups record indexes once;
//! every group becomes a paginated list page at a stable URL such as
//! `/partners/area/北部地区/page/2/`. Groups keep the order of site.yaml's lists, so the office
//! decides the order visitors see.

use rayon::prelude::*;

use super::gojuon;
use crate::config::SiteConfig;
use crate::records::directory::{CareOffice, Partner, PartnerKind};

/// 介護サービス grouped the way visitors look for them (介護サービス情報公表システム's types).
pub const CARE_GROUPS: [(&str, &[&str]); 7] = [
    ("相談", &["居宅介護支援", "地域包括支援センター"]),
    (
        "訪問",
        &[
            "訪問介護",
            "訪問入浴介護",
            "訪問看護",
            "訪問リハビリテーション",
            "夜間対応型訪問介護",
            "定期巡回・随時対応型訪問介護看護",
        ],
    ),
    (
        "通所",
        &[
            "通所介護",
            "地域密着型通所介護",
            "通所リハビリテーション",
            "認知症対応型通所介護",
        ],
    ),
    ("短期入所", &["短期入所生活介護", "短期入所療養介護"]),
    (
        "多機能",
        &["小規模多機能型居宅介護", "看護小規模多機能型居宅介護"],
    ),
    (
        "入所・居住",
        &[
            "認知症対応型共同生活介護",
            "特定施設入居者生活介護",
            "介護老人福祉施設",
            "地域密着型介護老人福祉施設",
            "介護老人保健施設",
            "介護医療院",
        ],
    ),
    ("福祉用具", &["福祉用具貸与", "特定福祉用具販売"]),
];

/// One value of a facet and the records that have it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Group {
    /// As shown: 「北部地区」, 「診療所」, 「か行」.
    pub label: String,
    /// Site path of its first page: `partners/area/北部地区/`.
    pub path: String,
    /// Root-relative URL of that page.
    pub url: String,
    /// Indexes into the collection (already in 五十音 order).
    #[serde(skip)]
    pub items: Vec<usize>,
    pub count: usize,
}

/// A way of browsing a collection.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Facet {
    /// URL segment: `area`, `kind`, `department`, `service`, `type`, `gojuon`.
    pub key: &'static str,
    /// Heading: 「地区から探す」.
    pub title: &'static str,
    pub groups: Vec<Group>,
}

/// A folder name for a facet value: the value itself, minus characters a path cannot hold.
fn segment(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_whitespace() || c == '?' || c == '#' || c == '%' {
                '-'
            } else {
                c
            }
        })
        .collect()
}

struct Builder<'a> {
    config: &'a SiteConfig,
    collection: &'static str,
}

impl Builder<'_> {
    /// Groups `n` records by `values`, keeping `order` (values not in it follow, sorted).
    fn facet<'v>(
        &self,
        key: &'static str,
        title: &'static str,
        order: impl IntoIterator<Item = (String, String)>,
        n: usize,
        values: impl Fn(usize) -> Vec<&'v str>,
    ) -> Facet {
        let order: Vec<(String, String)> = order.into_iter().collect();
        let mut groups: Vec<Group> = order
            .iter()
            .map(|(value, label)| {
                let path = format!("{}/{key}/{}/", self.collection, segment(value));
                Group {
                    label: label.clone(),
                    url: self.config.urls.path(&path),
                    path,
                    items: Vec::new(),
                    count: 0,
                }
            })
            .collect();
        for i in 0..n {
            for v in values(i) {
                if let Some(pos) = order.iter().position(|(value, _)| value == v) {
                    if groups[pos].items.last() != Some(&i) {
                        groups[pos].items.push(i);
                    }
                }
            }
        }
        groups.retain(|g| !g.items.is_empty());
        for g in &mut groups {
            g.count = g.items.len();
        }
        Facet { key, title, groups }
    }
}

/// A facet whose groups are given directly: `(label, site path, record indexes)`.
pub fn facet_from(
    config: &SiteConfig,
    key: &'static str,
    title: &'static str,
    groups: Vec<(String, String, Vec<usize>)>,
) -> Facet {
    let groups = groups
        .into_iter()
        .filter(|(_, _, items)| !items.is_empty())
        .map(|(label, path, items)| Group {
            label,
            url: config.urls.path(&path),
            path,
            count: items.len(),
            items,
        })
        .collect();
    Facet { key, title, groups }
}

fn same(list: &[String]) -> Vec<(String, String)> {
    list.iter().map(|v| (v.clone(), v.clone())).collect()
}

fn gojuon_order() -> Vec<(String, String)> {
    gojuon::ROWS
        .iter()
        .map(|r| {
            (
                r.to_string(),
                if *r == "英数" {
                    "英字・数字".to_string()
                } else {
                    format!("{r}行")
                },
            )
        })
        .collect()
}

/// Facets for 連携医療機関.
pub fn partner_facets(config: &SiteConfig, partners: &[Partner]) -> Vec<Facet> {
    let b = Builder {
        config,
        collection: "partners",
    };
    let n = partners.len();
    let rows: Vec<&'static str> = partners
        .par_iter()
        .map(|p| gojuon::row(&p.place.name, &p.place.yomi))
        .collect();
    vec![
        b.facet("area", "地区から探す", same(&config.areas), n, |i| {
            vec![partners[i].place.area.as_str()]
        }),
        b.facet(
            "kind",
            "種別から探す",
            PartnerKind::ALL
                .iter()
                .map(|k| (k.key().to_string(), k.label().to_string())),
            n,
            |i| vec![partners[i].kind.key()],
        ),
        b.facet(
            "department",
            "診療科から探す",
            same(&config.departments),
            n,
            |i| partners[i].departments.iter().map(String::as_str).collect(),
        ),
        b.facet(
            "service",
            "対応できる診療・検査から探す",
            same(&config.services),
            n,
            |i| partners[i].services.iter().map(String::as_str).collect(),
        ),
        b.facet("gojuon", "五十音から探す", gojuon_order(), n, |i| {
            vec![rows[i]]
        }),
    ]
}

/// The visitor group of a care service (「訪問」), or 「その他」 for a site's own types.
pub fn care_group(service: &str) -> &'static str {
    CARE_GROUPS
        .iter()
        .find(|(_, members)| members.contains(&service))
        .map(|(g, _)| *g)
        .unwrap_or("その他")
}

/// Facets for 介護・福祉事業所.
pub fn care_facets(config: &SiteConfig, care: &[CareOffice]) -> Vec<Facet> {
    let b = Builder {
        config,
        collection: "care",
    };
    let n = care.len();
    let rows: Vec<&'static str> = care
        .par_iter()
        .map(|c| gojuon::row(&c.place.name, &c.place.yomi))
        .collect();
    let groups = CARE_GROUPS
        .iter()
        .map(|(g, _)| *g)
        .chain(["その他"])
        .map(|g| (g.to_string(), g.to_string()));
    vec![
        b.facet(
            "type",
            "サービスの種類から探す",
            groups,
            n,
            |i| {
                let mut gs: Vec<&str> = care[i].services.iter().map(|s| care_group(s)).collect();
                gs.dedup();
                gs
            },
        ),
        b.facet("area", "地区から探す", same(&config.areas), n, |i| {
            vec![care[i].place.area.as_str()]
        }),
        b.facet(
            "service",
            "介護サービスから探す",
            same(&config.care_services),
            n,
            |i| care[i].services.iter().map(String::as_str).collect(),
        ),
        b.facet("gojuon", "五十音から探す", gojuon_order(), n, |i| {
            vec![rows[i]]
        }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn care_services_fall_into_visitor_groups() {
        assert_eq!(care_group("訪問看護"), "訪問");
        assert_eq!(care_group("地域包括支援センター"), "相談");
        assert_eq!(care_group("介護医療院"), "入所・居住");
        assert_eq!(care_group("独自サービス"), "その他");
        // Every default care service has a group.
        for s in crate::config::DEFAULT_CARE_SERVICES {
            assert_ne!(care_group(s), "その他", "{s}");
        }
    }

    #[test]
    fn segments_are_safe_folder_names() {
        assert_eq!(
            segment("在宅訪問（居宅療養管理指導）"),
            "在宅訪問（居宅療養管理指導）"
        );
        assert_eq!(segment("a/b c"), "a-b-c");
    }
}
