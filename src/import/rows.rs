//! One sheet row → the front-matter fields of one record, each cell cleaned by its field type.
//! Problems are collected per cell (row as Excel numbers it, column as headed) so the report
//! can list them all; a row with any problem produces no record.

use std::collections::BTreeMap;

use super::columns::{Columns, Field};
use super::normalize as n;
use super::table::Row;
use super::{Kind, SiteLists};

/// A front-matter value, rendered by `frontmatter`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Plain text (quoted only when YAML needs it).
    Text(String),
    /// Always quoted: numbers that must stay text (tel, postal, IDs).
    Quoted(String),
    Int(i64),
    Bool(bool),
    List(Vec<String>),
    /// A flow mapping (`address: {postal: …, text: …}`).
    Map(Vec<(&'static str, Value)>),
    Geo(f64, f64),
    /// Already YAML (hours rows from open data).
    Yaml(String),
}

/// One record to be written.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Row number as Excel shows it (or the open-data row the record starts at).
    pub row: usize,
    /// File name asked for by a slug / ページURL / ID column.
    pub slug: Option<String>,
    pub name: String,
    pub yomi: String,
    /// The field that identifies the record across imports (`navii_id`, `office_number`).
    pub key: Option<(&'static str, String)>,
    /// Top-level fields in output order.
    pub fields: Vec<(&'static str, Value)>,
    /// Which column each field came from, to name it in messages.
    pub columns: BTreeMap<&'static str, String>,
    /// Repairs worth telling staff about.
    pub notes: Vec<String>,
    /// Notes about `create_only` fields, shown only when a new file is made.
    pub create_notes: Vec<String>,
    /// Write as `draft: true` (open data that lacks fields the site requires).
    pub draft: bool,
    /// Fields written into new files only, never changed in existing ones (open data's
    /// 正式名称 with its 法人格 must not replace the name staff chose).
    pub create_only: Vec<&'static str>,
    /// List fields the sheet edits item by item instead of replacing: each item is switched on
    /// (○) or off (×) in the file's list and the rest of the list stays. A sheet with only an
    /// 往診 ○/× column says nothing about the clinic's other services; one 介護 open-data file
    /// lists one service of an office whose others come from other files.
    pub toggles: Vec<(&'static str, Vec<(String, bool)>)>,
    /// Top-level fields whose cells could not be used; the row is not written.
    pub failed: Vec<String>,
}

impl Draft {
    pub fn new(row: usize) -> Self {
        Draft {
            row,
            slug: None,
            name: String::new(),
            yomi: String::new(),
            key: None,
            fields: Vec::new(),
            columns: BTreeMap::new(),
            notes: Vec::new(),
            create_notes: Vec::new(),
            draft: false,
            create_only: Vec::new(),
            toggles: Vec::new(),
            failed: Vec::new(),
        }
    }

    pub fn set(&mut self, key: &'static str, value: Value, column: &str) {
        self.fields.retain(|(k, _)| *k != key);
        self.fields.push((key, value));
        self.columns.insert(key, column.to_string());
    }

    /// A draft with just these fields, for tests of what is done with them.
    #[cfg(test)]
    pub fn with_fields(fields: Vec<(&'static str, Value)>) -> Self {
        let mut d = Draft::new(2);
        d.fields = fields;
        d
    }

    /// Switches `item` on or off in the list `key`, for new files (the list holds the items
    /// switched on) and for merges (see `toggles`).
    pub fn toggle(&mut self, key: &'static str, item: &str, on: bool, column: &str) {
        let at = match self.toggles.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                self.toggles.push((key, Vec::new()));
                self.toggles.len() - 1
            }
        };
        let items = &mut self.toggles[at].1;
        items.retain(|(i, _)| i != item);
        items.push((item.to_string(), on));
        let list: Vec<String> = items
            .iter()
            .filter(|(_, on)| *on)
            .map(|(i, _)| i.clone())
            .collect();
        let columns = match self.columns.get(key) {
            Some(c) if !c.is_empty() && !c.split('、').any(|h| h == column) => {
                format!("{c}、{column}")
            }
            Some(c) if !c.is_empty() => c.clone(),
            _ => column.to_string(),
        };
        self.set(key, Value::List(list), &columns);
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

/// A cell that cannot be imported.
#[derive(Debug, Clone, PartialEq)]
pub struct CellError {
    pub row: usize,
    /// Column header as written in the sheet (empty for a missing column).
    pub column: String,
    pub field: String,
    pub message: String,
}

/// The cells of one row by field, with their headers.
struct Cells<'a> {
    values: BTreeMap<&'a Field, (&'a str, &'a str)>,
    /// ○/× columns: (service, header as written, cell).
    flags: Vec<(&'a str, &'a str, &'a str)>,
}

impl<'a> Cells<'a> {
    fn new(columns: &'a Columns, headers: &'a [String], row: &'a Row) -> Self {
        let mut values = BTreeMap::new();
        let mut flags = Vec::new();
        for (i, field) in &columns.fields {
            let cell = row.get(*i).unwrap_or("");
            let header = headers.get(*i).map(String::as_str).unwrap_or("");
            match field {
                Field::ServiceFlag(name) => flags.push((name.as_str(), header, cell)),
                Field::Ignore => {}
                f => {
                    values.insert(f, (header, cell));
                }
            }
        }
        Cells { values, flags }
    }

    /// The trimmed cell for `field`, if the column exists and the cell is not empty.
    fn get(&self, field: &Field) -> Option<(&'a str, &'a str)> {
        self.values
            .get(field)
            .map(|(h, c)| (*h, c.trim()))
            .filter(|(_, c)| !c.is_empty())
    }

    fn header(&self, field: &Field) -> Option<&'a str> {
        self.values.get(field).map(|(h, _)| *h)
    }
}

/// Converts one data row: the record, and every cell that could not be used (the record then
/// lacks those fields and is not written, but is still checked for the rest).
pub fn draft(
    kind: Kind,
    row_no: usize,
    headers: &[String],
    columns: &Columns,
    row: &Row,
    lists: &SiteLists,
) -> (Draft, Vec<CellError>) {
    let cells = Cells::new(columns, headers, row);
    let mut d = Draft::new(row_no);
    // Kept as written (it is the sheet's data), but said: the site's CSV exports write such a
    // cell with a leading ' so that no spreadsheet runs it (docs/exports.md).
    for (header, cell) in cells.values.values() {
        if crate::formats::export::is_formula_like(cell) {
            let shown: String = cell.chars().take(40).collect();
            d.notes.push(format!(
                "列「{header}」の「{shown}」は Excel が数式として実行する形(= + - @ で始まる)です。このまま取り込みますが、公開する CSV では先頭に ' を付けて文字として書き出します。意図したものか確かめてください"
            ));
        }
    }
    let mut errors = Vec::new();
    let mut fail = |field: &Field, column: &str, message: String| {
        errors.push(CellError {
            row: row_no,
            column: column.to_string(),
            field: field.key(),
            message,
        });
    };

    if let Some((_, v)) = cells.get(&Field::Slug) {
        d.slug = Some(id_slug(v));
    } else if let Some((_, v)) = cells.get(&Field::PageUrl) {
        d.slug = last_segment(v);
    }
    // An empty 名称 or よみ is a problem only for a new record (the plan says so then); a sheet
    // that updates files by their ID needs neither.
    for (field, key) in [(Field::Name, "name"), (Field::Yomi, "yomi")] {
        match cells.get(&field) {
            Some((h, v)) => {
                let v = n::text(v);
                if key == "name" {
                    d.name = v.clone();
                } else {
                    d.yomi = v.clone();
                }
                d.set(key, Value::Text(v), h);
            }
            None => {
                if let Some(h) = cells.header(&field) {
                    d.columns.insert(key, h.to_string());
                }
            }
        }
    }
    if kind == Kind::Doctors {
        doctor_fields(&cells, &mut d, lists, &mut fail);
    } else {
        place_fields(kind, &cells, &mut d, lists, &mut fail);
    }
    d.failed = errors
        .iter()
        .map(|e| content_key(&e.field).to_string())
        .collect();
    (d, errors)
}

/// The front-matter field a column's field ends up in.
fn content_key(field: &str) -> &str {
    match field {
        "postal" | "address" => "address",
        "lat" | "lon" => "geo",
        "director" | "director_yomi" => "director",
        "partner" | "partner_url" => "partner",
        "slug" | "page_url" => "slug",
        f if f.starts_with("service:") => "services",
        f => f,
    }
}

/// An ID cell as a file name: 「P-012」 → `p-012`, 「No.12」 → `no-12`; width and case folded,
/// other separators become `-`. What is still not a file name (kana) is refused by the plan.
fn id_slug(v: &str) -> String {
    let mut out = String::new();
    for c in n::text(v).to_lowercase().chars() {
        if c.is_ascii_alphanumeric() || !c.is_ascii() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn last_segment(url: &str) -> Option<String> {
    url.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty() && !s.contains(':'))
        .map(str::to_string)
}

type Fail<'f> = dyn FnMut(&Field, &str, String) + 'f;

fn place_fields(kind: Kind, cells: &Cells, d: &mut Draft, lists: &SiteLists, fail: &mut Fail) {
    if kind == Kind::Partners {
        let kind_value = match cells.get(&Field::Kind) {
            Some((h, v)) => match partner_kind(v) {
                Some(k) => Some((k, h.to_string())),
                None => {
                    fail(
                        &Field::Kind,
                        h,
                        format!("種別「{v}」がわかりません(診療所・病院・歯科・薬局のどれか)"),
                    );
                    None
                }
            },
            None if !d.name.is_empty() => {
                // A guess may start a new file; it never overrides what a file already says.
                let k = partner_kind(&d.name).unwrap_or("clinic");
                d.create_notes
                    .push(format!("種別の列がないため、名称から {k} としました"));
                d.create_only.push("kind");
                Some((k, String::new()))
            }
            None => None,
        };
        if let Some((k, h)) = kind_value {
            d.set("kind", Value::Text(k.into()), &h);
        }
        if let Some((h, v)) = cells.get(&Field::Departments) {
            let items = n::list(v, &lists.departments);
            match n::known_items(items, &lists.departments, "departments", &mut d.notes) {
                Ok(list) => d.set("departments", Value::List(list), h),
                Err(e) => fail(&Field::Departments, h, e),
            }
        }
    } else {
        services_field(cells, d, &lists.care_services, "care_services", fail);
        if let Some((h, v)) = cells.get(&Field::OfficeNumber) {
            match n::code(v, 10, &mut d.notes) {
                Ok(code) => {
                    d.key = Some(("office_number", code.clone()));
                    d.set("office_number", Value::Quoted(code), h);
                }
                Err(e) => fail(&Field::OfficeNumber, h, e),
            }
        }
        if let Some((h, v)) = cells.get(&Field::Operator) {
            d.set("operator", Value::Text(n::text(v)), h);
        }
    }
    match cells.get(&Field::Area) {
        Some((h, v)) => match lists.area(&n::text(v)) {
            Ok(area) => d.set("area", Value::Text(area), h),
            Err(e) => fail(&Field::Area, h, e),
        },
        // No 地区: from the address or --area; else the file keeps its own, and a new file
        // is refused by the final check, which names the missing field.
        None => {
            if let Some(area) = lists.area_for(cells.get(&Field::Address).map(|(_, a)| a)) {
                d.set("area", Value::Text(area), "");
                // A default for new files; a 地区 staff set by hand stays.
                d.create_only.push("area");
            }
        }
    }
    let mut address = Vec::new();
    if let Some((h, v)) = cells.get(&Field::Postal) {
        match n::postal(v, &mut d.notes) {
            Ok(p) => address.push(("postal", Value::Quoted(p))),
            Err(e) => fail(&Field::Postal, h, e),
        }
    }
    if let Some((_, v)) = cells.get(&Field::Address) {
        address.push(("text", Value::Text(n::free_text(v))));
    }
    if !address.is_empty() {
        let h = cells
            .header(&Field::Address)
            .or(cells.header(&Field::Postal))
            .unwrap_or("");
        d.set("address", Value::Map(address), h);
    }
    let lat = cells
        .get(&Field::Lat)
        .map(|(h, v)| (h, n::degrees(v, 20.0..=46.0)));
    let lon = cells
        .get(&Field::Lon)
        .map(|(h, v)| (h, n::degrees(v, 122.0..=154.0)));
    match (lat, lon) {
        (Some((_, Ok(Some(la)))), Some((h, Ok(Some(lo))))) => d.set("geo", Value::Geo(la, lo), h),
        (Some((h, Err(e))), _) | (_, Some((h, Err(e)))) => fail(&Field::Lat, h, e),
        _ => {}
    }
    for (field, key) in [(Field::Tel, "tel"), (Field::Fax, "fax")] {
        // An empty cell says nothing: a new file without a tel is refused by the final check.
        if let Some((h, v)) = cells.get(&field) {
            match n::phone(v, &mut d.notes) {
                Ok(p) => d.set(key, Value::Quoted(p), h),
                Err(e) => fail(&field, h, e),
            }
        }
    }
    if let Some((h, v)) = cells.get(&Field::Url) {
        let v = n::text(v);
        if v.starts_with("http://") || v.starts_with("https://") {
            d.set("url", Value::Quoted(v), h);
        } else if !v.contains("://")
            && (v.starts_with("www.") || (v.contains('.') && !v.contains('@') && !v.contains(' ')))
        {
            d.notes
                .push(format!("ホームページ「{v}」に https:// を補いました"));
            d.set("url", Value::Quoted(format!("https://{v}")), h);
        } else {
            d.notes.push(format!(
                "ホームページの欄の「{v}」は URL ではないため入れていません"
            ));
        }
    }
    if kind == Kind::Partners {
        if let Some((h, v)) = cells.get(&Field::Director) {
            let mut person = vec![("name", Value::Text(n::text(v)))];
            if let Some((_, y)) = cells.get(&Field::DirectorYomi) {
                person.push(("yomi", Value::Text(n::text(y))));
            }
            d.set("director", Value::Map(person), h);
        }
    }
    if let Some((h, v)) = cells.get(&Field::HoursNote) {
        d.set("hours_note", Value::Text(n::free_text(v)), h);
    }
    if kind == Kind::Partners {
        services_field(cells, d, &lists.services, "services", fail);
        flag_field(cells, &Field::Registered, "registered", d, fail);
        count_field(cells, &Field::Beds, "beds", false, d, fail);
        if let Some((h, v)) = cells.get(&Field::NaviiId) {
            match n::code(v, 13, &mut d.notes) {
                Ok(id) => {
                    d.key = Some(("navii_id", id.clone()));
                    d.set("navii_id", Value::Quoted(id), h);
                }
                Err(e) => fail(&Field::NaviiId, h, e),
            }
        }
    } else {
        count_field(cells, &Field::Capacity, "capacity", true, d, fail);
        flag_field(cells, &Field::Accepting, "accepting", d, fail);
    }
    date_field(cells, &Field::Updated, "updated", d, fail);
}

fn doctor_fields(cells: &Cells, d: &mut Draft, lists: &SiteLists, fail: &mut Fail) {
    let partner = cells
        .get(&Field::PartnerUrl)
        .and_then(|(h, v)| last_segment(v).map(|s| (h, s)))
        .or_else(|| cells.get(&Field::Partner).map(|(h, v)| (h, n::text(v))));
    match partner {
        Some((h, v)) => match lists.partner_slug(&v) {
            Ok(slug) => d.set("partner", Value::Text(slug), h),
            Err(e) => fail(&Field::Partner, h, e),
        },
        None => fail(
            &Field::Partner,
            cells.header(&Field::Partner).unwrap_or(""),
            "勤務先が空です".into(),
        ),
    }
    if let Some((h, v)) = cells.get(&Field::Departments) {
        let items = n::list(v, &lists.departments);
        match n::known_items(items, &lists.departments, "departments", &mut d.notes) {
            Ok(list) => d.set("departments", Value::List(list), h),
            Err(e) => fail(&Field::Departments, h, e),
        }
    }
    if let Some((h, v)) = cells.get(&Field::Specialties) {
        d.set("specialties", Value::List(n::free_list(v)), h);
    }
    date_field(cells, &Field::RegisteredSince, "registered_since", d, fail);
    flag_field(cells, &Field::CoTreatment, "co_treatment", d, fail);
}

/// `services` from a list column, ○/× columns named after one service, or both.
///
/// A filled list cell says the whole list: it replaces the file's, plus the ○ columns and
/// minus the × ones. With only ○/× columns each one switches its own service on
/// or off and the file's other services stay — a sheet with an 往診 column says nothing about
/// 在宅看取り.
fn services_field(
    cells: &Cells,
    d: &mut Draft,
    known: &[String],
    list_name: &str,
    fail: &mut Fail,
) {
    let mut flags = Vec::new();
    for (name, header, cell) in &cells.flags {
        match n::flag(cell) {
            Ok(Some(on)) => flags.push((*name, *header, on)),
            Ok(None) => {}
            Err(e) => fail(&Field::ServiceFlag(name.to_string()), header, e),
        }
    }
    // An empty list cell says nothing (Excel lists leave unknowns blank).
    match cells.get(&Field::Services) {
        Some((h, cell)) => {
            let items = n::list(cell, known);
            let mut list = match n::known_items(items, known, list_name, &mut d.notes) {
                Ok(list) => list,
                Err(e) => {
                    fail(&Field::Services, h, e);
                    return;
                }
            };
            for (name, _, on) in flags {
                list.retain(|s| s != name);
                if on {
                    list.push(name.to_string());
                }
            }
            d.set("services", Value::List(list), h);
        }
        None => {
            for (name, header, on) in flags {
                d.toggle("services", name, on, header);
            }
        }
    }
}

fn flag_field(cells: &Cells, field: &Field, key: &'static str, d: &mut Draft, fail: &mut Fail) {
    if let Some((h, v)) = cells.get(field) {
        match n::flag(v) {
            Ok(Some(b)) => d.set(key, Value::Bool(b), h),
            Ok(None) => {}
            Err(e) => fail(field, h, e),
        }
    }
}

fn count_field(
    cells: &Cells,
    field: &Field,
    key: &'static str,
    zero_is_blank: bool,
    d: &mut Draft,
    fail: &mut Fail,
) {
    if let Some((h, v)) = cells.get(field) {
        match n::count(v, zero_is_blank) {
            Ok(Some(c)) => d.set(key, Value::Int(c), h),
            Ok(None) => {}
            Err(e) => fail(field, h, e),
        }
    }
}

fn date_field(cells: &Cells, field: &Field, key: &'static str, d: &mut Draft, fail: &mut Fail) {
    if let Some((h, v)) = cells.get(field) {
        match n::date(v, &mut d.notes) {
            Ok(Some(date)) => d.set(key, Value::Text(date), h),
            Ok(None) => {}
            Err(e) => fail(field, h, e),
        }
    }
}

/// 種別 as written in lists (and in the export) → the content model's kind.
pub fn partner_kind(text: &str) -> Option<&'static str> {
    let t = n::text(text).to_lowercase();
    if t.contains("歯科") || t == "dental" {
        Some("dental")
    } else if t.contains("薬局") || t == "pharmacy" {
        Some("pharmacy")
    } else if t.contains("病院") || t == "hospital" {
        Some("hospital")
    } else if ["診療所", "クリニック", "医院", "clinic", "一般診療所"]
        .iter()
        .any(|w| t.contains(w))
    {
        Some("clinic")
    } else {
        None
    }
}

/// The columns the drafts were filled from, `column → field`, in the order fields are written:
/// what the report's 「取り込む列」 names for open data, whose columns code reads, not a map.
pub fn used_columns(drafts: &[Draft]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for d in drafts {
        for (key, _) in &d.fields {
            if let Some(column) = d.columns.get(key) {
                let pair = (column.clone(), key.to_string());
                if !out.contains(&pair) {
                    out.push(pair);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_cells_become_file_names() {
        assert_eq!(id_slug("P-012"), "p-012");
        assert_eq!(id_slug("No.12 "), "no-12");
        assert_eq!(id_slug("０４５"), "045");
        assert_eq!(id_slug("さくら"), "さくら", "left for the plan to refuse");
    }

    #[test]
    fn kinds_from_what_lists_write() {
        assert_eq!(partner_kind("一般診療所"), Some("clinic"));
        assert_eq!(partner_kind("歯科診療所"), Some("dental"));
        assert_eq!(partner_kind("みなと中央病院"), Some("hospital"));
        assert_eq!(partner_kind("保険薬局"), Some("pharmacy"));
        assert_eq!(partner_kind("助産所"), None);
    }
}
