//! 窓口: the hospital's desks that partner clinics, care managers and families call or FAX —
//! 地域医療連携室, 入退院支援, 医療福祉相談, がん相談支援センター — each with its numbers and its
//! hours per channel.
//!
//! A desk is written once, in `site.yaml`'s `desks:`. The header, footer, home page, vCards and
//! JSON-LD take the liaison desk's numbers from here, and bodies refer to a number by name
//! (`{{ desk.renkei.fax }}`, see [`crate::content::numbers`]) instead of typing it: a FAX number
//! typed in seven places is a FAX sent to an old number after the next change.

use serde::Serialize;

use crate::content::fields::Fields;
use crate::japanese::phone::Phone;
use crate::yaml::Pos;

/// One desk (窓口).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Desk {
    /// How pages refer to it (`renkei` in `{{ desk.renkei.fax }}`): lowercase ASCII, digits, `-`.
    pub id: String,
    pub name: String,
    /// What to contact it for (紹介・予約, 入退院の相談 …).
    pub purpose: Option<String>,
    pub tel: Option<Phone>,
    pub fax: Option<Phone>,
    pub email: Option<String>,
    /// The hours in one line, for headers and lists (平日 8:30〜17:00).
    pub hours: String,
    /// Hours per channel, when they differ: 窓口, 電話, FAX …, with cut-offs in `note`.
    pub channels: Vec<Channel>,
    /// 休業日 (土日祝日、年末年始).
    pub closed: Option<String>,
    /// Its prose fields with their places, for the typed-number check once every desk is read.
    #[serde(skip)]
    pub prose: Vec<Prose>,
}

/// A text field of site.yaml as written, with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Prose {
    pub pos: Pos,
    pub field: String,
    pub text: String,
}

/// The hours of one way to reach a desk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Channel {
    /// 窓口, 電話, FAX, メール.
    pub channel: String,
    pub hours: String,
    /// A cut-off or condition: 「16:00以降に届いたFAXは翌診療日に返信します」.
    pub note: Option<String>,
}

/// Reads one item of `desks:`. `None` when a required field is missing (already reported).
pub fn read(f: &mut Fields) -> Option<Desk> {
    let id = f.req_text("id");
    if let Some(id) = &id {
        if !is_id(id) {
            f.report().error(
                f.key_pos("id"),
                &f.path("id"),
                format!(
                    "「{id}」は id に使えません。半角の英小文字・数字・ハイフンで書いてください"
                ),
                Some("renkei"),
            );
        }
    }
    let name = f.req_text("name");
    let mut prose = Vec::new();
    let mut note_prose = |f: &Fields, key: &str, text: &Option<String>| {
        if let Some(t) = text {
            prose.push(Prose {
                pos: f.key_pos(key),
                field: f.path(key),
                text: t.clone(),
            });
        }
    };
    let purpose = f.text("purpose");
    note_prose(f, "purpose", &purpose);
    let tel = f.phone("tel", false);
    let fax = f.phone("fax", false);
    let email = f.text("email");
    let hours = f.req_text("hours");
    note_prose(f, "hours", &hours);
    let channels = f
        .list("channels")
        .into_iter()
        .filter_map(|(path, node)| {
            let mut c = Fields::new(node, &path, f.report())?;
            let channel = c.req_text("channel");
            let hours = c.req_text("hours");
            let note = c.text("note");
            note_prose(&c, "hours", &hours);
            note_prose(&c, "note", &note);
            c.finish();
            Some(Channel {
                channel: channel?,
                hours: hours?,
                note,
            })
        })
        .collect();
    let closed = f.text("closed");
    note_prose(f, "closed", &closed);
    if tel.is_none() && fax.is_none() && email.is_none() && f.node("tel").is_none() {
        f.report().error(
            f.key_pos("tel"),
            &f.path("tel"),
            "窓口には連絡先(tel, fax, email のどれか)が必要です",
            Some("tel: \"099-201-1100\""),
        );
    }
    Some(Desk {
        id: id.filter(|i| is_id(i))?,
        name: name?,
        purpose,
        tel,
        fax,
        email,
        hours: hours?,
        channels,
        closed,
        prose,
    })
}

fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}
