//! Which column is which field. Offices name their columns every way (名称, 医療機関名,
//! 施設名 …); the common Japanese headers are known out of the box, `--map` adds the rest, and a
//! column nobody recognises is reported rather than dropped silently.

use std::collections::BTreeMap;

use unicode_normalization::UnicodeNormalization;

use super::Kind as Import;

/// A field a column can fill.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    /// The record's file name; also read from a 「ページURL」 column (the export's).
    Slug,
    PageUrl,
    Name,
    Yomi,
    Kind,
    Departments,
    Area,
    Postal,
    Address,
    Tel,
    Fax,
    Url,
    Director,
    DirectorYomi,
    Services,
    Registered,
    Beds,
    NaviiId,
    Lat,
    Lon,
    Updated,
    HoursNote,
    OfficeNumber,
    Operator,
    Capacity,
    Accepting,
    Partner,
    PartnerUrl,
    Specialties,
    RegisteredSince,
    CoTreatment,
    /// A ○/× column named after one service (往診, 訪問診療 …).
    ServiceFlag(String),
    /// Read and deliberately not imported (named in `--map` as `ignore`).
    Ignore,
}

impl Field {
    /// The name used in `--map` files and in the report.
    pub fn key(&self) -> String {
        let s = match self {
            Field::Slug => "slug",
            Field::PageUrl => "page_url",
            Field::Name => "name",
            Field::Yomi => "yomi",
            Field::Kind => "kind",
            Field::Departments => "departments",
            Field::Area => "area",
            Field::Postal => "postal",
            Field::Address => "address",
            Field::Tel => "tel",
            Field::Fax => "fax",
            Field::Url => "url",
            Field::Director => "director",
            Field::DirectorYomi => "director_yomi",
            Field::Services => "services",
            Field::Registered => "registered",
            Field::Beds => "beds",
            Field::NaviiId => "navii_id",
            Field::Lat => "lat",
            Field::Lon => "lon",
            Field::Updated => "updated",
            Field::HoursNote => "hours_note",
            Field::OfficeNumber => "office_number",
            Field::Operator => "operator",
            Field::Capacity => "capacity",
            Field::Accepting => "accepting",
            Field::Partner => "partner",
            Field::PartnerUrl => "partner_url",
            Field::Specialties => "specialties",
            Field::RegisteredSince => "registered_since",
            Field::CoTreatment => "co_treatment",
            Field::ServiceFlag(s) => return format!("service:{s}"),
            Field::Ignore => "ignore",
        };
        s.to_string()
    }

    fn all() -> Vec<Field> {
        use Field::*;
        vec![
            Slug,
            PageUrl,
            Name,
            Yomi,
            Kind,
            Departments,
            Area,
            Postal,
            Address,
            Tel,
            Fax,
            Url,
            Director,
            DirectorYomi,
            Services,
            Registered,
            Beds,
            NaviiId,
            Lat,
            Lon,
            Updated,
            HoursNote,
            OfficeNumber,
            Operator,
            Capacity,
            Accepting,
            Partner,
            PartnerUrl,
            Specialties,
            RegisteredSince,
            CoTreatment,
            Ignore,
        ]
    }

    /// Parses a `--map` value: a field key or `service:<name>`.
    pub fn parse(key: &str) -> Option<Field> {
        if let Some(service) = key.strip_prefix("service:") {
            return Some(Field::ServiceFlag(service.trim().to_string()));
        }
        Field::all().into_iter().find(|f| f.key() == key)
    }
}

/// Header spellings per field, compared after [`header_key`]. The export's own headers are
/// among them, so an export imports back.
fn aliases(kind: Import) -> Vec<(Field, &'static [&'static str])> {
    use Field::*;
    let place: Vec<(Field, &'static [&'static str])> = vec![
        // An office's own ID column names the file, so a re-import finds it again even
        // after the name changes.
        (
            Slug,
            &[
                "slug",
                "スラッグ",
                "ファイル名",
                "id",
                "管理番号",
                "施設id",
                "施設番号",
                "整理番号",
            ],
        ),
        (PageUrl, &["ページurl", "url(ページ)"]),
        (
            Yomi,
            &[
                "よみ",
                "ヨミ",
                "読み",
                "よみがな",
                "ふりがな",
                "フリガナ",
                "カナ",
                "名称カナ",
                "名称(フリガナ)",
                "施設名カナ",
                "事業所名カナ",
                "医療機関名カナ",
                "正式名称(フリガナ)",
            ],
        ),
        (Area, &["地区", "地域", "エリア", "圏域", "担当地区"]),
        (Postal, &["郵便番号", "〒", "郵便", "郵便番号(〒)"]),
        (Address, &["住所", "所在地", "所在地住所"]),
        (
            Tel,
            &[
                "電話",
                "tel",
                "電話番号",
                "代表電話",
                "電話番号(代表)",
                "電話(代表)",
                "tel(代表)",
            ],
        ),
        (
            Fax,
            &[
                "fax",
                "fax番号",
                "ファックス",
                "ファクス",
                "fax番号(代表)",
                "fax(代表)",
            ],
        ),
        (
            Url,
            &[
                "url",
                "ホームページ",
                "hp",
                "ウェブサイト",
                "webサイト",
                "ホームページアドレス",
            ],
        ),
        (Lat, &["緯度"]),
        (Lon, &["経度"]),
        (Updated, &["情報更新日", "更新日", "確認日", "最終更新日"]),
        (
            HoursNote,
            &[
                "休診日",
                "診療時間・休診日",
                "営業日・休業日",
                "備考(診療時間)",
            ],
        ),
    ];
    let mut out = place;
    match kind {
        Import::Partners => out.extend([
            (
                Name,
                &[
                    "名称",
                    "医療機関名",
                    "施設名",
                    "正式名称",
                    "医療機関名称",
                    "病院名",
                    "診療所名",
                ][..],
            ),
            (
                Kind,
                &["種別", "種類", "区分", "施設区分", "医療機関区分"][..],
            ),
            (
                Departments,
                &["診療科", "標榜科", "診療科目", "標榜診療科"][..],
            ),
            (
                Director,
                &[
                    "院長",
                    "管理者",
                    "院長名",
                    "院長・管理者",
                    "代表者",
                    "管理者名",
                ][..],
            ),
            (
                DirectorYomi,
                &["院長よみ", "院長フリガナ", "管理者よみ", "院長名フリガナ"][..],
            ),
            (
                Services,
                &[
                    "対応",
                    "対応可能な診療・検査",
                    "対応可能な診療",
                    "在宅医療",
                    "サービス",
                ][..],
            ),
            (Registered, &["登録医療機関", "登録", "登録医"][..]),
            (Beds, &["病床数", "病床", "合計病床数"][..]),
            (NaviiId, &["医療情報ネットid", "ナビイid", "医療機関id"][..]),
        ]),
        Import::Care => out.extend([
            (Name, &["名称", "事業所名", "施設名", "事業所名称"][..]),
            (
                Services,
                &[
                    "介護サービスの種類",
                    "サービスの種類",
                    "サービス種類",
                    "サービス種別",
                    "種別",
                    "種類",
                ][..],
            ),
            (
                OfficeNumber,
                &["介護保険事業所番号", "事業所番号", "事業所番号(10桁)"][..],
            ),
            (
                Operator,
                &["運営法人", "法人名", "法人の名称", "運営主体", "設置主体"][..],
            ),
            (Capacity, &["定員"][..]),
            (
                Accepting,
                &[
                    "新規受入れ",
                    "新規受入",
                    "受入れ",
                    "受入可否",
                    "新規受入れ可否",
                ][..],
            ),
        ]),
        Import::Doctors => {
            out.retain(|(f, _)| matches!(f, Slug | PageUrl | Yomi));
            out.extend([
                (Name, &["氏名", "医師名", "名前", "登録医氏名"][..]),
                (
                    Partner,
                    &["勤務先", "医療機関", "医療機関名", "所属", "所属医療機関"][..],
                ),
                (PartnerUrl, &["勤務先ページurl"][..]),
                (Departments, &["診療科", "標榜科"][..]),
                (
                    Specialties,
                    &["専門・得意分野", "専門", "得意分野", "専門分野"][..],
                ),
                (RegisteredSince, &["登録日", "登録年月日"][..]),
                (
                    CoTreatment,
                    &["共同診療", "開放型病床", "共同診療・開放型病床"][..],
                ),
            ]);
        }
    }
    out
}

/// Headers compared without width, case, spaces or a trailing note in brackets that only
/// says how to fill the cell: 「ＦＡＸ番号」 = 「FAX番号」, 「登録医療機関 (○)」 = 「登録医療機関」,
/// 「新規受入れ (可 / 停止中)」 = 「新規受入れ」. A bracket that says *what* the column is stays
/// part of the name — 「電話(院長携帯)」 is not the public 電話 and must not become `tel` — so
/// such a column is matched whole, and reported when nothing knows it.
pub fn header_key(header: &str) -> String {
    let s: String = header
        .nfkc()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    match s.rfind('(') {
        Some(i) if i > 0 && s.ends_with(')') && fill_note(&s[i + 1..s.len() - 1]) => {
            s[..i].to_string()
        }
        _ => s,
    }
}

/// A bracket that lists the marks to write (○, ×, 可/停止中, 有・無), nothing more.
fn fill_note(inner: &str) -> bool {
    !inner.is_empty()
        && inner
            .chars()
            .all(|c| "○×◯〇●◎△✕/・、,可不停止中有無はいえ".contains(c) || c.is_ascii_alphabetic())
        && !inner.chars().all(|c| c.is_ascii_alphabetic())
}

/// Headers compared exactly but for width, case and spaces: open data's column names differ
/// only inside their brackets (「所在地座標（緯度）」「所在地座標（経度）」).
pub fn exact_key(header: &str) -> String {
    header
        .nfkc()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// A header row resolved to fields.
#[derive(Debug, Default)]
pub struct Columns {
    /// Column index → field.
    pub fields: BTreeMap<usize, Field>,
    /// Headers that matched nothing: reported, not imported.
    pub unknown: Vec<String>,
}

/// Matches a header row. `map` (from `--map`) wins over the built-in names; `services` are the
/// site's service names, which become ○/× columns when a header is one of them.
pub fn resolve(
    kind: Import,
    headers: &[String],
    map: &BTreeMap<String, Field>,
    services: &[String],
) -> Columns {
    let table = aliases(kind);
    let mut out = Columns::default();
    let mapped: BTreeMap<String, &Field> = map.iter().map(|(h, f)| (header_key(h), f)).collect();
    for (i, header) in headers.iter().enumerate() {
        if header.trim().is_empty() {
            continue;
        }
        let key = header_key(header);
        let field = mapped.get(&key).map(|f| (*f).clone()).or_else(|| {
            table
                .iter()
                .find(|(_, names)| names.iter().any(|n| header_key(n) == key))
                .map(|(f, _)| f.clone())
                .or_else(|| {
                    services
                        .iter()
                        .find(|s| header_key(s) == key)
                        .map(|s| Field::ServiceFlag(s.clone()))
                })
        });
        match field {
            Some(f) if out.fields.values().any(|g| *g == f && f != Field::Ignore) => out
                .unknown
                .push(format!("{header}(同じ項目の列が前にあります)")),
            Some(f) => {
                out.fields.insert(i, f);
            }
            None => out.unknown.push(header.trim().to_string()),
        }
    }
    out
}

/// How many headers of a row are known (a service's ○/× column counts): the first row with two
/// or more is the header row (sheets often have a title and a date above it).
pub fn score(
    kind: Import,
    row: &[String],
    map: &BTreeMap<String, Field>,
    services: &[String],
) -> usize {
    resolve(kind, row, map, services).fields.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_headers_are_known_in_their_usual_spellings() {
        let headers: Vec<String> = [
            "医療機関名",
            "フリガナ",
            "〒",
            "ＴＥＬ",
            "ＦＡＸ番号",
            "登録医療機関 (○)",
            "往診",
            "備考",
        ]
        .map(String::from)
        .to_vec();
        let services = vec!["往診".to_string()];
        let cols = resolve(Import::Partners, &headers, &BTreeMap::new(), &services);
        let keys: Vec<String> = cols.fields.values().map(Field::key).collect();
        assert_eq!(
            keys,
            [
                "name",
                "yomi",
                "postal",
                "tel",
                "fax",
                "registered",
                "service:往診"
            ]
        );
        assert_eq!(cols.unknown, ["備考"]);
    }

    #[test]
    fn a_bracket_that_names_the_column_keeps_it_apart() {
        let headers: Vec<String> = [
            "名称",
            "電話(院長携帯)",
            "電話番号(代表)",
            "新規受入れ (可 / 停止中)",
        ]
        .map(String::from)
        .to_vec();
        let cols = resolve(Import::Care, &headers, &BTreeMap::new(), &[]);
        let keys: Vec<String> = cols.fields.values().map(Field::key).collect();
        assert_eq!(keys, ["name", "tel", "accepting"]);
        assert_eq!(
            cols.fields.get(&2),
            Some(&Field::Tel),
            "the 代表 number is tel"
        );
        assert_eq!(cols.unknown, ["電話(院長携帯)"]);
    }

    #[test]
    fn a_map_names_other_columns() {
        let headers: Vec<String> = ["施設の名前", "メモ"].map(String::from).to_vec();
        let map = BTreeMap::from([
            ("施設の名前".to_string(), Field::Name),
            ("メモ".to_string(), Field::Ignore),
        ]);
        let cols = resolve(Import::Care, &headers, &map, &[]);
        assert_eq!(cols.fields.get(&0), Some(&Field::Name));
        assert!(cols.unknown.is_empty());
    }
}
