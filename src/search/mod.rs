//! Japanese search: a static index built with the site and a small client in the browser.
//!
//! The pipeline: [`documents`] turns the linked site into searchable records (public fields
//! only), [`index`] cuts their normalised text into weighted n-grams and shards, and the theme's
//! `assets/search.mjs` fetches the shards a query needs. [`normalize`] is the contract between
//! the two halves: the browser copy (`assets/normalize.mjs`) must agree character for character,
//! which `tests/search/cases.tsv` checks from both sides. Its 異体字 table is not copied by hand:
//! every build writes `assets/itaiji.mjs` from the same `itaiji.tsv` the Rust half reads.

pub mod documents;
pub mod index;
pub mod normalize;

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

/// The index files of `site`, under `search/`, and the client's 異体字 table.
pub fn index_files(site: &Site) -> Vec<OutFile> {
    let started = std::time::Instant::now();
    let docs = documents::documents(site);
    let built = index::build(&docs);
    if std::env::var_os("RENKEI_TIMINGS").is_some() {
        eprintln!(
            "  search index: {} ms ({} records, {} grams, {} postings, {} shards, {} files)",
            started.elapsed().as_millis(),
            docs.len(),
            built.grams,
            built.postings,
            built.shards,
            built.files.len()
        );
    }
    let mut files = built.files;
    files.push(OutFile::text(
        "assets/itaiji.mjs",
        normalize::itaiji_module(),
    ));
    files
}
