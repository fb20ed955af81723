//! The records the last build parsed, kept beside the output, so that the next build parses
//! only the record files that changed since.
//!
//! After a one-line edit at 10k records, reading and checking every record file again was
//! most of the build (0.7–0.9 s of about 2 s). A record file's parse depends on nothing but
//! its own bytes, the program and the options, the other inputs (site.yaml, `data/`,
//! `static/`, the theme) and, for a few files, the build date: the record and the warnings are
//! the same whenever those are. So a build keeps each file's parse ([`crate::stash`]) with the
//! file's stamp (size, mtime, inode: [`unchanged::fingerprint`]) and the build dates the parse
//! holds for ([`Days`]), and with the settings and a hash of every other input's stamp. The
//! next build takes a file's parse from there when the settings and that hash are the same,
//! the file's stamp is too and its build date is among the parse's days, and parses every
//! other file as usual.
//!
//! The days are what lets a daily build take the parses: most files read the same on any
//! day, and the others say from when and until when they do (a partner's `updated` a year
//! old from a day on, a seminar's status between its dates).
//!
//! It is kept where the build's record is ([`unchanged`]), beside the output and never in it
//! (`.renkei-parsed.public`): it holds `partners_only` values in a partners build, and what is
//! published is the output folder. Anything unexpected in it (another program, a damaged or
//! cut file, a checksum that does not match) means every file is parsed, which is always
//! correct. A file stamped as doubtful (modified within moments of the fingerprint) is never
//! taken from it, nor kept in it.

use std::collections::HashMap;
use std::fs;
use std::hash::Hasher;
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::unchanged::{self, Inputs, DOUBTFUL};
use crate::content::report::Days;
use crate::stash::{put_number, put_text, Reader, Stash};

/// The file's first bytes; the number changes with the layout.
const MAGIC: &[u8] = b"renkei-parsed 3\n";

/// The last build's parses that still hold: by source file (`content/partners/a.md`), the
/// bytes of its entry ([`crate::load`] decodes them) and the days it holds for.
pub struct Kept {
    bytes: Vec<u8>,
    entries: HashMap<String, (Range<usize>, Days)>,
}

impl crate::load::Earlier for Kept {
    fn parsed(&self, source: &str) -> Option<(&[u8], Days)> {
        let (range, days) = self.entries.get(source)?;
        Some((self.bytes.get(range.clone())?, *days))
    }
}

/// The file's place: beside the output folder, named after it, as the build's record is. Not
/// in the site's folder: a build of a shared or read-only site (the demo, a test fixture) into
/// a folder elsewhere must not write into the site. It is readable by its owner only, since a
/// partners build's parses hold `partners_only` values.
fn path_for(out: &Path) -> PathBuf {
    unchanged::beside(out, "parsed")
}

/// Whether `shown` (`content/partners/a.md`) is a record file, by the loader's own rule
/// ([`crate::load::source_file`]): the files whose parses are kept. Everything else that is
/// read is part of the context every parse depends on.
fn is_record(shown: &str) -> bool {
    crate::load::source_file(Path::new(""), Path::new(shown)).is_some()
}

/// A hash of every input that is not a record file, or `None` if one of them is doubtful:
/// two doubtful stamps are equal whatever the files hold.
fn context(inputs: &Inputs) -> Option<u64> {
    let mut h = std::hash::DefaultHasher::new();
    for (path, stamp) in inputs.stamps.iter().filter(|(p, _)| !is_record(p)) {
        if *stamp == DOUBTFUL {
            return None;
        }
        h.write(path.as_bytes());
        h.write_u64(*stamp);
    }
    Some(h.finish())
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

/// The parses kept beside `out` that `inputs` still vouch for, or `None` when there are none
/// to trust. The file is: [`MAGIC`], the settings, the context hash, the entries (each a 1,
/// its source, its stamp, its first and last day and its bytes), a 0, and a checksum of
/// everything before it.
pub fn previous(out: &Path, inputs: &Inputs) -> Option<Kept> {
    let bytes = unchanged::read_own(&path_for(out))?;
    let (content, sum) = bytes.split_last_chunk::<8>()?;
    // The cheap refusals first: after new options every build would otherwise hash the whole
    // file (28 MB at 10k) only to find its settings are another build's.
    let mut r = Reader::new(content.strip_prefix(MAGIC)?);
    if String::take(&mut r)? != inputs.undated
        || Some(u64::take(&mut r)?) != context(inputs)
        || u64::from_le_bytes(*sum) != checksum(content)
    {
        return None;
    }
    let stamps: HashMap<&str, u64> = inputs
        .stamps
        .iter()
        .filter(|(_, s)| *s != DOUBTFUL)
        .map(|(p, s)| (p.as_str(), *s))
        .collect();
    let mut entries = HashMap::new();
    loop {
        match u8::take(&mut r)? {
            0 => break,
            1 => {}
            _ => return None,
        }
        let source = String::take(&mut r)?;
        let stamp = u64::take(&mut r)?;
        let days = Days {
            first: chrono::NaiveDate::take(&mut r)?,
            last: chrono::NaiveDate::take(&mut r)?,
        };
        let len = r.length()?;
        let start = content.len() - r.rest().len();
        r.slice(len)?;
        if stamps.get(source.as_str()) == Some(&stamp) && days.contains(inputs.build_date) {
            entries.insert(source, (start..start + len, days));
        }
    }
    if !r.done() {
        return None;
    }
    Some(Kept { bytes, entries })
}

/// This build's parses on their way beside the output, each with the stamp the fingerprint
/// gave its file. They go to a temporary file as they are made; [`Keeping::finish`] puts it
/// in place, and dropping it unfinished (a failed build, inputs changed while it ran) deletes
/// it.
pub struct Keeping {
    path: PathBuf,
    tmp: PathBuf,
    stamps: HashMap<String, u64>,
    file: Mutex<Option<Hashing<io::BufWriter<fs::File>>>>,
}

/// Starts keeping this build's parses, or `None` when they could not be trusted next time (an
/// input other than a record file is doubtful) or the file cannot be made.
pub fn keeping(out: &Path, inputs: &Inputs) -> Option<Keeping> {
    let path = path_for(out);
    let Some(context) = context(inputs) else {
        // Nothing could be taken from the last one either: better none than one kept for
        // nothing.
        let _ = fs::remove_file(&path);
        return None;
    };
    let (tmp, file) = unchanged::create_own(&path).ok()?;
    let mut file = Hashing {
        inner: io::BufWriter::with_capacity(1 << 20, file),
        hash: std::hash::DefaultHasher::new(),
    };
    let mut head = MAGIC.to_vec();
    inputs.undated.put(&mut head);
    context.put(&mut head);
    let keeping = Keeping {
        path,
        tmp,
        stamps: inputs
            .stamps
            .iter()
            .filter(|(p, s)| *s != DOUBTFUL && is_record(p))
            .cloned()
            .collect(),
        file: Mutex::new(None),
    };
    // `keeping` exists before the head is written, so that dropping it on a failed write
    // deletes the temporary file too.
    file.write_all(&head).ok()?;
    *lock(&keeping.file) = Some(file);
    Some(keeping)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl crate::load::Keeper for Keeping {
    fn keep(&self, source: &str, parse: &[u8], days: Days) {
        // A doubtful file is looked at again next time, whatever is kept.
        let Some(stamp) = self.stamps.get(source) else {
            return;
        };
        let mut head = Vec::with_capacity(source.len() + 32);
        head.push(1);
        put_text(source, &mut head);
        stamp.put(&mut head);
        days.first.put(&mut head);
        days.last.put(&mut head);
        put_number(parse.len() as u64, &mut head);
        let mut file = lock(&self.file);
        let written = file
            .as_mut()
            .map(|f| f.write_all(&head).and_then(|()| f.write_all(parse)));
        if let Some(Err(_)) = written {
            // A short file would fail its checksum anyway; stop writing it.
            *file = None;
        }
    }
}

impl Keeping {
    /// Ends the file and puts it in place of the last one.
    pub fn finish(self) -> io::Result<()> {
        let Some(mut file) = lock(&self.file).take() else {
            return Err(io::Error::other("the parses could not all be written"));
        };
        file.write_all(&[0])?;
        let sum = file.hash.finish().to_le_bytes();
        let mut inner = file.inner;
        inner.write_all(&sum)?;
        inner.into_inner().map_err(io::IntoInnerError::into_error)?;
        fs::rename(&self.tmp, &self.path)
    }
}

impl Drop for Keeping {
    fn drop(&mut self) {
        // After `finish` the temporary file has become the kept one and is gone.
        let _ = fs::remove_file(&self.tmp);
    }
}

/// A writer that hashes what passes through it, for the checksum at the end.
struct Hashing<W> {
    inner: W,
    hash: std::hash::DefaultHasher,
}

impl<W: Write> Hashing<W> {
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hash.write(bytes);
        self.inner.write_all(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_record_files_are_records() {
        assert!(is_record("content/partners/sakura-naika.md"));
        assert!(is_record("content/pages/index.md"));
        assert!(!is_record("content/site.yaml"));
        assert!(!is_record("content/data/outpatient.yaml"));
        assert!(!is_record("content/static/forms/a.md"));
        assert!(!is_record("content/partners/Sakura.md"));
        assert!(!is_record("content/partners/a/b.md"));
        assert!(!is_record("themes/default/templates/partner.html"));
    }
}
