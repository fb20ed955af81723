//! `renkei init` and `renkei new`: the files a liaison office starts from.
//!
//! `init` writes a whole site that builds with no error and no warning: a site.yaml with every
//! field explained, the standard pages of a 地域医療連携室 (紹介受診の流れ, 退院支援, 医療福祉相談,
//! 交通案内, アクセシビリティ方針, 個人情報の取り扱い) as editable starting text, one clearly marked
//! 見本 of every collection, and はじめに.md for staff. `new` writes one record with every field
//! present and explained; what staff must still fill in is left empty, so `renkei check` names
//! each such field with its line — the same messages as any other slip.
//!
//! The files are real files under `src/scaffold/` (read them to see what a user gets), embedded
//! in the binary. Dates in them are placeholders filled with today's date, so a fresh site's
//! seminar is open for applications and its news is new. Nothing is ever overwritten: every
//! path is checked before the first write, and each file is created with `create_new`.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate};

use crate::collection::Collection;
use crate::content::is_valid_slug;

/// The starter site, relative to the folder `init` is given.
const STARTER: &[(&str, &[u8])] = &[
    ("はじめに.md", include_bytes!("starter/はじめに.md")),
    (
        "content/site.yaml",
        include_bytes!("starter/content/site.yaml"),
    ),
    (
        "content/pages/index.md",
        include_bytes!("starter/content/pages/index.md"),
    ),
    (
        "content/pages/referral.md",
        include_bytes!("starter/content/pages/referral.md"),
    ),
    (
        "content/pages/discharge.md",
        include_bytes!("starter/content/pages/discharge.md"),
    ),
    (
        "content/pages/consultation.md",
        include_bytes!("starter/content/pages/consultation.md"),
    ),
    (
        "content/pages/access.md",
        include_bytes!("starter/content/pages/access.md"),
    ),
    (
        "content/pages/accessibility.md",
        include_bytes!("starter/content/pages/accessibility.md"),
    ),
    (
        "content/pages/privacy.md",
        include_bytes!("starter/content/pages/privacy.md"),
    ),
    (
        "content/partners/mihon-naika.md",
        include_bytes!("starter/content/partners/mihon-naika.md"),
    ),
    (
        "content/care/mihon-houkan.md",
        include_bytes!("starter/content/care/mihon-houkan.md"),
    ),
    (
        "content/doctors/dr-mihon-taro.md",
        include_bytes!("starter/content/doctors/dr-mihon-taro.md"),
    ),
    (
        "content/seminars/mihon-kenshukai.md",
        include_bytes!("starter/content/seminars/mihon-kenshukai.md"),
    ),
    (
        "content/news/mihon-oshirase.md",
        include_bytes!("starter/content/news/mihon-oshirase.md"),
    ),
    (
        "content/pathways/mihon-pasu.md",
        include_bytes!("starter/content/pathways/mihon-pasu.md"),
    ),
    (
        "content/forms/fax-cover.md",
        include_bytes!("starter/content/forms/fax-cover.md"),
    ),
    (
        "content/forms/referral-request.md",
        include_bytes!("starter/content/forms/referral-request.md"),
    ),
    (
        "content/equipment/mihon-ct.md",
        include_bytes!("starter/content/equipment/mihon-ct.md"),
    ),
    (
        "content/koho/mihon-dayori-1.md",
        include_bytes!("starter/content/koho/mihon-dayori-1.md"),
    ),
    (
        "content/static/koho/mihon-dayori-1.pdf",
        include_bytes!("starter/content/static/koho/mihon-dayori-1.pdf"),
    ),
    (
        "content/data/outpatient.yaml",
        include_bytes!("starter/content/data/outpatient.yaml"),
    ),
    (
        "content/data/closures.yaml",
        include_bytes!("starter/content/data/closures.yaml"),
    ),
    (
        "content/data/vocabulary.yaml",
        include_bytes!("starter/content/data/vocabulary.yaml"),
    ),
];

/// The blank record `new` writes for a collection.
fn blank(collection: Collection) -> &'static str {
    match collection {
        Collection::Partners => include_str!("blank/partner.md"),
        Collection::Care => include_str!("blank/care.md"),
        Collection::Doctors => include_str!("blank/doctor.md"),
        Collection::Seminars => include_str!("blank/seminar.md"),
        Collection::News => include_str!("blank/news.md"),
        Collection::Pathways => include_str!("blank/pathway.md"),
        Collection::Forms => include_str!("blank/form.md"),
        Collection::Equipment => include_str!("blank/equipment.md"),
        Collection::Newsletters => include_str!("blank/koho.md"),
        Collection::Pages => include_str!("blank/page.md"),
    }
}

/// Creates a new site in `dir` (made if missing). Returns the files written.
pub fn init(dir: &Path, today: NaiveDate) -> Result<Vec<PathBuf>, String> {
    let content = dir.join("content");
    if content.exists() {
        return Err(format!(
            "{} はすでにあります。サイトはもう作られています(何も変えていません)。新しいサイトは空のフォルダに作ってください: renkei init 新しいフォルダ名",
            content.display()
        ));
    }
    let targets: Vec<(PathBuf, &[u8])> = STARTER
        .iter()
        .map(|(rel, bytes)| (dir.join(rel), *bytes))
        .collect();
    if let Some((taken, _)) = targets.iter().find(|(p, _)| p.exists()) {
        return Err(format!(
            "{} はすでにあります。上書きしないため、何も作っていません",
            taken.display()
        ));
    }
    let dates = Dates::from(today);
    let mut written = Vec::with_capacity(targets.len());
    for (path, bytes) in targets {
        let bytes = match std::str::from_utf8(bytes) {
            Ok(text) if is_text(&path) => dates.fill(text).into_bytes(),
            _ => bytes.to_vec(),
        };
        create(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// Markdown and YAML carry date placeholders; other files (the example PDF) are copied as is.
fn is_text(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md" || e == "yaml")
}

/// Writes a blank `collection` record named `slug` into the site at `root`.
pub fn new_record(
    root: &Path,
    collection: Collection,
    slug: &str,
    today: NaiveDate,
) -> Result<PathBuf, String> {
    crate::load::require_site(root).map_err(|e| e.to_string())?;
    let slug = slug.strip_suffix(".md").unwrap_or(slug);
    if !is_valid_slug(slug) {
        return Err(format!(
            "「{slug}」はファイル名に使えません。半角の英小文字・数字・「-」で付けてください(例: sakura-naika)。ページの URL になります"
        ));
    }
    if let Some(taken) = collection.reserved(slug) {
        return Err(format!(
            "「{slug}」は {} のファイル名に使えません(「{taken}」はサイトが一覧のページに使う名前です)。別の名前にしてください",
            collection.dir()
        ));
    }
    let path = root
        .join("content")
        .join(collection.dir())
        .join(format!("{slug}.md"));
    if path.exists() {
        return Err(format!(
            "{} はすでにあります。上書きしないため、何も作っていません",
            path.display()
        ));
    }
    create(&path, Dates::from(today).fill(blank(collection)).as_bytes())?;
    Ok(path)
}

/// Creates `path` (and its folder), never replacing a file that appeared meanwhile.
fn create(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let fail = |e: std::io::Error| format!("{} を作れません: {e}", path.display());
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(fail)?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(fail)?;
    file.write_all(bytes).map_err(fail)
}

/// The dates a fresh site's examples are set on, counted from the day it is made.
struct Dates {
    today: NaiveDate,
}

impl From<NaiveDate> for Dates {
    fn from(today: NaiveDate) -> Self {
        Dates { today }
    }
}

impl Dates {
    fn fill(&self, text: &str) -> String {
        let seminar = self.today + Duration::days(45);
        let deadline = seminar - Duration::days(7);
        // The 年末年始 closure still ahead (or under way on 1–3 January).
        let year = if self.today.month() == 1 && self.today.day() <= 3 {
            self.today.year() - 1
        } else {
            self.today.year()
        };
        let month_start = self.today.with_day(1).unwrap_or(self.today);
        text.replace("%%TODAY%%", &self.today.to_string())
            .replace("%%SEMINAR_START%%", &format!("{seminar}T18:30:00+09:00"))
            .replace("%%SEMINAR_END%%", &format!("{seminar}T20:00:00+09:00"))
            .replace("%%DEADLINE%%", &deadline.to_string())
            .replace("%%VALID_FROM%%", &month_start.to_string())
            .replace("%%YEAR_END_FROM%%", &format!("{year}-12-29"))
            .replace("%%YEAR_END_TO%%", &format!("{}-01-03", year + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_placeholder_is_filled() {
        let dates = Dates::from(day("2026-12-04"));
        for (rel, bytes) in STARTER {
            if is_text(Path::new(rel)) {
                let text = std::str::from_utf8(bytes).unwrap();
                assert!(!dates.fill(text).contains("%%"), "{rel}");
            }
        }
        for c in Collection::ALL {
            assert!(!dates.fill(blank(c)).contains("%%"), "{c:?}");
        }
    }

    #[test]
    fn the_year_end_closure_is_the_one_ahead() {
        let text = "%%YEAR_END_FROM%% %%YEAR_END_TO%%";
        assert_eq!(
            Dates::from(day("2026-12-04")).fill(text),
            "2026-12-29 2027-01-03"
        );
        assert_eq!(
            Dates::from(day("2027-01-02")).fill(text),
            "2026-12-29 2027-01-03"
        );
        assert_eq!(
            Dates::from(day("2027-01-04")).fill(text),
            "2027-12-29 2028-01-03"
        );
    }

    #[test]
    fn the_example_seminar_is_open_for_applications() {
        let filled = Dates::from(day("2026-12-04")).fill("%%SEMINAR_START%% %%DEADLINE%%");
        assert_eq!(filled, "2027-01-18T18:30:00+09:00 2027-01-11");
    }
}
