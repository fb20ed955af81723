//! 地域連携パス: shared care plans between the hospital and its partners.

use crate::content::fields::Fields;
use crate::records::meta::{read_file_links, FileLink, LoadCtx, Meta};
use crate::yaml::Pos;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Pathway {
    #[serde(flatten)]
    pub meta: Meta,
    pub title: String,
    pub disease: String,
    pub summary_text: Option<String>,
    /// Participant references as written (`sakura-naika`, or `care/minato-houkan`), resolved
    /// by the site model.
    #[serde(skip)]
    pub participant_refs: Vec<(String, Pos)>,
    pub documents: Vec<FileLink>,
}

pub fn read_pathway(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<Pathway> {
    let title = f.req_text("title");
    let disease = f.req_text("disease");
    let summary_text = f.text("summary");
    let participant_refs = f.text_list("participants");
    let documents = read_file_links(f, ctx, "documents");
    Some(Pathway {
        meta,
        title: title?,
        disease: disease?,
        summary_text,
        participant_refs,
        documents,
    })
}
