//! 介護サービス情報公表システム open data (厚生労働省, CC BY 4.0): one `jigyosho_<code>.csv`
//! (one service, every 事業所 of the country or prefecture) into care records.

use std::collections::BTreeMap;
use std::path::Path;

use super::{cell, cell_opt, column, Sheet};
use crate::import::normalize as n;
use crate::import::plan::Read;
use crate::import::rows::{CellError, Draft, Value};
use crate::import::slug::without_corporation;
use crate::import::SiteLists;

const KAIGO_CREDIT: &str =
    "「介護サービス情報公表システム」のオープンデータ(厚生労働省、CC BY 4.0)を加工して作成";

/// Whether `address` is in the 市区町村 `city`: the address, after its 都道府県, starts with
/// it (「大阪市」 is not 東大阪市; 「北区」 alone is every 北区, so write 「大阪市北区」), or
/// `city` is written with its 都道府県 and the address starts with that.
fn in_city(address: &str, city: &str) -> bool {
    let address = n::free_text(address).replace(' ', "");
    let city = city.replace(' ', "");
    address.starts_with(&city) || without_prefecture(&address).starts_with(&city)
}

/// The 47 都道府県, to take off the front of an address.
const PREFECTURES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

/// The address after its 都道府県, if it starts with one of the 47 (or, for a fictional or
/// misspelt one, with a name ending in 県 within four characters).
fn without_prefecture(address: &str) -> &str {
    if let Some(rest) = PREFECTURES.iter().find_map(|p| address.strip_prefix(p)) {
        return rest;
    }
    address
        .char_indices()
        .take(4)
        .find(|(_, c)| *c == '県')
        .map_or(address, |(i, c)| &address[i + c.len_utf8()..])
}

/// 介護サービスコード → the service's name, and the broader type a site's list may use
/// instead (the default list has no 療養通所介護 or 地域密着型特定施設).
const CARE_CODES: [(&str, &str, Option<&str>); 34] = [
    ("110", "訪問介護", None),
    ("120", "訪問入浴介護", None),
    ("130", "訪問看護", None),
    ("140", "訪問リハビリテーション", None),
    ("150", "通所介護", None),
    ("155", "療養通所介護", Some("地域密着型通所介護")),
    ("160", "通所リハビリテーション", None),
    ("170", "福祉用具貸与", None),
    ("210", "短期入所生活介護", None),
    ("220", "短期入所療養介護", None),
    ("230", "短期入所療養介護", None),
    ("551", "短期入所療養介護", None),
    ("320", "認知症対応型共同生活介護", None),
    ("331", "特定施設入居者生活介護", None),
    ("332", "特定施設入居者生活介護", None),
    ("334", "特定施設入居者生活介護", None),
    ("335", "特定施設入居者生活介護", None),
    ("336", "特定施設入居者生活介護", None),
    ("337", "特定施設入居者生活介護", None),
    (
        "361",
        "地域密着型特定施設入居者生活介護",
        Some("特定施設入居者生活介護"),
    ),
    (
        "362",
        "地域密着型特定施設入居者生活介護",
        Some("特定施設入居者生活介護"),
    ),
    (
        "364",
        "地域密着型特定施設入居者生活介護",
        Some("特定施設入居者生活介護"),
    ),
    ("410", "特定福祉用具販売", None),
    ("430", "居宅介護支援", None),
    ("510", "介護老人福祉施設", None),
    ("520", "介護老人保健施設", None),
    ("540", "地域密着型介護老人福祉施設", None),
    ("550", "介護医療院", None),
    ("710", "夜間対応型訪問介護", None),
    ("720", "認知症対応型通所介護", None),
    ("730", "小規模多機能型居宅介護", None),
    ("760", "定期巡回・随時対応型訪問介護看護", None),
    ("770", "看護小規模多機能型居宅介護", None),
    ("780", "地域密着型通所介護", None),
];

/// 介護サービスの種類 as the open data writes it (a code, or a name with the facility kind in
/// brackets: 「短期入所療養介護（介護老人保健施設）」) → the site's care service, and a note
/// when it had to be a broader type than the data says.
fn care_service(text: &str, known: &[String]) -> Option<(String, Option<String>)> {
    let t = n::text(text);
    let bare = t.split(['（', '(']).next().unwrap_or(&t).trim().to_string();
    let (name, fallback) = match CARE_CODES
        .iter()
        .find(|(c, name, _)| *c == t || *name == bare)
    {
        Some((_, name, fallback)) => (name.to_string(), *fallback),
        None => (bare, None),
    };
    if known.contains(&name) {
        return Some((name, None));
    }
    let fallback = fallback.filter(|f| known.iter().any(|k| k == f))?;
    Some((
        fallback.to_string(),
        Some(format!(
            "「{name}」は site.yaml の care_services にないため「{fallback}」としました"
        )),
    ))
}

/// `renkei import kaigo FILE.csv`.
///
/// The files are published per service for the whole country, so `city` (a 市区町村 name as
/// the 住所 writes it, 「みなと市」) picks the region's rows. The file's first column names the
/// authority that *manages* an entry (the 都道府県 for most services), not where the office is,
/// so the address decides. Without `city`, a file that spans several authorities is refused
/// rather than filling the directory with the whole country.
pub fn kaigo(path: &Path, city: Option<&str>, lists: &SiteLists) -> Result<Read, String> {
    let wanted = city.map(n::text);
    if let Some(city) = &wanted {
        if city.is_empty() || city.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!(
                "介護サービスのデータは住所で絞り込みます。--city には市区町村名を書いてください(例: --city みなと市。「{city}」)"
            ));
        }
    }
    // Only the city's rows are held; without a 住所 column nothing is, and the file is
    // refused below by name.
    let (sheet, source) = Sheet::read(path, |h, row| match &wanted {
        Some(city) => column(h, "住所").is_some_and(|c| in_city(cell(row, c), city)),
        None => true,
    })?;
    let all_rows = sheet.all;
    sheet.col("住所")?;
    match &wanted {
        Some(city) => {
            if sheet.rows.is_empty() {
                return Err(format!(
                    "{} に住所が「{city}」の事業所はありません(全 {all_rows} 行)。市区町村名を住所の書き方のとおりに確かめてください(例: --city みなと市、--city 大阪市北区)",
                    path.display()
                ));
            }
        }
        None => {
            let authorities: std::collections::BTreeSet<&str> = sheet
                .rows
                .iter()
                .map(|(_, row)| cell(row, 0))
                .filter(|c| !c.is_empty())
                .collect();
            if authorities.len() > 1 {
                return Err(format!(
                    "{} には {} の自治体の事業所({all_rows} 行)があります。--city で市区町村名を指定してください(例: --city みなと市)",
                    path.display(),
                    authorities.len()
                ));
            }
        }
    }
    let c = |name: &str| sheet.col(name);
    let (name_c, kana_c, kind_c, addr_c) = (
        c("事業所名")?,
        c("事業所名カナ")?,
        c("サービスの種類")?,
        c("住所")?,
    );
    let (tel_c, number_c) = (c("電話番号")?, c("事業所番号")?);
    let building_c = sheet.opt("方書（ビル名等）");
    let (lat_c, lon_c) = (sheet.opt("緯度"), sheet.opt("経度"));
    let fax_c = sheet.opt("FAX番号");
    let op_c = sheet.opt("法人の名称");
    let cap_c = sheet.opt("定員");
    let url_c = sheet.opt("URL");
    let mut read = Read {
        file: path.display().to_string(),
        attribution: Some(KAIGO_CREDIT),
        ..Read::default()
    };
    let mut by_number: BTreeMap<String, usize> = BTreeMap::new();
    for (row_no, row) in &sheet.rows {
        let mut notes = Vec::new();
        let number = match n::code(cell(row, number_c), 10, &mut notes) {
            Ok(x) => x,
            Err(e) => {
                read.errors.push(CellError {
                    row: *row_no,
                    column: "事業所番号".into(),
                    field: "office_number".into(),
                    message: e,
                });
                continue;
            }
        };
        let Some((service, renamed)) = care_service(cell(row, kind_c), &lists.care_services) else {
            read.errors.push(CellError {
                row: *row_no,
                column: "サービスの種類".into(),
                field: "services".into(),
                message: format!(
                    "「{}」は site.yaml の care_services にありません",
                    cell(row, kind_c)
                ),
            });
            continue;
        };
        if let Some(note) = renamed {
            notes.push(note);
        }
        if let Some(&at) = by_number.get(&number) {
            // The same 事業所 in another service's row: one record, one more service.
            let d: &mut Draft = &mut read.drafts[at];
            d.toggle("services", &service, true, "サービスの種類");
            d.notes.extend(notes);
            continue;
        }
        let mut d = Draft::new(*row_no);
        d.notes = notes;
        d.draft = true;
        d.create_only = vec!["name", "yomi", "area"];
        let (name, yomi) =
            without_corporation(&n::text(cell(row, name_c)), &n::text(cell(row, kana_c)));
        (d.name, d.yomi) = (name, yomi);
        d.set("name", Value::Text(d.name.clone()), "事業所名");
        d.set("yomi", Value::Text(d.yomi.clone()), "事業所名カナ");
        d.toggle("services", &service, true, "サービスの種類");
        d.key = Some(("office_number", number.clone()));
        d.set("office_number", Value::Quoted(number.clone()), "事業所番号");
        let operator = n::text(cell_opt(row, op_c));
        if !operator.is_empty() {
            d.set("operator", Value::Text(operator), "法人の名称");
        }
        let mut address = n::free_text(cell(row, addr_c));
        let building = n::free_text(cell_opt(row, building_c));
        if !building.is_empty() {
            address = format!("{address} {building}");
        }
        if let Some(area) = lists.area_for(Some(&address)) {
            d.set("area", Value::Text(area), "(--area)");
        }
        d.set(
            "address",
            Value::Map(vec![("text", Value::Text(address))]),
            "住所",
        );
        if let (Ok(Some(la)), Ok(Some(lo))) = (
            n::degrees(cell_opt(row, lat_c), 20.0..=46.0),
            n::degrees(cell_opt(row, lon_c), 122.0..=154.0),
        ) {
            d.set("geo", Value::Geo(la, lo), "緯度・経度");
        }
        for (col, key, header) in [(Some(tel_c), "tel", "電話番号"), (fax_c, "fax", "FAX番号")]
        {
            let v = cell_opt(row, col);
            if v.is_empty() {
                continue;
            }
            match n::phone(v, &mut d.notes) {
                Ok(p) => d.set(key, Value::Quoted(p), header),
                Err(e) => d.notes.push(format!("{header} {e} のため入れていません")),
            }
        }
        if let Ok(Some(cap)) = n::count(cell_opt(row, cap_c), true) {
            d.set("capacity", Value::Int(cap), "定員");
        }
        let url = n::text(cell_opt(row, url_c));
        // The URL column also holds e-mail addresses and phone numbers.
        if url.starts_with("http://") || url.starts_with("https://") {
            d.set("url", Value::Quoted(url), "URL");
        } else if url.starts_with("www.") {
            d.set("url", Value::Quoted(format!("https://{url}")), "URL");
        }
        by_number.insert(number, read.drafts.len());
        read.drafts.push(d);
    }
    read.description = match city {
        Some(city) => format!(
            "{source}、住所に「{city}」を含む事業所 {} 件(全 {all_rows} 行)",
            read.drafts.len()
        ),
        None => format!("{source}、事業所 {} 件", read.drafts.len()),
    };
    read.used = crate::import::rows::used_columns(&read.drafts);
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_codes_and_names_become_the_sites_types() {
        let known: Vec<String> = crate::config::DEFAULT_CARE_SERVICES
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(care_service("130", &known), Some(("訪問看護".into(), None)));
        assert_eq!(
            care_service("短期入所療養介護（介護老人保健施設）", &known),
            Some(("短期入所療養介護".into(), None))
        );
        let (name, note) = care_service("155", &known).unwrap();
        assert_eq!(name, "地域密着型通所介護");
        assert!(
            note.unwrap().contains("療養通所介護"),
            "a broader type is said"
        );
        let mut own = known.clone();
        own.push("療養通所介護".into());
        assert_eq!(
            care_service("155", &own),
            Some(("療養通所介護".into(), None))
        );
        assert_eq!(
            care_service("530", &known),
            None,
            "介護療養型医療施設 (abolished)"
        );
    }

    #[test]
    fn a_city_is_the_start_of_the_address_after_the_prefecture() {
        assert!(in_city("大阪府大阪市北区梅田1-1", "大阪市"));
        assert!(!in_city("大阪府東大阪市荒本1-1", "大阪市"));
        assert!(in_city("大阪府大阪市北区梅田1-1", "大阪市北区"));
        assert!(!in_city("大阪府大阪市北区梅田1-1", "北区"));
        assert!(in_city("東京都北区王子1-1", "北区"));
        assert!(in_city("東京都北区王子1-1", "東京都北区"));
        assert!(in_city("京都府京都市左京区1", "京都市"));
        assert!(in_city("北海道札幌市中央区1", "札幌市"));
        assert!(in_city("神奈川県横浜市1", "横浜市"));
        assert!(in_city("東京都府中市1", "府中市"));
        assert!(in_city("宮崎県都城市1", "都城市"));
        assert!(in_city("汐見県みなと市港町1-2-3", "みなと市"));
        assert!(
            in_city("みなと市港町1-2-3", "みなと市"),
            "an address without its 都道府県"
        );
    }
}
