//! schema.org JSON-LD for directory pages, so search engines and assistants can answer
//! "which clinic near me does 訪問診療, and what is its number" from the page itself.
//!
//! Types: 診療所 → MedicalClinic, 病院 → Hospital, 歯科 → Dentist, 薬局 → Pharmacy; care offices
//! → MedicalOrganization (medical services) or LocalBusiness (welfare services) with the
//! service names as `additionalType`; 登録医 → Physician linked to the clinic. Opening hours only
//! state what is true every week: rows limited to 第n週 and the 祝 column stay in the page text.

use serde_json::{json, Map, Value};

use crate::config::SiteConfig;
use crate::formats::vcard::split_address;
use crate::japanese::phone::Phone;
use crate::records::directory::{CareOffice, Doctor, Partner, PartnerKind, Place};

const DAY_URIS: [(&str, &str); 7] = [
    ("mon", "https://schema.org/Monday"),
    ("tue", "https://schema.org/Tuesday"),
    ("wed", "https://schema.org/Wednesday"),
    ("thu", "https://schema.org/Thursday"),
    ("fri", "https://schema.org/Friday"),
    ("sat", "https://schema.org/Saturday"),
    ("sun", "https://schema.org/Sunday"),
];

/// Care services that are medical care (医療系サービス); the rest are welfare businesses.
const MEDICAL_CARE: &[&str] = &[
    "訪問看護",
    "訪問リハビリテーション",
    "通所リハビリテーション",
    "短期入所療養介護",
    "看護小規模多機能型居宅介護",
    "介護老人保健施設",
    "介護医療院",
];

/// Serialises for a `<script>` element: `<` is escaped so no value can close the element.
pub fn to_script(value: &Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn place_fields(obj: &mut Map<String, Value>, place: &Place, canonical: &str) {
    obj.insert("@id".into(), json!(canonical));
    obj.insert("name".into(), json!(place.name));
    obj.insert("alternateName".into(), json!(place.yomi));
    obj.insert(
        "url".into(),
        json!(place.url.as_deref().unwrap_or(canonical)),
    );
    if let Some(tel) = &place.tel {
        obj.insert(
            "telephone".into(),
            json!(tel.uri.trim_start_matches("tel:")),
        );
    }
    if let Some(fax) = &place.fax {
        obj.insert(
            "faxNumber".into(),
            json!(fax.uri.trim_start_matches("tel:")),
        );
    }
    let (region, locality, street) = split_address(&place.address);
    obj.insert(
        "address".into(),
        json!({
            "@type": "PostalAddress",
            "postalCode": place.postal,
            "addressRegion": region,
            "addressLocality": locality,
            "streetAddress": street,
            "addressCountry": "JP",
        }),
    );
    if let Some([lat, lon]) = place.geo {
        obj.insert(
            "geo".into(),
            json!({"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}),
        );
    }
    let hours: Vec<Value> = place
        .hours
        .iter()
        .filter(|row| row.weeks.is_empty())
        .filter_map(|row| {
            let days: Vec<&str> = DAY_URIS
                .iter()
                .filter(|(k, _)| row.opens_on(k))
                .map(|(_, uri)| *uri)
                .collect();
            (!days.is_empty()).then(|| {
                json!({
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": days,
                    "opens": row.opens,
                    "closes": row.closes,
                })
            })
        })
        .collect();
    if !hours.is_empty() {
        obj.insert("openingHoursSpecification".into(), Value::Array(hours));
    }
}

pub fn partner(p: &Partner, canonical: &str) -> Value {
    let kind = match p.kind {
        PartnerKind::Clinic => "MedicalClinic",
        PartnerKind::Hospital => "Hospital",
        PartnerKind::Dental => "Dentist",
        PartnerKind::Pharmacy => "Pharmacy",
    };
    let mut obj = Map::new();
    obj.insert("@context".into(), json!("https://schema.org"));
    obj.insert("@type".into(), json!(kind));
    place_fields(&mut obj, &p.place, canonical);
    if !p.departments.is_empty() {
        // schema.org's MedicalSpecialty list is US-centric; the 標榜科名 are kept as text.
        obj.insert("medicalSpecialty".into(), json!(p.departments));
    }
    if !p.services.is_empty() {
        obj.insert(
            "availableService".into(),
            json!(p
                .services
                .iter()
                .map(|s| json!({"@type": "MedicalProcedure", "name": s}))
                .collect::<Vec<_>>()),
        );
    }
    if let Some(beds) = p.beds {
        obj.insert("numberOfBeds".into(), json!(beds));
    }
    Value::Object(obj)
}

/// The hospital on the home page, with each desk (or the liaison window) as a `contactPoint`:
/// the numbers search engines show are the ones site.yaml holds.
pub fn hospital(config: &SiteConfig, canonical: &str) -> Value {
    let h = &config.hospital;
    let (region, locality, street) = split_address(&h.address);
    let point = |name: &str,
                 tel: Option<&Phone>,
                 fax: Option<&Phone>,
                 email: Option<&String>,
                 hours: &str| {
        let mut p = Map::new();
        p.insert("@type".into(), json!("ContactPoint"));
        p.insert("contactType".into(), json!(name));
        if let Some(t) = tel {
            p.insert("telephone".into(), json!(t.display));
        }
        if let Some(f) = fax {
            p.insert("faxNumber".into(), json!(f.display));
        }
        if let Some(e) = email {
            p.insert("email".into(), json!(e));
        }
        // hoursAvailable wants structured hours; the office's own wording is kept as text.
        p.insert("description".into(), json!(format!("受付時間 {hours}")));
        Value::Object(p)
    };
    let points: Vec<Value> = if config.desks.is_empty() {
        let l = &config.liaison;
        vec![point(
            "地域医療連携室",
            Some(&l.tel),
            Some(&l.fax),
            l.email.as_ref(),
            &l.hours,
        )]
    } else {
        config
            .desks
            .iter()
            .map(|d| {
                point(
                    &d.name,
                    d.tel.as_ref(),
                    d.fax.as_ref(),
                    d.email.as_ref(),
                    &d.hours,
                )
            })
            .collect()
    };
    let mut obj = Map::new();
    obj.insert("@context".into(), json!("https://schema.org"));
    obj.insert("@type".into(), json!("Hospital"));
    obj.insert("name".into(), json!(h.name));
    obj.insert("url".into(), json!(canonical));
    obj.insert("telephone".into(), json!(h.tel.display));
    if let Some(f) = &h.fax {
        obj.insert("faxNumber".into(), json!(f.display));
    }
    obj.insert(
        "address".into(),
        json!({"@type": "PostalAddress", "postalCode": h.postal, "addressRegion": region,
               "addressLocality": locality, "streetAddress": street, "addressCountry": "JP"}),
    );
    obj.insert("contactPoint".into(), Value::Array(points));
    Value::Object(obj)
}

pub fn care(c: &CareOffice, canonical: &str) -> Value {
    let medical = c
        .services
        .iter()
        .any(|s| MEDICAL_CARE.contains(&s.as_str()));
    let mut obj = Map::new();
    obj.insert("@context".into(), json!("https://schema.org"));
    obj.insert(
        "@type".into(),
        json!(if medical {
            "MedicalOrganization"
        } else {
            "LocalBusiness"
        }),
    );
    obj.insert("additionalType".into(), json!(c.services));
    place_fields(&mut obj, &c.place, canonical);
    if let Some(op) = &c.operator {
        obj.insert(
            "parentOrganization".into(),
            json!({"@type": "Organization", "name": op}),
        );
    }
    Value::Object(obj)
}

pub fn doctor(d: &Doctor, clinic: &Partner, canonical: &str, clinic_canonical: &str) -> Value {
    let mut obj = Map::new();
    obj.insert("@context".into(), json!("https://schema.org"));
    obj.insert("@type".into(), json!("Physician"));
    obj.insert("@id".into(), json!(canonical));
    obj.insert("name".into(), json!(d.name));
    obj.insert("alternateName".into(), json!(d.yomi));
    if !d.departments.is_empty() {
        obj.insert("medicalSpecialty".into(), json!(d.departments));
    }
    obj.insert(
        "parentOrganization".into(),
        json!({"@type": match clinic.kind {
            PartnerKind::Hospital => "Hospital",
            PartnerKind::Dental => "Dentist",
            PartnerKind::Pharmacy => "Pharmacy",
            PartnerKind::Clinic => "MedicalClinic",
        }, "@id": clinic_canonical, "name": clinic.place.name}),
    );
    if let Some(tel) = &clinic.place.tel {
        obj.insert(
            "telephone".into(),
            json!(tel.uri.trim_start_matches("tel:")),
        );
    }
    Value::Object(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_text_cannot_close_the_element() {
        let v = json!({"name": "</script><script>alert(1)</script>"});
        let s = to_script(&v);
        assert!(!s.contains("</script"));
        assert_eq!(serde_json::from_str::<Value>(&s).unwrap(), v);
    }
}
