//! A rebuild after a few records were edited: only the pages that show them are rendered.
//!
//! Staff mostly change a phone number or a seminar's text and build again. The record of the
//! last build ([`unchanged::Record`]) says what each input file was and what shape each record
//! had; when the program, options, build date and every other input are the same, the set of
//! files is the same, and every changed file is a record that kept its shape, the pages that
//! show those records are exactly the ones `serve` re-renders for the same edit
//! ([`collection::showing`], one source of truth for both). Every other page of the output is
//! kept as the last build left it. The files made from many records at once (exports,
//! calendar, feeds, search index) are made again in full, as in every build, because any of
//! them may show any record.
//!
//! Anything else — a new, removed or renamed file, site.yaml, a data file, a theme, a record
//! whose shape (name, reading, area, dates …) changed, an output not exactly as the last build
//! left it — is a full build. tests/rebuild.rs checks the result against a full build byte for
//! byte.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::unchanged::{self, Inputs};
use crate::collection::{self, for_kind, Collection, Kind};
use crate::render::Job;
use crate::site::Site;

/// Which records changed since the last build, and the shapes they had then.
#[derive(Debug)]
pub struct Edit {
    /// Source files (`content/partners/a.md`) whose size, mtime or inode changed.
    changed: Vec<String>,
    shapes: HashMap<String, u64>,
    /// The last build's files made from many records at once.
    derived: HashSet<String>,
    /// The last build's output folder and what its search index was made from, so the index
    /// is patched rather than built anew ([`crate::search::reuse`]).
    out: PathBuf,
    search: Option<crate::search::Memo>,
}

impl Edit {
    /// How many input files changed.
    pub fn files(&self) -> usize {
        self.changed.len()
    }

    /// The last build's files made from many records at once: made again, never kept.
    pub fn derived(&self) -> &HashSet<String> {
        &self.derived
    }

    /// The last build's search index, to patch.
    pub fn search(&self) -> Option<crate::search::Reuse<'_>> {
        self.search.as_ref().map(|memo| crate::search::Reuse {
            out: &self.out,
            memo,
        })
    }

    /// The pages to render, or `None` when the edit may move records between pages (or is
    /// not a record at all) and the whole site must be rendered.
    pub fn jobs(&self, site: &Site) -> Option<Vec<Job>> {
        let mut jobs = Vec::new();
        for source in &self.changed {
            let (c, i, shape) = Collection::ALL
                .into_iter()
                .find_map(|c| for_kind!(c, K => find::<K>(site, source)))?;
            if self.shapes.get(source) != Some(&shape) {
                return None;
            }
            jobs.extend(for_kind!(c, K => collection::showing::<K>(site, i)));
        }
        jobs.sort_unstable();
        jobs.dedup();
        Some(jobs)
    }
}

/// What changed since the build `record` describes (its output `out`, checked intact by
/// [`unchanged::previous`]), if only input files did (not the program, the options or the
/// date) and none was added or removed.
pub fn plan(record: unchanged::Record, inputs: &Inputs, out: &Path) -> Option<Edit> {
    // A record from before the derived files were listed cannot say which files to drop.
    if record.settings != inputs.settings
        || record.stamps.len() != inputs.stamps.len()
        || record.derived.is_empty()
    {
        return None;
    }
    let mut changed = Vec::new();
    for ((was, stamp_was), (now, stamp)) in record.stamps.iter().zip(&inputs.stamps) {
        if was != now {
            return None;
        }
        if stamp_was != stamp || *stamp == unchanged::DOUBTFUL {
            changed.push(now.clone());
        }
    }
    if changed.is_empty() {
        return None;
    }
    Some(Edit {
        changed,
        shapes: record.shapes.into_iter().collect(),
        derived: record.derived.into_iter().collect(),
        out: out.to_path_buf(),
        search: record.search,
    })
}

/// Record `source` of `K`: its index and shape hash. The home page's text (`pages/index.md`)
/// is not among the pages, so an edit of it is a full build.
fn find<K: Kind>(site: &Site, source: &str) -> Option<(Collection, usize, u64)> {
    let i = K::all(site)
        .iter()
        .position(|r| r.meta().source == source)?;
    Some((K::COLLECTION, i, shape_hash(&K::all(site)[i])))
}

/// A record's shape as the next build compares it: the derived `Hash` of every field the shape
/// holds. (It was a hash of the shape's `Debug` text, whose escaping of every Japanese
/// character took 3% of a cold build's processor time.) `DefaultHasher::new` has fixed keys,
/// so the same binary gives the same hash in every build; a new renkei that hashes
/// differently costs one full build, as any change to the record's format does.
fn shape_hash<K: Kind>(record: &K) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    record.shape().hash(&mut h);
    h.finish()
}

/// Every record's source file with its shape hash, for the record of this build. After an
/// `edit` of records alone (rendered as one), a file it did not change holds the record it
/// held, whose shape is the one the last build recorded: only the changed files' records are
/// hashed again (the hash formats every field, and at 10k records that took a tenth of a
/// second).
pub fn shapes(site: &Site, edit: Option<&Edit>) -> Vec<(String, u64)> {
    // A set: an import can change thousands of files, each looked up for every record.
    let changed: HashSet<&str> = edit
        .map(|e| e.changed.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let kept = |source: &str| {
        let edit = edit.filter(|_| !changed.contains(source))?;
        edit.shapes.get(source).copied()
    };
    let mut shapes = Vec::new();
    for c in Collection::ALL {
        for_kind!(c, K => {
            shapes.par_extend(K::all(site).par_iter().map(|r| {
                let source = &r.meta().source;
                (source.clone(), kept(source).unwrap_or_else(|| shape_hash(r)))
            }));
        });
    }
    shapes
}
