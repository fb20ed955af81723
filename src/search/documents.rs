//! What the search index knows about each record: the text it matches, how much each kind of
//! text counts, the facet values it can be filtered by, and the few fields a result shows.
//!
//! Built from the linked [`Site`], which in the public profile no longer holds `partners_only`
//! values and never holds `internal` ones, so the index cannot leak what the pages do not show.
//! Only public fields are used in every profile: a search index is easy to copy whole.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::normalize::value_runs_text;
use crate::site::Site;

/// The kinds of text a record has, each with its own weight: a match in the name says far more
/// than one somewhere in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Name,
    Yomi,
    /// Kind, 診療科 and services with their readings, area, specialties.
    Keyword,
    /// Telephone and FAX numbers.
    Phone,
    /// Address and postal code.
    Address,
    /// Director, 登録医, speakers, operator: names and readings.
    People,
    /// Body text, hours note, venue.
    Body,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::Name,
        Field::Yomi,
        Field::Keyword,
        Field::Phone,
        Field::Address,
        Field::People,
        Field::Body,
    ];

    pub fn weight(self) -> f64 {
        match self {
            Field::Name => 10.0,
            Field::Yomi => 8.0,
            Field::Phone => 6.0,
            Field::Keyword => 4.0,
            Field::People => 4.0,
            Field::Address => 3.0,
            Field::Body => 1.0,
        }
    }

    /// Whether the text holds readings (of names, or names that may be typed as readings), which
    /// are also indexed with long vowels left out for romaji queries.
    pub fn has_readings(self) -> bool {
        matches!(self, Field::Yomi | Field::People)
    }

    /// Whether one-character queries look here: a single 「眼」 should find 眼科, not every body
    /// that happens to contain the character.
    pub fn has_unigrams(self) -> bool {
        self != Field::Body
    }
}

/// The facets a search can be filtered by, as `/search/?area=…&kind=…&dept=…&service=…`.
pub const FACETS: [&str; 4] = ["area", "kind", "dept", "service"];

/// The values of the `kind` facet, in the order the search form lists them.
pub const KINDS: [&str; 10] = [
    "病院",
    "診療所",
    "歯科",
    "薬局",
    "介護・福祉",
    "登録医",
    "研修会",
    "お知らせ",
    "様式",
    "ご案内",
];

/// One searchable record.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// Site path under base_url (`partners/sakura-naika/`).
    pub path: String,
    pub title: String,
    /// 「診療所」「訪問看護」「登録医」「研修会」 …
    pub kind: String,
    pub area: String,
    pub tel: String,
    /// A second line: 診療科, the 登録医's clinic, a seminar's date.
    pub sub: String,
    pub fields: Vec<(Field, String)>,
    /// Whether `fields` hold their runs ([`Doc::settle`]) rather than the text as written.
    pub settled: bool,
    /// `(facet index into FACETS, value)`.
    pub facets: Vec<(usize, String)>,
}

impl Doc {
    pub fn text(&mut self, field: Field, text: &str) {
        if !text.trim().is_empty() {
            self.fields.push((field, text.to_string()));
        }
    }

    /// Replaces each field's text with its runs ([`super::normalize::value_runs_text`]), one
    /// per line. The index reads a record's runs twice (its field lengths for BM25 must all be
    /// known before any gram is weighed) and its names a third time (the whole-value keys);
    /// each read normalised the text again. Kept in place of the text, the runs take no more
    /// memory than it did: at 100k records the text of every record is held until its grams
    /// are in.
    pub fn settle(&mut self) {
        if self.settled {
            return;
        }
        for (_, text) in &mut self.fields {
            *text = value_runs_text(text);
        }
        self.settled = true;
    }

    pub fn facet(&mut self, key: &str, value: &str) {
        if let Some(i) = FACETS.iter().position(|k| *k == key) {
            if !self.facets.contains(&(i, value.to_string())) {
                self.facets.push((i, value.to_string()));
            }
        }
    }

    /// A 診療科 or service: its name and, when known, its reading.
    pub fn term(&mut self, term: &str) {
        self.text(Field::Keyword, term);
        if let Some(r) = reading(term) {
            self.text(Field::Keyword, r);
        }
    }
}

/// Readings of 診療科, services and kinds (`readings.tsv`).
pub const READINGS: &str = include_str!("readings.tsv");

/// The reading of a 診療科, service or kind, if the table has one.
pub fn reading(term: &str) -> Option<&'static str> {
    static TABLE: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            READINGS
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split_once('\t'))
                .collect()
        })
        .get(term)
        .copied()
}

/// Every searchable record of the site, in a fixed order (directory first, as browsed). Each
/// collection says what of its records is searchable ([`crate::collection::Kind`]).
pub fn documents(site: &Site) -> Vec<Doc> {
    crate::collection::search_documents(site)
}

/// A record's URL as the index stores it: the site path under `base_url`.
pub fn site_path(site: &Site, url: &str) -> String {
    let prefix = site.config.urls.prefix();
    url.strip_prefix(prefix).unwrap_or(url).to_string()
}

/// A record known by its title (seminar, news, page): title, kind facet and body.
pub fn titled(path: String, title: &str, kind: &str, sub: &str, body: &str) -> Doc {
    let mut d = Doc {
        path,
        title: title.to_string(),
        kind: kind.to_string(),
        sub: sub.to_string(),
        ..Doc::default()
    };
    d.text(Field::Name, title);
    d.text(Field::Body, &plain_text(body));
    d.facet("kind", kind);
    d
}

/// What partners and care offices share.
pub fn place_doc(
    place: &crate::records::directory::Place,
    path: String,
    kind: &str,
    body: &str,
) -> Doc {
    let tel = place
        .tel
        .as_ref()
        .map(|t| t.display.clone())
        .unwrap_or_default();
    let mut d = Doc {
        path,
        title: place.name.clone(),
        kind: kind.to_string(),
        area: place.area.clone(),
        tel,
        ..Doc::default()
    };
    d.text(Field::Name, &place.name);
    d.text(Field::Yomi, &place.yomi);
    d.text(Field::Keyword, &place.area);
    d.facet("area", &place.area);
    d.text(Field::Address, &place.address);
    d.text(Field::Address, &place.postal);
    for phone in [&place.tel, &place.fax].into_iter().flatten() {
        d.text(Field::Phone, &phone.display);
    }
    d.text(Field::Body, place.hours_note.as_deref().unwrap_or_default());
    d.text(Field::Body, &plain_text(body));
    d
}

/// The text of rendered body HTML: tags dropped (block ends become spaces so words in adjacent
/// paragraphs do not run together), the entities the renderer writes decoded.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        match rest[lt..].find('>') {
            Some(gt) => {
                out.push(' ');
                rest = &rest[lt + gt + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    if out.contains('&') {
        decode_entities(&out)
    } else {
        out
    }
}

/// The entities the Markdown renderer writes, decoded in one pass. `&amp;` is decoded like the
/// others and its `&` never starts another: `&amp;lt;` is `&lt;`, as written.
fn decode_entities(text: &str) -> String {
    const ENTITIES: [(&str, char); 6] = [
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
        ("&#x27;", '\''),
        ("&amp;", '&'),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        match ENTITIES.iter().find(|(name, _)| tail.starts_with(name)) {
            Some((name, c)) => {
                out.push(*c);
                rest = &tail[name.len()..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runs of one of a record's texts, taken apart again if [`Doc::settle`] made them.
    fn runs(doc: &Doc, text: &str) -> Vec<Vec<char>> {
        use crate::search::normalize::{split_runs, value_runs};
        if doc.settled {
            split_runs(text)
        } else {
            value_runs(text)
        }
    }

    #[test]
    fn a_settled_record_has_the_runs_its_text_had() {
        let texts = [
            "阿部 博之",
            "在宅訪問（居宅療養管理指導）",
            "ｻｸﾗ内科、〒123-4567 緑ヶ丘市",
            "・・「」",
            "  ",
            "一行目\n二行目\r\n",
            "髙橋 ＡＢＣ　ｸﾘﾆｯｸ",
        ];
        let mut doc = Doc::default();
        for t in texts {
            doc.fields.push((Field::Body, t.to_string()));
        }
        let before: Vec<Vec<Vec<char>>> = doc.fields.iter().map(|(_, t)| runs(&doc, t)).collect();
        assert_eq!(before[0], vec!["阿部博之".chars().collect::<Vec<_>>()]);
        assert_eq!(before[1].len(), 2);
        doc.settle();
        assert!(doc.settled);
        let after: Vec<Vec<Vec<char>>> = doc.fields.iter().map(|(_, t)| runs(&doc, t)).collect();
        assert_eq!(after, before);
        // Settling again changes nothing.
        let fields = doc.fields.clone();
        doc.settle();
        assert_eq!(doc.fields, fields);
    }

    #[test]
    fn default_lists_have_readings() {
        let config = crate::config::DEFAULT_DEPARTMENTS
            .iter()
            .chain(crate::config::DEFAULT_SERVICES)
            .chain(crate::config::DEFAULT_CARE_SERVICES);
        let missing: Vec<_> = config
            .filter(|t| !t.is_ascii() && reading(t).is_none())
            .collect();
        assert!(missing.is_empty(), "no reading for {missing:?}");
        assert_eq!(reading("内科"), Some("ないか"));
        assert_eq!(reading("訪問看護"), Some("ほうもんかんご"));
    }

    #[test]
    fn readings_are_hiragana() {
        for line in READINGS.lines().filter(|l| !l.starts_with('#')) {
            let (_, r) = line.split_once('\t').expect("term<TAB>reading");
            let kana = |c: char| ('ぁ'..='ゖ').contains(&c) || c == 'ー' || c.is_ascii();
            assert!(r.chars().all(kana), "{line}");
        }
    }

    #[test]
    fn plain_text_drops_tags_and_decodes_entities() {
        assert_eq!(
            plain_text("<p>A &amp; B</p><p>&lt;C&gt;</p>").trim(),
            "A & B  <C>"
        );
        // Decoded once: an escaped entity stays the entity as written.
        assert_eq!(
            plain_text("&amp;lt; &quot;&#39;&#x27; &x &"),
            "&lt; \"'' &x &"
        );
    }
}
