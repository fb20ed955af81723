//! The apply phase of a rebuild into an earlier output: the staged files that changed are
//! renamed over their old versions, files the new build no longer has are removed, then the
//! marker and the manifest. Nothing here runs before the whole build succeeded (see
//! `output::Staging`), and each rename is atomic, so a reader sees each file old or new.

use std::fs;
use std::io;
use std::path::Path;

use rayon::prelude::*;

use super::manifest::{Manifest, MANIFEST};
use super::output::{stays_inside, MARKER};

/// Moves the `written` files from `staged` into `out` and removes what `previous` listed but
/// `manifest` does not. Returns how many files were removed.
pub(super) fn in_place(
    out: &Path,
    staged: &Path,
    written: &[String],
    previous: &Manifest,
    manifest: &Manifest,
) -> io::Result<usize> {
    let mut timer = crate::pipeline::timing::Timer::new();
    written.par_iter().try_for_each(|path| {
        let target = out.join(path);
        make_parent(out, &target)?;
        if target.is_dir() {
            // A folder where a file must now be: what it held is gone from the site.
            fs::remove_dir_all(&target)?;
        }
        fs::rename(staged.join(path), &target)
    })?;
    timer.step("write: changed files");
    // Paths come from the manifest on disk: each is checked to stay inside before removal.
    let mut gone: Vec<&String> = previous
        .paths()
        .filter(|p| !manifest.contains(p) && stays_inside(p))
        .collect();
    gone.sort();
    for path in &gone {
        match fs::remove_file(out.join(path)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        // Folders emptied by the removal go too, up to the output folder itself.
        let mut dir = Path::new(path.as_str()).parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
            if fs::remove_dir(out.join(d)).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    timer.step("write: removed files");
    for name in [MARKER, MANIFEST] {
        let (from, to) = (staged.join(name), out.join(name));
        if fs::read(&from).ok() != fs::read(&to).ok() {
            fs::rename(&from, &to)?;
        }
    }
    Ok(gone.len())
}

/// Makes the folder `target` goes in. A file where one of its folders must be is a page the
/// new build turned into a folder of pages: it is stale, and removed.
fn make_parent(out: &Path, target: &Path) -> io::Result<()> {
    let Some(parent) = target.parent() else {
        return Ok(());
    };
    if fs::create_dir_all(parent).is_ok() {
        return Ok(());
    }
    let mut dir = Some(parent);
    while let Some(d) = dir.filter(|d| *d != out) {
        if d.is_file() {
            fs::remove_file(d)?;
            break;
        }
        dir = d.parent();
    }
    fs::create_dir_all(parent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_that_became_a_folder_and_back() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("guide"), "a file").unwrap();
        make_parent(&out, &out.join("guide/index.html")).unwrap();
        assert!(out.join("guide").is_dir());
    }
}
