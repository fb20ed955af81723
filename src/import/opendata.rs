//! The national open data, read in its published layouts:
//!
//! - 医療情報ネット (ナビイ), MHLW, PDL1.0: the 施設票 (`0x-1_…_facility_info_YYYYMMDD.csv`)
//!   and the 診療科・診療時間票 (`0x-2_…_speciality_hours_YYYYMMDD.csv`), joined on `ID`.
//!   Weekly flags are 1 = open (the column names say 休診), times are one row per 診療時間帯.
//!   No phone or 郵便番号 is published, so new records are written as drafts for staff to
//!   complete.
//! - 介護サービス情報公表システム, MHLW, CC BY 4.0: `jigyosho_<code>.csv`, one row per
//!   事業所 and service; one 事業所番号 may recur, its services are merged.
//!
//! Both are matched to existing records by their IDs (`navii_id`, `office_number`), so a
//! re-import every half year updates records instead of duplicating them. Fields staff own —
//! the name they chose, the 地区 — are only written into new files.

mod kaigo;
mod navii;

pub use kaigo::kaigo;
pub use navii::navii;

use std::collections::BTreeMap;
use std::path::Path;

use super::columns::exact_key as header_key;
use super::limits;
use super::table::{self, Row};

/// A header row: column name (as [`header_key`] writes it) → index.
type Headers = BTreeMap<String, usize>;

fn column(headers: &Headers, name: &str) -> Option<usize> {
    headers.get(&header_key(name)).copied()
}

/// A table with a header row whose columns are found by name.
struct Sheet {
    headers: Headers,
    rows: Vec<(usize, Row)>,
    /// Data rows in the file, including those left out by the filter.
    all: usize,
    file: String,
}

impl Sheet {
    /// Reads a national file, keeping the rows `keep` accepts as they are read: the files
    /// cover the whole country, and only one city's rows are held. `keep` judges a row by the
    /// file's own header.
    fn read(
        path: &Path,
        mut keep: impl FnMut(&Headers, &Row) -> bool,
    ) -> Result<(Sheet, String), String> {
        let index = |row: &Row| -> Headers {
            row.cells()
                .enumerate()
                .map(|(i, h)| (header_key(h), i))
                .collect()
        };
        let mut header: Option<Headers> = None;
        let t = table::read_where(path, &limits::OPEN_DATA, &mut |row| match &header {
            Some(h) => keep(h, row),
            None => {
                header = Some(index(row));
                true
            }
        })?;
        let mut rows = t.rows.into_iter();
        let (_, header) = rows
            .next()
            .ok_or_else(|| format!("{} は空です", path.display()))?;
        Ok((
            Sheet {
                headers: index(&header),
                rows: rows.collect(),
                all: t.read.saturating_sub(1),
                file: path.display().to_string(),
            },
            t.source,
        ))
    }

    fn col(&self, name: &str) -> Result<usize, String> {
        column(&self.headers, name).ok_or_else(|| {
            format!(
                "{} に列「{name}」がありません(公開されている形のファイルか確かめてください)",
                self.file
            )
        })
    }

    fn opt(&self, name: &str) -> Option<usize> {
        column(&self.headers, name)
    }
}

fn cell(row: &Row, i: usize) -> &str {
    row.get(i).map(|s| s.trim()).unwrap_or("")
}

fn cell_opt(row: &Row, i: Option<usize>) -> &str {
    i.map(|i| cell(row, i)).unwrap_or("")
}
