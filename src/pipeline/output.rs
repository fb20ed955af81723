//! The last step: write the finished site so that a failure never leaves a half-written folder,
//! and write only what changed.
//!
//! Every file that differs from what the previous build left (its [`Manifest`]) is written into
//! a temporary sibling of the output folder; files whose bytes are the same are not written at
//! all. A build that fails before the end deletes its temporary folder and leaves `public/`
//! exactly as it was, every byte and mtime. Then the short apply phase: each changed file is
//! renamed over its old version (a reader gets the old file or the new one, never a part of
//! one), files no longer produced are removed, and the manifest is replaced last. While it runs
//! — milliseconds for a daily rebuild — a visitor may see some pages new and some still old.
//! A new folder, an output from before manifests, or `--clean` gets the whole-folder swap
//! instead: the new folder is renamed into place and the old one removed. Both folders share a
//! parent, so the renames stay on one file system.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use super::manifest::{self, Entry, Manifest, MANIFEST};

/// One output file.
#[derive(Debug, Clone)]
pub struct OutFile {
    /// Path inside the output folder, with `/` separators: `partners/sakura/index.html`.
    pub path: String,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub enum Source {
    Bytes(Vec<u8>),
    /// Copied from a file (static assets).
    Copy(PathBuf),
}

impl OutFile {
    pub fn text(path: impl Into<String>, text: String) -> Self {
        Self::bytes_at(path, text.into_bytes())
    }

    /// A file of bytes made here, such as a rendered page.
    pub fn bytes_at(path: impl Into<String>, bytes: Vec<u8>) -> Self {
        OutFile {
            path: path.into(),
            source: Source::Bytes(bytes),
        }
    }

    pub fn size(&self) -> u64 {
        match &self.source {
            Source::Bytes(b) => b.len() as u64,
            Source::Copy(p) => fs::metadata(p).map(|m| m.len()).unwrap_or(0),
        }
    }
}

/// The file renkei writes at the top of every output folder. A build replaces a folder's whole
/// contents, so it only ever replaces a folder that carries this mark: a Hugo `public/`, a
/// document folder or a mistyped `--out` is refused instead of wiped.
pub const MARKER: &str = ".renkei-output";
const MARKER_TEXT: &str = "This folder is written by renkei. Each build rewrites what changed and removes what it no longer makes; files put here by hand may be replaced.\nこのフォルダは renkei が生成します。生成のたびに、変わったファイルを書き直し、不要になったファイルを削除します。手で置いたファイルは置き換わることがあります。\n";
/// The marker's line that says which day the output was built for (`check` compares it with
/// the days statuses change).
const BUILT_ON: &str = "build-date: ";

/// The build date an output folder was built for, if it is a renkei output that says so.
pub fn built_on(out: &Path) -> Option<chrono::NaiveDate> {
    let text = fs::read_to_string(out.join(MARKER)).ok()?;
    let line = text.lines().find_map(|l| l.strip_prefix(BUILT_ON))?;
    chrono::NaiveDate::parse_from_str(line.trim(), "%Y-%m-%d").ok()
}

/// Where rendered files go as soon as each is ready: a staging folder for `build`, nowhere for
/// `check`. Streaming keeps a 10k-partner build from holding every page in memory at once.
pub trait Sink: Sync {
    fn put(&self, file: OutFile) -> io::Result<()>;
    fn tally(&self) -> &Tally;
}

/// Counts of what went into a sink, for the summary line.
#[derive(Debug, Default)]
pub struct Tally {
    pages: AtomicUsize,
    files: AtomicUsize,
    bytes: AtomicU64,
}

impl Tally {
    pub(crate) fn count(&self, file: &OutFile) {
        self.add(&file.path, file.size());
    }

    fn add(&self, path: &str, size: u64) {
        if path.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(size, Ordering::Relaxed);
    }

    pub fn pages(&self) -> usize {
        self.pages.load(Ordering::Relaxed)
    }

    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }
}

/// A sink that keeps every file in memory (`renkei serve`), keyed by output path.
#[derive(Debug, Default)]
pub struct Memory {
    files: std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>,
    tally: Tally,
}

impl Memory {
    pub fn into_files(self) -> std::collections::HashMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_default()
    }
}

impl Sink for Memory {
    fn put(&self, file: OutFile) -> io::Result<()> {
        self.tally.count(&file);
        let bytes = match file.source {
            Source::Bytes(b) => b,
            Source::Copy(from) => fs::read(from)?,
        };
        if let Ok(mut files) = self.files.lock() {
            files.insert(file.path, bytes);
        }
        Ok(())
    }

    fn tally(&self) -> &Tally {
        &self.tally
    }
}

/// A temporary sibling of the output folder that becomes the output on [`Staging::commit`].
/// Dropped without a commit (an error anywhere), it deletes itself and the output is untouched.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    retired: PathBuf,
    committed: bool,
    tally: Tally,
    /// What the previous build wrote; `None` swaps the whole folder.
    previous: Option<Manifest>,
    manifest: Mutex<Manifest>,
    /// Paths staged because their bytes changed (or are new).
    written: Mutex<Vec<String>>,
    kept: AtomicUsize,
    /// Folders already made in the staging folder: tens of thousands of files share a few
    /// thousand folders, and asking the file system again for each file costs a lookup apiece.
    made: Mutex<std::collections::HashSet<PathBuf>>,
}

/// What a build did to its output folder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    pub written: usize,
    pub kept: usize,
    pub removed: usize,
}

impl Staging {
    /// `out` is the real output folder, as [`super::target::resolve_target`] returns it: the staging folder is
    /// made beside it, so the final rename never crosses a file system or a link.
    /// `clean` ignores the previous build: every file is written and the folder swapped whole.
    pub fn begin(out: &Path, clean: bool) -> io::Result<Staging> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.renkei-new-{pid}"));
        let retired = parent.join(format!(".{name}.renkei-old-{pid}"));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        fs::write(dir.join(MARKER), MARKER_TEXT)?;
        let previous = if clean { None } else { Manifest::read(out) };
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            retired,
            committed: false,
            tally: Tally::default(),
            previous,
            manifest: Mutex::new(Manifest::default()),
            written: Mutex::new(Vec::new()),
            kept: AtomicUsize::new(0),
            made: Mutex::default(),
        })
    }

    /// Records the build date in the marker, for [`built_on`].
    pub fn stamp(&self, build_date: chrono::NaiveDate) -> io::Result<()> {
        fs::write(
            self.dir.join(MARKER),
            format!("{MARKER_TEXT}{BUILT_ON}{build_date}\n"),
        )
    }

    /// Keeps every file of the previous build that this build did not make, except those in
    /// `made_again` (which this build made in full, so one it did not make is gone), as it
    /// is: a rebuild after an edit renders only the pages that show the edited records
    /// ([`super::edit`]) and has checked that the output is exactly as that build left it.
    /// Returns how many files were kept this way.
    pub fn keep_the_rest(
        &self,
        made_again: &std::collections::HashSet<String>,
    ) -> io::Result<usize> {
        let previous = self
            .previous
            .as_ref()
            .ok_or_else(|| io::Error::other("no previous build to keep files from"))?;
        let mut manifest = lock(&self.manifest);
        let mut carried = 0;
        for (path, entry) in previous.entries() {
            if !manifest.contains(path) && !made_again.contains(path) {
                manifest.insert(path.clone(), *entry);
                self.tally.add(path, entry.size);
                carried += 1;
            }
        }
        self.kept.fetch_add(carried, Ordering::Relaxed);
        Ok(carried)
    }

    /// Puts the new site in place: changed files one by one over an earlier build with a
    /// manifest, otherwise the whole staged folder (see the module comment).
    pub fn commit(mut self) -> io::Result<Changes> {
        let manifest = std::mem::take(&mut *lock(&self.manifest));
        fs::write(self.dir.join(MANIFEST), manifest.to_text())?;
        let written = std::mem::take(&mut *lock(&self.written));
        let kept = self.kept.load(Ordering::Relaxed);
        let changes = match self.previous.take() {
            Some(previous) => {
                let removed =
                    super::update::in_place(&self.out, &self.dir, &written, &previous, &manifest)?;
                self.committed = true;
                let _ = fs::remove_dir_all(&self.dir);
                Changes {
                    written: written.len(),
                    kept,
                    removed,
                }
            }
            None => {
                self.swap()?;
                Changes {
                    written: written.len(),
                    kept,
                    removed: 0,
                }
            }
        };
        Ok(changes)
    }

    /// The old output is moved aside, the new one renamed into its place, the old one removed.
    /// If the rename fails, the old output is put back.
    fn swap(&mut self) -> io::Result<()> {
        let mut timer = crate::pipeline::timing::Timer::new();
        if self.out.exists() {
            if self.retired.exists() {
                fs::remove_dir_all(&self.retired)?;
            }
            fs::rename(&self.out, &self.retired)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.out) {
            if self.retired.exists() {
                let _ = fs::rename(&self.retired, &self.out);
            }
            return Err(e);
        }
        self.committed = true;
        timer.step("write: swap");
        if self.retired.exists() {
            remove_tree(&self.retired)?;
        }
        timer.step("write: remove previous");
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// True for a path that stays inside the output folder. Every output path is made from slugs
/// and site.yaml names that are checked already; this is the last line of defence, so no
/// name can ever make a build write beside or above its output folder.
pub(super) fn stays_inside(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains(['\\', '\0'])
        && path.split('/').all(|part| !part.is_empty() && part != "..")
}

impl Sink for Staging {
    fn put(&self, file: OutFile) -> io::Result<()> {
        if !stays_inside(&file.path) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("出力先の外を指すパス {:?} には書き込みません", file.path),
            ));
        }
        let read;
        let bytes: &[u8] = match &file.source {
            Source::Bytes(b) => b,
            Source::Copy(from) => {
                read = fs::read(from)?;
                &read
            }
        };
        let hash = manifest::hash(bytes);
        let size = bytes.len() as u64;
        self.tally.count(&file);
        if let Some(previous) = &self.previous {
            if let Some(entry) = previous.still_on_disk(&self.out, &file.path, hash, size) {
                self.kept.fetch_add(1, Ordering::Relaxed);
                lock(&self.manifest).insert(file.path, entry);
                return Ok(());
            }
        }
        let target = self.dir.join(&file.path);
        if let Some(parent) = target.parent() {
            if !lock(&self.made).contains(parent) {
                fs::create_dir_all(parent)?;
                lock(&self.made).insert(parent.to_path_buf());
            }
        }
        let mut out = fs::File::create(&target)?;
        io::Write::write_all(&mut out, bytes)?;
        // Stat after closing: NFS sends the bytes, and so sets the mtime, when the file is
        // closed, and a manifest holding the mtime of the still-open file would never match.
        drop(out);
        let written = fs::metadata(&target)?;
        let (size, mtime) = (written.len(), manifest::mtime_of(&written));
        lock(&self.manifest).insert(file.path.clone(), Entry { hash, size, mtime });
        lock(&self.written).push(file.path);
        Ok(())
    }

    fn tally(&self) -> &Tally {
        &self.tally
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Removes a previous output folder, its big subfolders in parallel. Links inside it are
/// removed as links: what they point to is not part of the output and is never touched.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let mut children = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        // `file_type` does not follow links, so a linked folder is not descended into.
        if entry.file_type()?.is_dir() {
            for grandchild in fs::read_dir(entry.path())? {
                children.push(grandchild?);
            }
        }
    }
    children.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    fs::remove_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `files` into `out`, replacing its previous contents in one swap: what the
    /// pipeline does, without the pipeline.
    fn write_atomically(out: &Path, files: &[OutFile]) -> io::Result<()> {
        let staging = Staging::begin(out, false)?;
        files.par_iter().try_for_each(|f| staging.put(f.clone()))?;
        staging.commit().map(|_| ())
    }

    #[test]
    fn swap_replaces_and_failure_keeps_the_old_site() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_atomically(
            &out,
            &[
                OutFile::text("index.html", "one".into()),
                OutFile::text("sitemap.xml", "x".into()),
            ],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "one");

        // A copy from a missing file fails mid-write: the old output must survive untouched.
        let bad = [
            OutFile::text("index.html", "two".into()),
            OutFile {
                path: "a/b.pdf".into(),
                source: Source::Copy(tmp.path().join("missing.pdf")),
            },
        ];
        assert!(write_atomically(&out, &bad).is_err());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "one");
        let leftovers: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn no_output_path_leaves_the_folder() {
        for bad in ["../x", "a/../../x", "/etc/x", "a//b", "a\\..\\b", ""] {
            assert!(!stays_inside(bad), "{bad:?}");
        }
        for good in [
            "index.html",
            "partners/area/北部/index.html",
            ".renkei-output",
            "a..b/c",
        ] {
            assert!(stays_inside(good), "{good:?}");
        }
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        assert!(write_atomically(&out, &[OutFile::text("../escape.html", "x".into())]).is_err());
        assert!(!tmp.path().join("escape.html").exists() && !out.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_output_is_written_through_and_nothing_else_is_touched() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        fs::create_dir_all(site.join("content")).unwrap();
        let real = tmp.path().join("releases/current");
        let link = tmp.path().join("public");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        // A dangling link is refused, not replaced by a folder.
        assert!(super::super::target::resolve_target(&link, &site)
            .unwrap_err()
            .contains("リンク先"));

        let outside = tmp.path().join("keep");
        fs::create_dir_all(outside.join("sub")).unwrap();
        fs::write(outside.join("sub/precious.txt"), "keep me").unwrap();
        let page = |text: &str| {
            vec![
                OutFile::text("index.html", text.into()),
                OutFile::text("partners/a/index.html", text.into()),
            ]
        };
        write_atomically(&real, &page("first")).unwrap();
        // A link inside the output to a folder outside it: removing the old output must
        // remove the link only.
        std::os::unix::fs::symlink(&outside, real.join("partners/outside")).unwrap();
        let target = super::super::target::resolve_target(&link, &site).unwrap();
        assert_eq!(target, fs::canonicalize(&real).unwrap());
        write_atomically(&target, &page("second")).unwrap();

        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            fs::read_to_string(link.join("partners/a/index.html")).unwrap(),
            "second"
        );
        assert!(real.join(MARKER).is_file());
        assert_eq!(
            fs::read_to_string(outside.join("sub/precious.txt")).unwrap(),
            "keep me"
        );
    }
}
