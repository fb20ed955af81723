//! 医療機器の共同利用: the hospital's CT, MRI, 骨密度, 超音波, 内視鏡 … that partner clinics book
//! for their own patients — what is offered, when, how to book, what to send, how results come
//! back, and the self-pay prices with their 改定日.

use chrono::NaiveDate;
use serde::Serialize;

use crate::content::fields::Fields;
use crate::japanese;
use crate::records::meta::{LoadCtx, Meta};
use crate::yaml::Pos;

#[derive(Debug, Clone, Serialize)]
pub struct Equipment {
    #[serde(flatten)]
    pub meta: Meta,
    pub title: String,
    /// The short name the overview compares by: CT, MRI, 骨密度 …
    pub modality: String,
    /// The machine, if worth saying (「80列マルチスライスCT(2024年導入)」).
    pub device: Option<String>,
    /// What can be booked (単純CT, 造影CT …).
    pub offered: Vec<String>,
    /// Days and times (「平日 9:00〜16:00(造影は火・木の午後)」).
    pub schedule: String,
    /// The booking flow, step by step (電話 → 申込書をFAX → 予約票を返信).
    pub booking: Vec<String>,
    /// What must come with the booking (造影: クレアチニン値, 問診票 …).
    pub prerequisites: Vec<String>,
    /// How results come back (読影レポート, 画像CD-R, 緊急はFAX・電話).
    pub results: Vec<String>,
    /// The 様式 to book with, by slug: a link to `/forms/<slug>/`, checked when linking.
    pub form: Option<String>,
    #[serde(skip)]
    pub form_pos: Pos,
    pub prices: Option<Prices>,
    /// Place in the office's own order (the overview and the list); then title.
    pub order: i64,
}

/// 自費の料金表 with its 改定日.
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct Prices {
    pub revised: NaiveDate,
    pub revised_ja: String,
    /// 「税込。保険診療では自己負担の割合に応じた額です」.
    pub note: Option<String>,
    pub items: Vec<Price>,
}

#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct Price {
    pub name: String,
    pub yen: u64,
    /// 「13,500円」: yen with thousands separators, as price lists print them.
    pub display: String,
}

pub fn read_equipment(f: &mut Fields, _ctx: &LoadCtx, meta: Meta) -> Option<Equipment> {
    let title = f.req_text("title");
    let order = f.int("order").unwrap_or(100);
    let modality = f.req_text("modality");
    let device = f.text("device");
    let offered = texts(f, "offered");
    let schedule = f.req_text("schedule");
    let booking = texts(f, "booking");
    f.require(
        "booking",
        "(予約の手順)",
        "[電話で日時を確認, 検査予約申込書をFAX, 予約票をFAXで返信]",
    );
    let prerequisites = texts(f, "prerequisites");
    let results = texts(f, "results");
    let form_pos = f.key_pos("form");
    let form = f.text("form");
    let prices = f.nested("prices").and_then(|mut p| {
        let revised = p.date("revised");
        if p.node("revised").is_none() {
            p.report().error(
                p.pos(),
                &p.path("revised"),
                "料金表の改定日(revised)がありません",
                Some("2026-04-01"),
            );
        }
        let note = p.text("note");
        let items = p
            .list("items")
            .into_iter()
            .filter_map(|(path, node)| {
                let mut i = Fields::new(node, &path, p.report())?;
                let name = i.req_text("name");
                let yen = i.int("yen");
                i.require("yen", "", "金額(円、半角数字): 13500");
                let yen = match yen {
                    Some(y) if y >= 0 => Some(y as u64),
                    Some(_) => {
                        i.report().error(
                            i.key_pos("yen"),
                            &i.path("yen"),
                            "金額がマイナスです",
                            Some("13500"),
                        );
                        None
                    }
                    None => None,
                };
                i.finish();
                let yen = yen?;
                Some(Price {
                    name: name?,
                    yen,
                    display: format!("{}円", japanese::thousands(yen)),
                })
            })
            .collect();
        p.finish();
        let revised = revised?;
        Some(Prices {
            revised,
            revised_ja: japanese::format_date(revised),
            note,
            items,
        })
    });
    Some(Equipment {
        meta,
        title: title?,
        modality: modality?,
        device,
        offered,
        schedule: schedule?,
        booking,
        prerequisites,
        results,
        form,
        form_pos,
        prices,
        order,
    })
}

fn texts(f: &mut Fields, key: &'static str) -> Vec<String> {
    f.text_list(key).into_iter().map(|(s, _)| s).collect()
}

/// In the office's order (`order:`), then by title: CT and MRI side by side as the office lists
/// them, not as Unicode sorts their names.
pub fn sort(items: &mut [Equipment]) {
    items.sort_by(|a, b| {
        a.order
            .cmp(&b.order)
            .then(a.title.cmp(&b.title))
            .then(a.meta.slug.cmp(&b.meta.slug))
    });
}
