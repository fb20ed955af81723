//! The last step: write the finished site so that a failure never leaves a half-written folder.
//!
//! Everything is written into a temporary sibling of the output folder; only when every file
//! is in place is the old folder moved aside and the new one renamed into its place. A build
//! that fails before that point deletes its temporary folder and leaves `public/` exactly as it
//! was, byte for byte. Both folders share a parent, so the renames stay on one file system.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

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

/// Writes `files` into `out`, replacing its previous contents in one swap.
pub fn write_atomically(out: &Path, files: &[OutFile]) -> io::Result<()> {
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
    let staging = parent.join(format!(".{name}.renkei-new-{pid}"));
    let retired = parent.join(format!(".{name}.renkei-old-{pid}"));
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    let mut timer = crate::pipeline::Timer::new();
    let result = write_all(&staging, files);
    timer.step("write: files");
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if out.exists() {
        if retired.exists() {
            fs::remove_dir_all(&retired)?;
        }
        if let Err(e) = fs::rename(out, &retired) {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    }
    if let Err(e) = fs::rename(&staging, out) {
        // Put the previous site back before reporting.
        if retired.exists() {
            let _ = fs::rename(&retired, out);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    timer.step("write: swap");
    if retired.exists() {
        remove_tree(&retired)?;
    }
    timer.step("write: remove previous");
    Ok(())
}

fn write_all(dir: &Path, files: &[OutFile]) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    // Folders shared by many pages (`partners/`) first; each page's own folder is made by the
    // thread that writes it, so the file system work spreads across threads.
    let shared: BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
        .filter_map(|d| d.rsplit_once('/').map(|(parent, _)| parent))
        .collect();
    for d in shared {
        fs::create_dir_all(dir.join(d))?;
    }
    files.par_iter().try_for_each(|f| {
        let target = dir.join(&f.path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        match &f.source {
            Source::Bytes(b) => fs::write(&target, b),
            Source::Copy(from) => fs::copy(from, &target).map(|_| ()),
        }
    })
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
