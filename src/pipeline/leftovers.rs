//! What a killed build leaves beside its output, and the next build sweeping it away.
//!
//! A build stopped by Ctrl+C, a timer's time limit or a power cut runs no destructor, so what
//! it was making stays beside the output: its staging folder (the whole new site, 290 MB at
//! 10k records), the previous output it was removing, and the temporary files of its record
//! and parses (which quote content and may hold `partners_only` values). A daily build that
//! is killed now and then would fill the disk.
//!
//! So every build first *claims* its output: a file beside it named after its process,
//! `.renkei-lock.<out>.<pid>`, locked for as long as the build runs. The lock goes when the
//! process does, however it ends. A later build removes what another process left only when it
//! can take that process's lock: the process has ended. That holds on any system, across
//! containers (whose process numbers are their own) and for another machine's build on a
//! shared folder that honours locks, where asking about the process number would not.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::output::MARKER;

/// A leftover without a claim to ask (made by a renkei from before claims, or on a file
/// system that cannot lock) is taken as abandoned only this long after it was last changed: a
/// build of 100k records takes about a minute.
const ABANDONED: Duration = Duration::from_secs(3600);

/// This build's claim on its output; dropping it (however the build ends) unlocks and removes
/// it.
pub struct Claim {
    path: PathBuf,
    _file: fs::File,
}

impl Drop for Claim {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Claims `out` for this process, or `None` if the claim cannot be made or locked (a read-only
/// folder, a file system without locks): the build goes on, and its leftovers, if it is killed,
/// wait [`ABANDONED`].
pub fn claim(out: &Path) -> Option<Claim> {
    let (parent, name) = split(out)?;
    let path = claim_path(parent, name, std::process::id());
    let file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .ok()?;
    // Locked before it is a claim: a file locked by someone else (the same process number on
    // another machine sharing the folder) is theirs, and is not removed on the way out.
    file.try_lock().ok()?;
    Some(Claim { path, _file: file })
}

/// Where process `pid` claims the output named `out_name` in `parent`.
fn claim_path(parent: &Path, out_name: &str, pid: u32) -> PathBuf {
    parent.join(format!(".renkei-lock.{out_name}.{pid}"))
}

fn split(out: &Path) -> Option<(&Path, &str)> {
    let name = out.file_name()?.to_str()?;
    let parent = out.parent()?;
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    Some((parent, name))
}

/// Removes what ended builds of the output folder `out` left beside it:
/// `.<out>.renkei-new-<pid>` and `.<out>.renkei-old-<pid>` folders holding renkei's marker,
/// `.renkei-inputs.<out>.tmp-<pid>` and `.renkei-parsed.<out>.tmp-<pid>` files, and their
/// claims. Nothing else is touched: not another output's, not a link, not a folder without the
/// marker, not anything of a build still running. Failures are ignored; the next build tries
/// again.
pub fn sweep(out: &Path) {
    let Some((parent, out_name)) = split(out) else {
        return;
    };
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let mut claims = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let Some((pid, kind)) = leftover(name, out_name) else {
            continue;
        };
        if pid == std::process::id() {
            continue;
        }
        // The entry itself, not what a link points to.
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        let ours = match kind {
            Kind::Folder => {
                meta.is_dir()
                    && fs::symlink_metadata(entry.path().join(MARKER)).is_ok_and(|m| m.is_file())
            }
            Kind::File | Kind::Claim => meta.is_file(),
        };
        if !ours || !ended(parent, out_name, pid, &meta) {
            continue;
        }
        match kind {
            Kind::Folder => drop(fs::remove_dir_all(entry.path())),
            Kind::File => drop(fs::remove_file(entry.path())),
            // Last: while it is there, the leftovers it vouches for are known to be abandoned.
            Kind::Claim => claims.push(entry.path()),
        }
    }
    for claim in claims {
        let _ = fs::remove_file(claim);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Folder,
    File,
    Claim,
}

/// The process number in `name` if it is one of the leftovers of the output named `out_name`,
/// and what kind.
fn leftover(name: &str, out_name: &str) -> Option<(u32, Kind)> {
    let folder = [".renkei-new-", ".renkei-old-"]
        .iter()
        .find_map(|kind| name.strip_prefix(&format!(".{out_name}{kind}")))
        .map(|pid| (pid, Kind::Folder));
    let file = || {
        ["inputs", "parsed"]
            .iter()
            .find_map(|what| name.strip_prefix(&format!(".renkei-{what}.{out_name}.tmp-")))
            .map(|pid| (pid, Kind::File))
    };
    let claim = || {
        name.strip_prefix(&format!(".renkei-lock.{out_name}."))
            .map(|pid| (pid, Kind::Claim))
    };
    let (pid, kind) = folder.or_else(file).or_else(claim)?;
    let digits = !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| pid.parse().ok().map(|n| (n, kind)))?
}

/// Whether the build of process `pid` has ended: its claim can be locked. Without a claim to
/// ask, whether its leftover (`meta`) has been left alone for [`ABANDONED`].
fn ended(parent: &Path, out_name: &str, pid: u32, meta: &fs::Metadata) -> bool {
    let claim = claim_path(parent, out_name, pid);
    let is_claim = fs::symlink_metadata(&claim).is_ok_and(|m| m.is_file());
    if is_claim {
        if let Ok(file) = fs::OpenOptions::new().write(true).open(&claim) {
            match file.try_lock() {
                Ok(()) => return true,
                Err(fs::TryLockError::WouldBlock) => return false,
                // A file system that cannot lock: as without a claim.
                Err(fs::TryLockError::Error(_)) => {}
            }
        }
    }
    abandoned(meta)
}

/// Left alone for [`ABANDONED`]: by its status change time where there is one (a rename does
/// not change the mtime of the folder it moves, and the previous output being removed was last
/// written long ago), else its mtime.
fn abandoned(meta: &fs::Metadata) -> bool {
    #[cfg(unix)]
    let changed = {
        use std::os::unix::fs::MetadataExt;
        std::time::UNIX_EPOCH
            + Duration::from_secs(u64::try_from(meta.ctime()).unwrap_or(u64::MAX / 2))
    };
    #[cfg(not(unix))]
    let changed = meta
        .modified()
        .unwrap_or_else(|_| std::time::SystemTime::now());
    changed.elapsed().is_ok_and(|age| age > ABANDONED)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Larger than any process number Linux gives (at most 2^22).
    const DEAD: u32 = 999_999_999;

    fn folder_with_marker(path: &Path) {
        fs::create_dir_all(path.join("partners")).unwrap();
        fs::write(path.join(MARKER), "renkei").unwrap();
        fs::write(path.join("partners/index.html"), "<p>").unwrap();
    }

    #[test]
    fn names_are_read_exactly() {
        let folder = Some((42, Kind::Folder));
        assert_eq!(leftover(".public.renkei-new-42", "public"), folder);
        assert_eq!(leftover(".public.renkei-old-42", "public"), folder);
        let file = Some((42, Kind::File));
        assert_eq!(leftover(".renkei-parsed.public.tmp-42", "public"), file);
        assert_eq!(leftover(".renkei-inputs.public.tmp-42", "public"), file);
        let claim = Some((42, Kind::Claim));
        assert_eq!(leftover(".renkei-lock.public.42", "public"), claim);
        for other in [
            ".public.renkei-new-",
            ".public.renkei-new-4x",
            ".public.renkei-new--1",
            ".other.renkei-new-42",
            ".renkei-parsed.public",
            ".renkei-parsed.public-x.tmp-42",
            ".renkei-lock.public",
            "public",
        ] {
            assert_eq!(leftover(other, "public"), None, "{other}");
        }
    }

    /// A killed build: its leftovers and its claim, no longer locked by anyone.
    fn killed_build(p: &Path, pid: u32) -> Vec<PathBuf> {
        let new = p.join(format!(".public.renkei-new-{pid}"));
        let old = p.join(format!(".public.renkei-old-{pid}"));
        folder_with_marker(&new);
        folder_with_marker(&old);
        let parses = p.join(format!(".renkei-parsed.public.tmp-{pid}"));
        fs::write(&parses, "parses").unwrap();
        let claim = p.join(format!(".renkei-lock.public.{pid}"));
        fs::write(&claim, "").unwrap();
        vec![new, old, parses, claim]
    }

    #[test]
    fn an_ended_builds_leftovers_go_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        folder_with_marker(&p.join("public"));
        let dead = killed_build(p, DEAD);
        // Kept: a build still running (its claim locked, here by a file this test holds), one
        // without a claim that is not an hour old, another output's, a folder that is not
        // renkei's, and a link in a leftover's place (what it points to above all).
        let running = killed_build(p, DEAD - 1);
        let lock = fs::File::open(&running[3]).unwrap();
        lock.try_lock().unwrap();
        let unclaimed = p.join(format!(".public.renkei-new-{}", DEAD - 2));
        folder_with_marker(&unclaimed);
        let other = p.join(format!(".partners.renkei-new-{DEAD}"));
        folder_with_marker(&other);
        let unmarked = p.join(format!(".public.renkei-old-{DEAD}-x"));
        fs::create_dir_all(&unmarked).unwrap();
        let precious = p.join("precious.txt");
        fs::write(&precious, "keep").unwrap();
        let link = p.join(format!(".renkei-inputs.public.tmp-{DEAD}"));
        #[cfg(unix)]
        std::os::unix::fs::symlink(&precious, &link).unwrap();

        sweep(&p.join("public"));

        for gone in &dead {
            assert!(!gone.exists(), "{} left", gone.display());
        }
        for kept in running
            .iter()
            .chain([&unclaimed, &other, &unmarked, &p.join("public")])
        {
            assert!(kept.exists(), "{} swept", kept.display());
        }
        assert_eq!(fs::read_to_string(&precious).unwrap(), "keep");
        #[cfg(unix)]
        assert!(fs::symlink_metadata(&link).is_ok(), "the link was swept");

        // Once the running build ends, its leftovers go too.
        drop(lock);
        sweep(&p.join("public"));
        for gone in &running {
            assert!(!gone.exists(), "{} left", gone.display());
        }
    }

    #[test]
    fn a_claim_is_locked_while_held_and_gone_after() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let claim = claim(&out).expect("a claim");
        let path = claim.path.clone();
        let other = fs::File::open(&path).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(fs::TryLockError::WouldBlock)
        ));
        drop(claim);
        assert!(!path.exists());
    }
}
