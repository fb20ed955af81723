//! Japanese search: a static index built with the site and a small client in the browser.
//!
//! The pipeline: [`documents`] turns the linked site into searchable records (public fields
//! only), [`index`] cuts their normalised text into weighted n-grams and shards, and the theme's
//! `assets/search.mjs` fetches the shards a query needs. [`normalize`] is the contract between
//! the two halves: the browser copy (`assets/normalize.mjs`) must agree character for character,
//! which `tests/search/cases.tsv` checks from both sides. Its 異体字 table is not copied by hand:
//! every build writes `assets/itaiji.mjs` from the same `itaiji.tsv` the Rust half reads.
//!
//! Beyond the letters typed: [`vocabulary`] (耳鼻科 → 耳鼻いんこう科, 特養 → 介護老人福祉施設) is
//! compiled for the site into the index manifest, [`romaji`] reads queries typed with the IME off
//! (the index holds readings with long vowels left out too), and [`slip`] finds names one slip
//! away when little is found. The browser applies all three (`assets/words.mjs`); these modules
//! are the same rules in Rust, and `tests/search/words.tsv` holds both to the same cases.

pub mod documents;
pub mod index;
pub mod normalize;
mod postings;
pub mod reuse;
pub mod romaji;
pub mod slip;
pub mod vocabulary;
mod weights;

pub use normalize::normalize;

use crate::pipeline::output::OutFile;
use crate::site::Site;

/// The choices of the search form's filters, from the site's lists (so the form works, and
/// means the same, whether or not a value has records yet).
#[derive(Debug, serde::Serialize)]
pub struct FormOptions {
    pub areas: Vec<String>,
    pub kinds: Vec<&'static str>,
    pub departments: Vec<String>,
    pub services: Vec<String>,
}

pub fn form_options(site: &Site) -> FormOptions {
    let c = &site.config;
    let mut services = c.services.clone();
    services.extend(c.care_services.iter().cloned());
    FormOptions {
        areas: c.areas.clone(),
        kinds: documents::KINDS.to_vec(),
        departments: c.departments.clone(),
        services,
    }
}

pub use reuse::{Memo, Reuse};

/// The index files of `site`, under `search/`, and the client's 異体字 table, handed to `emit` a
/// batch at a time (a large site's index is hundreds of MB; see [`index::build`]). `reuse`: the
/// last build's index, to patch rather than build anew ([`reuse`]). Returns what the next
/// build needs to reuse this one.
pub fn write_index(
    site: &Site,
    reuse: Option<Reuse<'_>>,
    emit: &mut (dyn FnMut(Vec<OutFile>) -> std::io::Result<()> + '_),
) -> std::io::Result<Memo> {
    let started = std::time::Instant::now();
    let docs = documents::documents(site);
    let words = vocabulary::Vocabulary::new(&vocabulary::Lists::of(&site.config), &site.vocabulary)
        .manifest_json(|facet, value| browse_path(site, facet, value));
    let records = docs.len();
    let (stats, memo) = index::build(docs, &words, reuse, emit)?;
    if std::env::var_os("RENKEI_TIMINGS").is_some() {
        eprintln!(
            "  search index: {} ms ({} records, {} grams, {} postings, {} shards, {} files{})",
            started.elapsed().as_millis(),
            records,
            stats.grams,
            stats.postings,
            stats.shards,
            stats.files,
            if stats.reused {
                ", the last build's patched"
            } else {
                ""
            }
        );
    }
    emit(vec![OutFile::text(
        "assets/itaiji.mjs",
        normalize::itaiji_module(),
    )])?;
    Ok(memo)
}

/// [`write_index`]'s files all at once, for `serve`, which keeps them in memory anyway.
pub fn index_files(site: &Site) -> Vec<OutFile> {
    let mut files = Vec::new();
    // Collecting into memory cannot fail.
    let _ = write_index(site, None, &mut |batch| {
        files.extend(batch);
        Ok(())
    });
    files
}

/// The directory page that lists the records with `value` (「診療科から探す」's 耳鼻いんこう科), for
/// the search page's "nothing found" help.
fn browse_path(site: &Site, facet: &str, value: &str) -> Option<String> {
    let (facets, key) = match facet {
        "dept" => (&site.partner_facets, "department"),
        "service" if site.config.care_services.iter().any(|s| s == value) => {
            (&site.care_facets, "service")
        }
        "service" => (&site.partner_facets, "service"),
        _ => return None,
    };
    facets
        .iter()
        .find(|f| f.key == key)?
        .groups
        .iter()
        .find(|g| g.label == value)
        .map(|g| g.path.clone())
}

/// The lines of `tests/search/words.tsv` as (kind, columns): the query-understanding cases the
/// Rust and JavaScript halves share.
#[cfg(test)]
fn words_cases() -> Vec<(String, Vec<String>)> {
    include_str!("../../tests/search/words.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut cols = l.split('\t').map(str::to_string);
            Some((cols.next()?, cols.collect()))
        })
        .collect()
}
