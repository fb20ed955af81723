//! What a build left in its output folder, file by file, so the next build writes only what
//! changed.
//!
//! A daily rebuild, or a one-line edit, produces the same bytes for almost every file. Writing
//! them all again costs the disk most of a build's time and makes rsync and CDN uploads (which
//! go by mtime or content) send everything. `.renkei-manifest` lists each file with a hash of
//! its bytes, its size and the mtime it got when written: a file whose new bytes hash the same,
//! and which is still on disk as written (same size and mtime: nobody edited it by hand), is
//! kept as it is, mtime and inode included.

use std::collections::HashMap;
use std::fs;
use std::hash::Hasher;
use std::io;
use std::path::Path;
use std::time::UNIX_EPOCH;

/// The manifest's name inside the output folder (not part of the site: never served as a page).
pub const MANIFEST: &str = ".renkei-manifest";

/// One file as a build wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub hash: u64,
    pub size: u64,
    /// Nanoseconds since the epoch, as the file system reported after writing.
    pub mtime: u128,
}

/// Output path → how it was written.
#[derive(Debug, Default)]
pub struct Manifest {
    files: HashMap<String, Entry>,
}

/// A hash of a file's bytes. Std's SipHash is not promised to stay the same across Rust
/// releases; if it changes, the next build simply rewrites every file once.
pub fn hash(bytes: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

/// Size and mtime of the file at `path`, as a manifest records them.
pub fn stat(path: &Path) -> io::Result<(u64, u128)> {
    let m = fs::metadata(path)?;
    Ok((m.len(), mtime_of(&m)))
}

/// A file's mtime in nanoseconds since the epoch (0 where the system has none).
pub fn mtime_of(m: &fs::Metadata) -> u128 {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

impl Manifest {
    /// The manifest of the output folder `out`, if it has a readable one.
    pub fn read(out: &Path) -> Option<Manifest> {
        Manifest::parse(&fs::read_to_string(out.join(MANIFEST)).ok()?)
    }

    /// A manifest from its text, if every line is well formed.
    pub fn parse(text: &str) -> Option<Manifest> {
        let mut files = HashMap::new();
        for line in text.lines() {
            let mut parts = line.splitn(4, '\t');
            let (Some(hash), Some(size), Some(mtime), Some(path)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return None;
            };
            let entry = Entry {
                hash: u64::from_str_radix(hash, 16).ok()?,
                size: size.parse().ok()?,
                mtime: mtime.parse().ok()?,
            };
            files.insert(path.to_string(), entry);
        }
        Some(Manifest { files })
    }

    pub fn insert(&mut self, path: String, entry: Entry) {
        self.files.insert(path, entry);
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    pub fn paths(&self) -> impl Iterator<Item = &String> {
        self.files.keys()
    }

    pub fn entries(&self) -> impl Iterator<Item = (&String, &Entry)> {
        self.files.iter()
    }

    /// One line per file, sorted by path, so the same output gives the same manifest.
    pub fn to_text(&self) -> String {
        let mut paths: Vec<&String> = self.files.keys().collect();
        paths.sort();
        let mut out = String::with_capacity(paths.len() * 80);
        for p in paths {
            let e = &self.files[p];
            out.push_str(&format!("{:016x}\t{}\t{}\t{p}\n", e.hash, e.size, e.mtime));
        }
        out
    }

    /// Whether the file at `out/path` is still what this manifest says was written there.
    pub fn still_on_disk(&self, out: &Path, path: &str, hash: u64, size: u64) -> Option<Entry> {
        let e = self.files.get(path)?;
        if e.hash != hash || e.size != size {
            return None;
        }
        match stat(&out.join(path)) {
            Ok((s, m)) if s == e.size && m == e.mtime => Some(*e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_writes() {
        let mut m = Manifest::default();
        m.insert(
            "news/category/休診・代診/index.html".into(),
            Entry {
                hash: 0xdead_beef,
                size: 12,
                mtime: 1_764_000_000_123_456_789,
            },
        );
        m.insert(
            "index.html".into(),
            Entry {
                hash: 1,
                size: 2,
                mtime: 3,
            },
        );
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join(MANIFEST), m.to_text()).unwrap();
        let back = Manifest::read(tmp.path()).unwrap();
        assert_eq!(back.to_text(), m.to_text());
        assert!(back
            .to_text()
            .starts_with("0000000000000001\t2\t3\tindex.html\n"));
    }

    #[test]
    fn a_damaged_manifest_is_no_manifest() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join(MANIFEST), "zz\t1\t2\tindex.html\n").unwrap();
        assert!(Manifest::read(tmp.path()).is_none());
    }

    #[test]
    fn a_file_edited_by_hand_is_not_kept() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("a.html"), "old").unwrap();
        let (size, mtime) = stat(&tmp.path().join("a.html")).unwrap();
        let mut m = Manifest::default();
        let h = hash(b"old");
        m.insert(
            "a.html".into(),
            Entry {
                hash: h,
                size,
                mtime,
            },
        );
        assert!(m.still_on_disk(tmp.path(), "a.html", h, 3).is_some());
        assert!(m
            .still_on_disk(tmp.path(), "a.html", hash(b"new"), 3)
            .is_none());
        fs::write(tmp.path().join("a.html"), "edited!").unwrap();
        assert!(m.still_on_disk(tmp.path(), "a.html", h, 3).is_none());
    }
}
