//! `content/site.yaml`: the site's identity, its liaison window and the lists records must use.
//!
//! The lists (areas, 診療科, services, 介護サービス, news categories) are what make the directory
//! browsable: a record may only name values from them, so 「循環器科」 cannot quietly create a
//! second heading beside 「循環器内科」. Sensible national defaults ship here; a site replaces a
//! list by writing it.

use crate::content::fields::Fields;
use crate::content::numbers::Book;
use crate::content::report::FileReport;
use crate::japanese::phone::Phone;
use crate::records::desk::{self, Desk};
use crate::site::url::Urls;
use crate::yaml::{Node, Value};

/// 標榜診療科 (医療法施行令 第3条の2 names, incl. common 内科・外科 combinations and 歯科).
pub const DEFAULT_DEPARTMENTS: &[&str] = &[
    "内科",
    "呼吸器内科",
    "循環器内科",
    "消化器内科",
    "腎臓内科",
    "脳神経内科",
    "糖尿病内科",
    "内分泌内科",
    "血液内科",
    "感染症内科",
    "老年内科",
    "心療内科",
    "緩和ケア内科",
    "人工透析内科",
    "腫瘍内科",
    "外科",
    "呼吸器外科",
    "心臓血管外科",
    "消化器外科",
    "乳腺外科",
    "肛門外科",
    "脳神経外科",
    "整形外科",
    "形成外科",
    "小児科",
    "小児外科",
    "産婦人科",
    "産科",
    "婦人科",
    "眼科",
    "耳鼻いんこう科",
    "皮膚科",
    "泌尿器科",
    "精神科",
    "児童精神科",
    "アレルギー科",
    "リウマチ科",
    "リハビリテーション科",
    "放射線科",
    "病理診断科",
    "臨床検査科",
    "救急科",
    "麻酔科",
    "歯科",
    "小児歯科",
    "矯正歯科",
    "歯科口腔外科",
];

/// 対応可能な診療・検査 that referral staff and families look for.
pub const DEFAULT_SERVICES: &[&str] = &[
    "往診",
    "訪問診療",
    "在宅看取り",
    "在宅療養支援診療所",
    "24時間対応",
    "上部消化管内視鏡",
    "大腸内視鏡",
    "CT",
    "MRI",
    "超音波検査",
    "骨密度測定",
    "心電図",
    "ホルター心電図",
    "睡眠時無呼吸検査",
    "在宅酸素療法",
    "緩和ケア",
    "認知症診療",
    "禁煙外来",
    "予防接種",
    "特定健診",
    "がん検診",
    "発熱外来",
    "オンライン診療",
    "インスリン導入",
    "小児在宅医療",
    "人工透析",
    "訪問歯科診療",
    "口腔ケア",
    "摂食嚥下評価",
    "障害者歯科",
    "在宅訪問（居宅療養管理指導）",
    "無菌調剤",
    "麻薬調剤",
    "オンライン服薬指導",
    "健康サポート薬局",
];

/// 介護サービス種別 as in 介護サービス情報公表システム, plus 地域包括支援センター.
pub const DEFAULT_CARE_SERVICES: &[&str] = &[
    "居宅介護支援",
    "訪問介護",
    "訪問入浴介護",
    "訪問看護",
    "訪問リハビリテーション",
    "通所介護",
    "地域密着型通所介護",
    "通所リハビリテーション",
    "認知症対応型通所介護",
    "短期入所生活介護",
    "短期入所療養介護",
    "小規模多機能型居宅介護",
    "看護小規模多機能型居宅介護",
    "定期巡回・随時対応型訪問介護看護",
    "夜間対応型訪問介護",
    "認知症対応型共同生活介護",
    "特定施設入居者生活介護",
    "介護老人福祉施設",
    "地域密着型介護老人福祉施設",
    "介護老人保健施設",
    "介護医療院",
    "福祉用具貸与",
    "特定福祉用具販売",
    "地域包括支援センター",
];

pub const DEFAULT_NEWS_CATEGORIES: &[&str] =
    &["お知らせ", "休診・代診", "研修会", "広報誌", "採用"];

/// The hospital the office belongs to.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hospital {
    pub name: String,
    pub postal: String,
    pub address: String,
    pub tel: Phone,
    pub fax: Option<Phone>,
}

/// 地域医療連携室の窓口: the numbers every page shows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Liaison {
    pub tel: Phone,
    pub fax: Phone,
    pub hours: String,
    pub email: Option<String>,
}

/// Everything `site.yaml` says.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: String,
    pub base_url: String,
    pub urls: Urls,
    pub hospital: Hospital,
    /// The liaison office's own window: `liaison:` in site.yaml, or the desk it names.
    pub liaison: Liaison,
    /// 窓口: every desk, in the order site.yaml lists them.
    pub desks: Vec<Desk>,
    /// The numbers bodies refer to by name (`{{ desk.renkei.fax }}`).
    pub numbers: Book,
    pub areas: Vec<String>,
    pub departments: Vec<String>,
    pub services: Vec<String>,
    pub care_services: Vec<String>,
    pub news_categories: Vec<String>,
    pub theme: String,
    /// 出典: credit lines shown in every page's footer. `renkei import navii|kaigo` adds the
    /// ones the open-data licences (PDL1.0, CC BY 4.0) require.
    pub attributions: Vec<String>,
}

impl SiteConfig {
    /// The office's own name: the title without the hospital's name (「地域医療連携室」).
    pub fn office(&self) -> String {
        self.title
            .replacen(&self.hospital.name, "", 1)
            .trim()
            .to_string()
    }
}

fn list_or_default(fields: &mut Fields, key: &'static str, default: &[&str]) -> Vec<String> {
    let present = fields.node(key).is_some();
    let list: Vec<String> = fields.text_list(key).into_iter().map(|(s, _)| s).collect();
    if present {
        list
    } else {
        default.iter().map(|s| s.to_string()).collect()
    }
}

/// Which base_url a build uses. The choice is made here, after `site.yaml` is read once, so
/// the preview needs no second reading of it to learn the site's sub-path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum BaseUrl {
    /// `site.yaml`'s own: what gets published.
    #[default]
    Site,
    /// `--base-url`, as given.
    Given(String),
    /// `renkei serve`: this origin (`http://127.0.0.1:8000`) with the sub-path of `site.yaml`'s
    /// base_url, so links behave in the preview as they will when published.
    Preview(String),
}

impl BaseUrl {
    /// The base_url to build with, given the one `site.yaml` holds (if it holds a valid one).
    fn choose(&self, site: Option<String>) -> Option<String> {
        match self {
            BaseUrl::Site => site,
            BaseUrl::Given(url) => Some(url.clone()),
            // An invalid base_url is kept, so that its error is reported against site.yaml.
            BaseUrl::Preview(origin) => match site.as_deref().map(Urls::new) {
                Some(Ok(urls)) => Some(format!("{origin}{}", urls.prefix())),
                _ => site,
            },
        }
    }
}

/// Reads `site.yaml`; `choice` says whether its base_url or another is built with.
pub fn read(node: &Node, report: &FileReport, choice: &BaseUrl) -> Option<SiteConfig> {
    let mut f = Fields::new(node, "", report)?;
    let title = f.req_text("title");
    let base_url = choice.choose(f.req_text("base_url"));
    let urls = base_url.as_deref().and_then(|b| match Urls::new(b) {
        Ok(u) => Some(u),
        Err(e) => {
            report.error(
                f.key_pos("base_url"),
                "base_url",
                e,
                Some("https://www.example.jp/renkei/"),
            );
            None
        }
    });

    let hospital = f.nested("hospital").and_then(|mut h| {
        let name = h.req_text("name");
        let (postal, address) = h
            .nested("address")
            .map(|mut a| {
                let postal = a.postal("postal");
                let text = a.req_text("text");
                a.finish();
                (postal, text)
            })
            .unwrap_or_default();
        let tel = h.phone("tel", true);
        let fax = h.phone("fax", false);
        h.finish();
        Some(Hospital {
            name: name?,
            postal: postal.unwrap_or_default(),
            address: address.unwrap_or_default(),
            tel: tel?,
            fax,
        })
    });
    if f.node("hospital").is_none() {
        report.error(
            f.pos(),
            "hospital",
            "必須の項目がありません",
            Some("{name, address: {postal, text}, tel, fax}"),
        );
    }

    let desks = read_desks(&mut f);
    let liaison = read_liaison(&mut f, &desks);

    let areas: Vec<String> = f.text_list("areas").into_iter().map(|(s, _)| s).collect();
    if areas.is_empty() {
        report.error(
            f.key_pos("areas"),
            "areas",
            "地区を 1 つ以上書いてください",
            Some("[北部, 中央, 南部]"),
        );
    }
    let departments = list_or_default(&mut f, "departments", DEFAULT_DEPARTMENTS);
    let services = list_or_default(&mut f, "services", DEFAULT_SERVICES);
    let care_services = list_or_default(&mut f, "care_services", DEFAULT_CARE_SERVICES);
    let news_categories = list_or_default(&mut f, "news_categories", DEFAULT_NEWS_CATEGORIES);
    let theme = read_theme(&mut f);
    let attributions: Vec<String> = f
        .text_list("attributions")
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    f.finish();

    let numbers = Book::new(hospital.as_ref()?, liaison.as_ref()?, &desks);
    for prose in desks.iter().flat_map(|d| &d.prose) {
        numbers.check_prose(prose, report);
    }
    Some(SiteConfig {
        title: title?,
        base_url: base_url?,
        urls: urls?,
        numbers,
        hospital: hospital?,
        liaison: liaison?,
        desks,
        areas,
        departments,
        services,
        care_services,
        news_categories,
        theme,
        attributions,
    })
}

/// `theme:`, a folder name in `themes/`. A path (`../shared-theme`, `/srv/theme`) would load
/// templates from outside the site, which `build` does not watch when it decides whether
/// anything changed since the last build, and which `serve` does not watch either.
fn read_theme(f: &mut Fields) -> String {
    let Some(name) = f.text("theme") else {
        return "default".to_string();
    };
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':'])
        && std::path::Path::new(&name).components().count() == 1;
    if !plain {
        let pos = f.node("theme").map_or(f.key_pos("theme"), |n| n.pos);
        f.report().error(
            pos,
            "theme",
            format!("テーマは themes/ の中のフォルダ名で書いてください(「{name}」はフォルダ名ではありません)"),
            Some("default(themes/default/ を使う)"),
        );
        return "default".to_string();
    }
    name
}

/// `desks:`, each desk's `id` once.
fn read_desks(f: &mut Fields) -> Vec<Desk> {
    let mut desks: Vec<Desk> = Vec::new();
    for (path, node) in f.list("desks") {
        let Some(mut d) = Fields::new(node, &path, f.report()) else {
            continue;
        };
        let Some(desk) = desk::read(&mut d) else {
            d.finish();
            continue;
        };
        if desks.iter().any(|other| other.id == desk.id) {
            d.report().error(
                d.key_pos("id"),
                &d.path("id"),
                format!("id「{}」の窓口がすでにあります", desk.id),
                Some("窓口ごとに別の id"),
            );
        }
        d.finish();
        desks.push(desk);
    }
    desks
}

/// `liaison:` is the liaison window's own numbers, or the `id` of the desk that is that window
/// (so its numbers are written once, in `desks:`).
fn read_liaison(f: &mut Fields, desks: &[Desk]) -> Option<Liaison> {
    let Some(node) = f.node("liaison") else {
        f.report().error(
            f.pos(),
            "liaison",
            "必須の項目がありません",
            Some("{tel, fax, hours} か、desks の id"),
        );
        return None;
    };
    if let Value::Str(id) = &node.value {
        let Some(desk) = desks.iter().find(|d| &d.id == id) else {
            let hint = crate::diagnostics::suggest(id, desks.iter().map(|d| d.id.as_str()));
            f.report().error(
                node.pos,
                "liaison",
                format!("id「{id}」の窓口が desks にありません{hint}"),
                Some("desks に書いた窓口の id"),
            );
            return None;
        };
        let (Some(tel), Some(fax)) = (&desk.tel, &desk.fax) else {
            f.report().error(
                node.pos,
                "liaison",
                format!(
                    "連携窓口の「{}」には tel と fax の両方が必要です",
                    desk.name
                ),
                Some("tel と fax のある窓口"),
            );
            return None;
        };
        return Some(Liaison {
            tel: tel.clone(),
            fax: fax.clone(),
            hours: desk.hours.clone(),
            email: desk.email.clone(),
        });
    }
    let mut l = f.nested("liaison")?;
    let tel = l.phone("tel", true);
    let fax = l.phone("fax", true);
    let hours = l.req_text("hours");
    let email = l.text("email");
    l.finish();
    Some(Liaison {
        tel: tel?,
        fax: fax?,
        hours: hours?,
        email,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    const SITE: &str = "title: テスト病院 地域医療連携室\nbase_url: https://www.example.jp/renkei/\nhospital:\n  name: テスト病院\n  address: {postal: \"899-0101\", text: 汐見県みなと市本町1-2-3}\n  tel: \"099-201-1000\"\nliaison: {tel: \"099-201-1100\", fax: \"099-201-1101\", hours: 平日 8:30〜17:00}\nareas: [北部, 中央]\n";

    #[test]
    fn reads_a_minimal_site_with_default_lists() {
        let node = yaml::parse(SITE, 1).unwrap();
        let report = FileReport::new("content/site.yaml");
        let cfg = read(&node, &report, &BaseUrl::Site).unwrap();
        assert!(!report.has_errors(), "{:?}", report.into_diagnostics());
        assert_eq!(cfg.urls.prefix(), "/renkei/");
        assert!(cfg.departments.iter().any(|d| d == "耳鼻いんこう科"));
        assert_eq!(cfg.liaison.fax.display, "099-201-1101");
    }

    #[test]
    fn base_url_override_wins() {
        let node = yaml::parse(SITE, 1).unwrap();
        let report = FileReport::new("content/site.yaml");
        let cfg = read(
            &node,
            &report,
            &BaseUrl::Given("http://127.0.0.1:8000/".into()),
        )
        .unwrap();
        assert_eq!(cfg.urls.prefix(), "/");
    }

    #[test]
    fn a_preview_keeps_the_sites_sub_path_on_its_own_origin() {
        let node = yaml::parse(SITE, 1).unwrap();
        let report = FileReport::new("content/site.yaml");
        let preview = BaseUrl::Preview("http://[::1]:8000".into());
        let cfg = read(&node, &report, &preview).unwrap();
        assert_eq!(cfg.base_url, "http://[::1]:8000/renkei/");
        // A base_url that is not a URL is still reported against site.yaml, not hidden.
        let bad = SITE.replace("https://www.example.jp/renkei/", "www.example.jp");
        let report = FileReport::new("content/site.yaml");
        assert!(read(&yaml::parse(&bad, 1).unwrap(), &report, &preview).is_none());
        assert!(report.has_errors());
    }

    #[test]
    fn a_theme_is_a_folder_name_in_themes_never_a_path() {
        for ok in ["default", "mine", "病院テーマ"] {
            let text = format!("{SITE}theme: {ok}\n");
            let report = FileReport::new("content/site.yaml");
            let cfg = read(&yaml::parse(&text, 1).unwrap(), &report, &BaseUrl::Site).unwrap();
            assert_eq!(cfg.theme, ok);
            assert!(!report.has_errors());
        }
        for bad in ["../shared", "/srv/theme", "a/b", "..", ".hidden", "c:\\x"] {
            let text = format!("{SITE}theme: '{bad}'\n");
            let report = FileReport::new("content/site.yaml");
            let _ = read(&yaml::parse(&text, 1).unwrap(), &report, &BaseUrl::Site);
            let lines = report.into_messages();
            assert!(
                lines
                    .iter()
                    .any(|l| l.contains("site.yaml:9") && l.contains("theme")),
                "{bad}: {lines:?}"
            );
        }
    }
}
