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
use super::table;

/// A table with a header row whose columns are found by name.
struct Sheet {
    headers: BTreeMap<String, usize>,
    rows: Vec<(usize, Vec<String>)>,
    file: String,
}

impl Sheet {
    fn read(path: &Path) -> Result<(Sheet, String), String> {
        let t = table::read(path)?;
        let mut rows = t.rows.into_iter();
        let (_, header) = rows
            .next()
            .ok_or_else(|| format!("{} は空です", path.display()))?;
        let headers = header
            .iter()
            .enumerate()
            .map(|(i, h)| (header_key(h), i))
            .collect();
        Ok((
            Sheet {
                headers,
                rows: rows.collect(),
                file: path.display().to_string(),
            },
            t.source,
        ))
    }

    fn col(&self, name: &str) -> Result<usize, String> {
        self.headers.get(&header_key(name)).copied().ok_or_else(|| {
            format!(
                "{} に列「{name}」がありません(公開されている形のファイルか確かめてください)",
                self.file
            )
        })
    }

    fn opt(&self, name: &str) -> Option<usize> {
        self.headers.get(&header_key(name)).copied()
    }
}

fn cell(row: &[String], i: usize) -> &str {
    row.get(i).map(|s| s.trim()).unwrap_or("")
}

fn cell_opt(row: &[String], i: Option<usize>) -> &str {
    i.map(|i| cell(row, i)).unwrap_or("")
}
