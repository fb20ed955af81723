//! vCard 4.0 (RFC 6350) for 「連絡先に保存」: each directory record's card, carried in its page
//! (`super::dataurl`), and one `contact/<id>.vcf` file per desk (窓口).
//!
//! Japanese phones file contacts by reading, not by kanji, so the reading goes in too:
//! `X-PHONETIC-LAST-NAME`/`X-PHONETIC-FIRST-NAME` for people (iOS and Android read these) and
//! `SORT-AS` on `ORG`/`N` for organisations. Lines are folded at 75 octets, never inside a UTF-8
//! character: a Japanese line folded by characters is rejected by strict importers.

use crate::config::Hospital;
use crate::japanese::phone::Phone;
use crate::records::desk::Desk;
use crate::records::directory::{CareOffice, Doctor, Partner, Place};

use crate::formats::contentline::{escape, fold};

struct Card {
    text: String,
}

impl Card {
    fn new() -> Self {
        let mut c = Card {
            text: String::new(),
        };
        c.line("BEGIN:VCARD");
        c.line("VERSION:4.0");
        c
    }

    fn line(&mut self, line: &str) {
        self.text.push_str(&fold(line));
    }

    fn place(&mut self, place: &Place, site_url: &str) {
        self.phones(place.tel.as_ref(), place.fax.as_ref());
        self.address(&place.address, &place.postal);
        if let Some(url) = &place.url {
            self.line(&format!("URL:{url}"));
        }
        if let Some([lat, lon]) = place.geo {
            self.line(&format!("GEO:geo:{lat},{lon}"));
        }
        self.line(&format!("SOURCE:{site_url}"));
    }

    fn phones(&mut self, tel: Option<&Phone>, fax: Option<&Phone>) {
        if let Some(tel) = tel {
            self.line(&format!("TEL;VALUE=uri;TYPE=\"work,voice\":{}", tel.uri));
        }
        if let Some(fax) = fax {
            self.line(&format!("TEL;VALUE=uri;TYPE=\"work,fax\":{}", fax.uri));
        }
    }

    fn address(&mut self, address: &str, postal: &str) {
        let (region, locality, street) = split_address(address);
        self.line(&format!(
            "ADR;TYPE=work:;;{};{};{};{};JP",
            escape(street),
            escape(locality),
            escape(region),
            escape(postal)
        ));
    }

    fn finish(mut self) -> String {
        self.line("END:VCARD");
        self.text
    }
}

/// Splits a Japanese address into (都道府県, 市区町村, rest) for ADR and PostalAddress. Addresses
/// without a recognisable prefecture or municipality keep everything in the street part.
pub fn split_address(address: &str) -> (&str, &str, &str) {
    // 都道府県: four names end otherwise than 県, and 県 names have at most four characters.
    let region_end = ["北海道", "東京都", "京都府", "大阪府"]
        .iter()
        .find(|p| address.starts_with(*p))
        .map(|p| p.len())
        .or_else(|| {
            address
                .char_indices()
                .take(4)
                .find(|(_, c)| *c == '県')
                .map(|(i, c)| i + c.len_utf8())
        });
    let (region, rest) = match region_end {
        Some(end) => address.split_at(end),
        None => ("", address),
    };
    let locality_end = rest
        .char_indices()
        .find(|(_, c)| matches!(c, '市' | '区' | '町' | '村'))
        .map(|(i, c)| i + c.len_utf8());
    match locality_end {
        Some(end) => {
            let (locality, street) = rest.split_at(end);
            // 政令市: 「横浜市中区」 keeps the ward with the city.
            let ward_end = street
                .char_indices()
                .take(5)
                .find(|(_, c)| *c == '区')
                .map(|(i, c)| i + c.len_utf8());
            match ward_end {
                Some(w) if locality.ends_with('市') => (region, &rest[..end + w], &street[w..]),
                _ => (region, locality, street),
            }
        }
        None => (region, "", rest),
    }
}

fn sort_as(yomi: &str) -> String {
    escape(&yomi.replace([' ', '　'], ""))
}

/// vCard of a 連携医療機関.
pub fn partner(p: &Partner, page_url: &str) -> String {
    organisation(&p.place, page_url, Some(p.kind_label))
}

/// vCard of a 介護・福祉事業所.
pub fn care(c: &CareOffice, page_url: &str) -> String {
    organisation(&c.place, page_url, c.services.first().map(String::as_str))
}

fn organisation(place: &Place, page_url: &str, category: Option<&str>) -> String {
    let mut card = Card::new();
    card.line("KIND:org");
    card.line(&format!("FN:{}", escape(&place.name)));
    card.line(&format!(
        "N;SORT-AS=\"{}\":{};;;;",
        sort_as(&place.yomi),
        escape(&place.name)
    ));
    card.line(&format!(
        "ORG;SORT-AS=\"{}\":{}",
        sort_as(&place.yomi),
        escape(&place.name)
    ));
    card.line(&format!("X-PHONETIC-ORG:{}", escape(&place.yomi)));
    if let Some(cat) = category {
        card.line(&format!("CATEGORIES:{}", escape(cat)));
    }
    card.place(place, page_url);
    card.finish()
}

/// vCard of one of the hospital's desks (窓口), for `contact/<id>.vcf`: a partner clinic keeps
/// the liaison office's FAX in its phone and it is the number site.yaml holds.
pub fn desk(desk: &Desk, hospital: &Hospital, page_url: &str) -> String {
    let mut card = Card::new();
    card.line("KIND:org");
    let name = format!("{} {}", hospital.name, desk.name);
    card.line(&format!("FN:{}", escape(&name)));
    card.line(&format!(
        "ORG:{};{}",
        escape(&hospital.name),
        escape(&desk.name)
    ));
    card.phones(desk.tel.as_ref(), desk.fax.as_ref());
    if let Some(email) = &desk.email {
        card.line(&format!("EMAIL;TYPE=work:{}", escape(email)));
    }
    card.address(&hospital.address, &hospital.postal);
    card.line(&format!(
        "NOTE:{}",
        escape(&format!("受付時間 {}", desk.hours))
    ));
    card.line(&format!("SOURCE:{page_url}"));
    card.finish()
}

/// vCard of a 登録医: the doctor's name and reading, reached through the clinic's numbers
/// (never a personal line).
pub fn doctor(d: &Doctor, clinic: &Partner, page_url: &str) -> String {
    let mut card = Card::new();
    card.line("KIND:individual");
    let (family, given) = d.name.split_once([' ', '　']).unwrap_or((&d.name, ""));
    let (family_yomi, given_yomi) = d.yomi.split_once([' ', '　']).unwrap_or((&d.yomi, ""));
    card.line(&format!("FN:{}", escape(&d.name)));
    card.line(&format!(
        "N;SORT-AS=\"{},{}\":{};{};;;",
        escape(family_yomi),
        escape(given_yomi),
        escape(family),
        escape(given.trim())
    ));
    card.line(&format!("X-PHONETIC-LAST-NAME:{}", escape(family_yomi)));
    if !given_yomi.is_empty() {
        card.line(&format!(
            "X-PHONETIC-FIRST-NAME:{}",
            escape(given_yomi.trim())
        ));
    }
    card.line(&format!("ORG:{}", escape(&clinic.place.name)));
    card.line(&format!("X-PHONETIC-ORG:{}", escape(&clinic.place.yomi)));
    if !d.departments.is_empty() {
        card.line(&format!("TITLE:{}", escape(&d.departments.join("・"))));
    }
    card.place(&clinic.place, page_url);
    card.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split_into_region_locality_street() {
        assert_eq!(
            split_address("汐見県みなと市本町1丁目2-3"),
            ("汐見県", "みなと市", "本町1丁目2-3")
        );
        assert_eq!(
            split_address("東京都新宿区西新宿2-8-1"),
            ("東京都", "新宿区", "西新宿2-8-1")
        );
        assert_eq!(
            split_address("神奈川県横浜市中区本町6-50"),
            ("神奈川県", "横浜市中区", "本町6-50")
        );
        assert_eq!(
            split_address("京都府京都市上京区"),
            ("京都府", "京都市上京区", "")
        );
        assert_eq!(split_address("本町1-2"), ("", "本町", "1-2"));
    }
}
