//! The last step: write the finished site so that a failure never leaves a half-written folder.
//!
//! Everything is written into a temporary sibling of the output folder; only when every file
//! is in place is the old folder moved aside and the new one renamed into its place. A build
//! that fails before that point deletes its temporary folder and leaves `public/` exactly as it
//! was, byte for byte. Both folders share a parent, so the renames stay on one file system.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;

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
        OutFile {
            path: path.into(),
            source: Source::Bytes(text.into_bytes()),
        }
    }

    pub fn size(&self) -> u64 {
        match &self.source {
            Source::Bytes(b) => b.len() as u64,
            Source::Copy(p) => fs::metadata(p).map(|m| m.len()).unwrap_or(0),
        }
    }
}

/// Refuses output folders whose replacement would destroy something that is not a previous
/// build: the site itself, its content, or an unrelated folder.
pub fn check_target(out: &Path, root: &Path) -> Result<(), String> {
    let out_abs = absolute(out);
    let root_abs = absolute(root);
    if root_abs.starts_with(&out_abs) {
        return Err(format!(
            "出力先 {} はサイトのフォルダそのもの(またはその親)です。別のフォルダを指定してください",
            out.display()
        ));
    }
    if out.join("content").join("site.yaml").exists() {
        return Err(format!(
            "出力先 {} には content/ があります。サイトのフォルダは出力先にできません",
            out.display()
        ));
    }
    if out.is_file() {
        return Err(format!(
            "出力先 {} はファイルです。フォルダを指定してください",
            out.display()
        ));
    }
    if out.is_dir() {
        let mut entries =
            fs::read_dir(out).map_err(|e| format!("出力先 {} を読めません: {e}", out.display()))?;
        let non_empty = entries.next().is_some();
        if non_empty && !out.join("sitemap.xml").exists() {
            return Err(format!(
                "出力先 {} は renkei が作ったフォルダではないようです(sitemap.xml がありません)。中身を消さないよう、空のフォルダか新しいフォルダを指定してください",
                out.display()
            ));
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> PathBuf {
    fs::canonicalize(p).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    })
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
        if file.path.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(file.size(), Ordering::Relaxed);
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
}

impl Staging {
    pub fn begin(out: &Path) -> io::Result<Staging> {
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
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            retired,
            committed: false,
            tally: Tally::default(),
        })
    }

    /// Swaps the staged folder in: the old output is moved aside, the new one renamed into its
    /// place, the old one removed. If the rename fails, the old output is put back.
    pub fn commit(mut self) -> io::Result<()> {
        let mut timer = crate::pipeline::Timer::new();
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

impl Sink for Staging {
    fn put(&self, file: OutFile) -> io::Result<()> {
        let target = self.dir.join(&file.path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        match &file.source {
            Source::Bytes(b) => fs::write(&target, b)?,
            Source::Copy(from) => {
                fs::copy(from, &target)?;
            }
        }
        self.tally.count(&file);
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

/// Writes `files` into `out`, replacing its previous contents in one swap.
pub fn write_atomically(out: &Path, files: &[OutFile]) -> io::Result<()> {
    let staging = Staging::begin(out)?;
    files.par_iter().try_for_each(|f| staging.put(f.clone()))?;
    staging.commit()
}

/// Removes a previous output folder, its big subfolders in parallel.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let mut children = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            for grandchild in fs::read_dir(entry.path())? {
                children.push(grandchild?.path());
            }
        }
    }
    children.par_iter().try_for_each(|p| {
        if p.is_dir() {
            fs::remove_dir_all(p)
        } else {
            fs::remove_file(p)
        }
    })?;
    fs::remove_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn refuses_to_replace_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        fs::create_dir_all(site.join("content")).unwrap();
        fs::write(site.join("content/site.yaml"), "").unwrap();
        assert!(check_target(&site, &site).is_err());
        assert!(check_target(tmp.path(), &site).is_err());
        let docs = tmp.path().join("docs");
        fs::create_dir_all(&docs).unwrap();
        fs::write(docs.join("thesis.docx"), "x").unwrap();
        assert!(check_target(&docs, &site).is_err());
        assert!(check_target(&tmp.path().join("new"), &site).is_ok());
    }
}
