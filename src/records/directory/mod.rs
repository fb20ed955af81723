//! The partner directory: 連携医療機関, 介護・福祉事業所 and 登録医.
//!
//! This module owns what a directory entry is and the rules for it (kinds, readings, lists,
//! numbers). Cross-record links (a doctor's clinic, a pathway's participants) are resolved
//! later by [`crate::site`], once every file has been read.

pub mod browse;
pub mod gojuon;
pub mod hours;

use chrono::NaiveDate;

use crate::content::fields::Fields;
use crate::japanese;
use crate::japanese::phone::Phone;
use crate::records::meta::{check_in_list, read_url, LoadCtx, Meta};
use crate::yaml::Value;

pub use hours::HoursRow;

/// 連携医療機関の種別.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartnerKind {
    Clinic,
    Hospital,
    Dental,
    Pharmacy,
}

impl PartnerKind {
    pub const ALL: [PartnerKind; 4] = [
        PartnerKind::Clinic,
        PartnerKind::Hospital,
        PartnerKind::Dental,
        PartnerKind::Pharmacy,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PartnerKind::Clinic => "clinic",
            PartnerKind::Hospital => "hospital",
            PartnerKind::Dental => "dental",
            PartnerKind::Pharmacy => "pharmacy",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PartnerKind::Clinic => "診療所",
            PartnerKind::Hospital => "病院",
            PartnerKind::Dental => "歯科",
            PartnerKind::Pharmacy => "薬局",
        }
    }
}

/// A name with its reading, for people (院長, 登録医).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Person {
    pub name: String,
    pub yomi: Option<String>,
}

/// What partners and care offices share: where they are and how to reach them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Place {
    pub name: String,
    pub yomi: String,
    pub area: String,
    pub postal: String,
    pub address: String,
    pub geo: Option<[f64; 2]>,
    /// OpenStreetMap link for the place (by coordinates, else by address).
    pub map_url: String,
    pub map_label: &'static str,
    pub tel: Option<Phone>,
    pub fax: Option<Phone>,
    /// The office's own website. Serialised as `website`: `url` is the record's page.
    #[serde(rename = "website")]
    pub url: Option<String>,
    pub hours: Vec<HoursRow>,
    pub hours_note: Option<String>,
    pub updated: Option<NaiveDate>,
    /// 「2026年4月1日(水)」
    pub updated_ja: Option<String>,
    /// Where `name` and `tel` were written, for duplicate warnings.
    #[serde(skip)]
    pub name_pos: crate::yaml::Pos,
    #[serde(skip)]
    pub tel_pos: crate::yaml::Pos,
}

/// 連携医療機関.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Partner {
    #[serde(flatten)]
    pub meta: Meta,
    #[serde(flatten)]
    pub place: Place,
    pub kind: PartnerKind,
    pub kind_label: &'static str,
    pub departments: Vec<String>,
    pub director: Option<Person>,
    pub services: Vec<String>,
    pub registered: bool,
    pub beds: Option<i64>,
    pub navii_id: Option<String>,
}

/// 介護・福祉事業所.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CareOffice {
    #[serde(flatten)]
    pub meta: Meta,
    #[serde(flatten)]
    pub place: Place,
    pub services: Vec<String>,
    pub office_number: Option<String>,
    pub operator: Option<String>,
    pub capacity: Option<i64>,
    pub accepting: Option<bool>,
}

/// 登録医: a doctor registered with the hospital.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Doctor {
    #[serde(flatten)]
    pub meta: Meta,
    pub name: String,
    pub yomi: String,
    /// Slug of the partner the doctor works at; checked by the site model.
    pub partner: String,
    #[serde(skip)]
    pub partner_pos: crate::yaml::Pos,
    pub departments: Vec<String>,
    pub specialties: Vec<String>,
    pub registered_since: Option<NaiveDate>,
    pub registered_since_ja: Option<String>,
    pub co_treatment: bool,
}

/// Checks a reading: kana (either script), spaces and the ASCII used in branch names.
fn read_yomi(f: &mut Fields, key: &'static str, required: bool) -> Option<String> {
    let yomi = if required {
        f.req_text(key)
    } else {
        f.text(key)
    }?;
    if let Some(bad) = yomi.chars().find(|c| !japanese::is_reading_char(*c)) {
        let pos = f.key_pos(key);
        f.report().error(
            pos,
            &f.path(key),
            format!("よみに「{bad}」は使えません。ひらがなかカタカナで書いてください"),
            Some("ひらがな・カタカナ (例: さくらないかくりにっく)"),
        );
        return None;
    }
    Some(yomi)
}

fn read_person(f: &mut Fields, key: &'static str) -> Option<Person> {
    let mut p = f.nested(key)?;
    let name = p.req_text("name");
    let yomi = read_yomi(&mut p, "yomi", false);
    p.finish();
    Some(Person { name: name?, yomi })
}

fn read_list_checked(
    f: &mut Fields,
    key: &'static str,
    list: &[String],
    list_name: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    for (i, (value, pos)) in f.text_list(key).into_iter().enumerate() {
        let field = format!("{}[{i}]", f.path(key));
        if check_in_list(f, &field, &value, pos, list, list_name) && !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

/// `draft`: a record still being completed (open data imports lack tel and 郵便番号); those two
/// may be missing and are listed as warnings, so the rest of the record is checked as usual.
fn read_place(f: &mut Fields, ctx: &LoadCtx, draft: bool) -> Option<Place> {
    let name = f.req_text("name");
    let yomi = read_yomi(f, "yomi", true);
    let area = f.req_text("area");
    if let Some(a) = &area {
        let pos = f.key_pos("area");
        check_in_list(f, "area", a, pos, &ctx.config.areas, "areas");
    }
    let (postal, address) = match f.nested("address") {
        Some(mut a) => {
            let postal = if draft && a.node("postal").is_none() {
                a.report().warn(
                    a.pos(),
                    "address.postal",
                    "下書き: 郵便番号がまだありません。公開する前に postal を書いてください",
                );
                Some(String::new())
            } else {
                a.postal("postal")
            };
            let text = a.req_text("text");
            a.finish();
            (postal, text)
        }
        None => {
            f.require("address", "", "{postal: \"123-4567\", text: 住所}");
            (None, None)
        }
    };
    let geo = f.node("geo").and_then(|node| {
        let nums: Option<Vec<f64>> = match &node.value {
            Value::Seq(items) if items.len() == 2 => items
                .iter()
                .map(|i| match i.value {
                    Value::Float(x) => Some(x),
                    Value::Int(x) => Some(x as f64),
                    _ => None,
                })
                .collect(),
            _ => None,
        };
        match nums {
            Some(v) if (-90.0..=90.0).contains(&v[0]) && (-180.0..=180.0).contains(&v[1]) => {
                Some([v[0], v[1]])
            }
            _ => {
                f.report().error(
                    node.pos,
                    "geo",
                    "緯度と経度を [緯度, 経度] の 2 つの数で書いてください",
                    Some("[31.6, 130.55]"),
                );
                None
            }
        }
    });
    if draft && f.node("tel").is_none() {
        f.report().warn(
            f.key_pos("tel"),
            "tel",
            "下書き: 電話番号がまだありません。公開する前に tel を書いてください",
        );
    }
    let tel = f.phone("tel", !draft);
    let fax = f.phone("fax", false);
    let url = read_url(f, "url");
    let hours = hours::read_hours(f);
    let hours_note = f.text("hours_note");
    let updated = f.date("updated");
    if let Some(date) = updated {
        // A stale phone number or 診療時間 sends a patient to a closed door; a year is the
        // interval at which offices usually re-survey their partners.
        let stale = match date.checked_add_months(chrono::Months::new(12)) {
            Some(year_later) => f.report().passed(ctx.build_date, year_later),
            // No day a year on: every build is after it.
            None => true,
        };
        if stale {
            f.report().warn(
                f.key_pos("updated"),
                "updated",
                format!(
                    "情報の更新日({date})から 1 年以上たっています。電話番号や診療時間が今も正しいか確かめ、updated を確かめた日にしてください"
                ),
            );
        }
    }
    let name_pos = f.key_pos("name");
    let tel_pos = f.key_pos("tel");
    let address = address?;
    let (map_url, map_label) = crate::site::url::map_link(geo, &address);
    Some(Place {
        name: name?,
        yomi: yomi?,
        area: area?,
        postal: postal?,
        address,
        geo,
        map_url,
        map_label,
        tel,
        fax,
        url,
        hours,
        hours_note,
        updated,
        updated_ja: updated.map(japanese::format_date),
        name_pos,
        tel_pos,
    })
}

/// Reads a `partners/` record.
pub fn read_partner(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<Partner> {
    let place = read_place(f, ctx, meta.draft);
    if f.node("fax").is_none() {
        // Referrals and FAX予約 go by FAX; a partner page without one leaves the hospital side
        // unable to send the reply (返書) the usual way.
        if f.is_written("fax") {
            f.report().warn(
                f.key_pos("fax"),
                "fax",
                "FAX 番号が書かれていません。紹介状の返書や予約票は FAX で送るため、書き入れてください",
            );
        } else {
            f.report().warn(
                f.key_pos("tel"),
                "fax",
                "FAX 番号がありません。紹介状の返書や予約票は FAX で送るため、tel の次の行に fax: \"099-…\" を書いてください",
            );
        }
    }
    let kinds = PartnerKind::ALL.map(|k| (k.key(), k));
    let kind = f.choice(
        "kind",
        &kinds,
        "clinic(診療所) / hospital(病院) / dental(歯科) / pharmacy(薬局)",
    );
    let departments = read_list_checked(f, "departments", &ctx.config.departments, "departments");
    let services = read_list_checked(f, "services", &ctx.config.services, "services");
    let director = read_person(f, "director");
    let registered = f.bool("registered").unwrap_or(false);
    let beds = f.int("beds");
    if let Some(b) = beds {
        if b < 0 {
            f.report().error(
                f.key_pos("beds"),
                "beds",
                "病床数は 0 以上で書いてください",
                Some("0 以上の整数"),
            );
        }
    }
    let navii_id = f.text("navii_id");
    if let Some(id) = &navii_id {
        if id.len() != 13 || !id.bytes().all(|b| b.is_ascii_digit()) {
            f.report().error(
                f.key_pos("navii_id"),
                "navii_id",
                format!("医療情報ネットの ID「{id}」は 13 桁の数字ではありません"),
                Some("13 桁の数字"),
            );
        }
    }
    let place = place?;
    // Only a draft may lack its phone number (its missing tel was reported above); it is still
    // a record, shown by `--drafts` previews.
    if !meta.draft {
        place.tel.as_ref()?;
    }
    let kind = kind?;
    Some(Partner {
        meta,
        place,
        kind,
        kind_label: kind.label(),
        departments,
        director,
        services,
        registered,
        beds,
        navii_id,
    })
}

/// Reads a `care/` record.
pub fn read_care(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<CareOffice> {
    let place = read_place(f, ctx, meta.draft);
    let services = read_list_checked(f, "services", &ctx.config.care_services, "care_services");
    f.require(
        "services",
        "",
        "[訪問看護] のような介護サービス種別のリスト",
    );
    let office_number = f.text("office_number");
    if let Some(n) = &office_number {
        if n.len() != 10 || !n.bytes().all(|b| b.is_ascii_digit()) {
            f.report().error(
                f.key_pos("office_number"),
                "office_number",
                format!("介護保険事業所番号「{n}」は 10 桁の数字ではありません(先頭の 0 が消えていないか確認し、\"…\" で囲んでください)"),
                Some("\"4670100123\" のような 10 桁の数字"),
            );
        }
    }
    let operator = f.text("operator");
    let capacity = f.int("capacity");
    let accepting = f.bool("accepting");
    let place = place?;
    if !meta.draft {
        place.tel.as_ref()?;
    }
    Some(CareOffice {
        meta,
        place,
        services,
        office_number,
        operator,
        capacity,
        accepting,
    })
}

/// Reads a `doctors/` record.
pub fn read_doctor(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<Doctor> {
    let name = f.req_text("name");
    let yomi = read_yomi(f, "yomi", true);
    let partner = f.req_text("partner");
    let partner_pos = f.node("partner").map(|n| n.pos).unwrap_or(f.pos());
    let departments = read_list_checked(f, "departments", &ctx.config.departments, "departments");
    let specialties = f
        .text_list("specialties")
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    let registered_since = f.date("registered_since");
    let co_treatment = f.bool("co_treatment").unwrap_or(false);
    Some(Doctor {
        meta,
        name: name?,
        yomi: yomi?,
        partner: partner?,
        partner_pos,
        departments,
        specialties,
        registered_since,
        registered_since_ja: registered_since.map(japanese::format_date),
        co_treatment,
    })
}
