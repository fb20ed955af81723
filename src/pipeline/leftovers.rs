//! What a killed build leaves beside its output, and the next build sweeping it away.
//!
//! A build stopped by Ctrl+C, a timer's time limit or a power cut runs no destructor, so what
//! it was making stays beside the output: its staging folder (the whole new site, 290 MB at
//! 10k records), the previous output it was removing, and the temporary files of its record
//! and parses (which quote content and may hold `partners_only` values). A daily build that
//! is killed now and then would fill the disk. So each build of an output first removes what
//! earlier builds of that same output left, once the process that made it is gone; a build
//! still running is left alone.

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::output::MARKER;

/// Where the system cannot say whether a process is running (no `/proc`), a leftover this old
/// is taken as abandoned: a build of 100k records takes about a minute.
const ABANDONED: Duration = Duration::from_secs(3600);

/// Removes what killed builds of the output folder `out` left beside it:
/// `.<out>.renkei-new-<pid>` and `.<out>.renkei-old-<pid>` folders holding renkei's marker, and
/// `.renkei-inputs.<out>.tmp-<pid>` and `.renkei-parsed.<out>.tmp-<pid>` files. Nothing else is
/// touched: not another output's, not a link, not a folder without the marker. Failures are
/// ignored; the next build tries again.
pub fn sweep(out: &Path) {
    let (Some(parent), Some(out_name)) = (out.parent(), out.file_name().and_then(|n| n.to_str()))
    else {
        return;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let Some((pid, folder)) = leftover(name, out_name) else {
            continue;
        };
        // The entry itself, not what a link points to.
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        let ours = if folder {
            meta.is_dir()
                && fs::symlink_metadata(entry.path().join(MARKER)).is_ok_and(|m| m.is_file())
        } else {
            meta.is_file()
        };
        let made = meta.modified().unwrap_or_else(|_| SystemTime::now());
        if ours && gone(pid, made) {
            let _ = if folder {
                fs::remove_dir_all(entry.path())
            } else {
                fs::remove_file(entry.path())
            };
        }
    }
}

/// The process number in `name` if it is one of the leftovers of the output named `out_name`,
/// and whether it is a folder.
fn leftover(name: &str, out_name: &str) -> Option<(u32, bool)> {
    let folder = [".renkei-new-", ".renkei-old-"]
        .iter()
        .find_map(|kind| name.strip_prefix(&format!(".{out_name}{kind}")));
    let file = || {
        ["inputs", "parsed"]
            .iter()
            .find_map(|what| name.strip_prefix(&format!(".renkei-{what}.{out_name}.tmp-")))
    };
    let (pid, is_folder) = match folder {
        Some(pid) => (pid, true),
        None => (file()?, false),
    };
    let digits = !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| pid.parse().ok().map(|n| (n, is_folder)))?
}

/// Whether process `pid`, which made its leftover at `made`, has ended.
fn gone(pid: u32, made: SystemTime) -> bool {
    if pid == std::process::id() {
        return false;
    }
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        // No such process, or one that has ended and waits for its parent to notice (a zombie,
        // state Z; X while it goes): `/proc/<pid>/stat` is `pid (name) state …`.
        match fs::read_to_string(proc.join(pid.to_string()).join("stat")) {
            Err(_) => true,
            Ok(stat) => stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.trim_start().chars().next())
                .is_some_and(|state| matches!(state, 'Z' | 'X')),
        }
    } else {
        made.elapsed().is_ok_and(|age| age > ABANDONED)
    }
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

    /// A build killed moments ago may not have been reaped by its parent yet: ended all the
    /// same. A running process is not.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_zombie_is_gone_and_a_running_process_is_not() {
        let now = SystemTime::now();
        let mut running = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        assert!(!gone(running.id(), now));
        running.kill().unwrap();
        // Killed and not waited for: a zombie until `wait`.
        let stat = format!("/proc/{}/stat", running.id());
        for _ in 0..100 {
            if fs::read_to_string(&stat).is_ok_and(|s| s.contains(") Z")) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(gone(running.id(), now));
        running.wait().unwrap();
        assert!(gone(running.id(), now));
        assert!(!gone(std::process::id(), now));
    }

    #[test]
    fn names_are_read_exactly() {
        assert_eq!(
            leftover(".public.renkei-new-42", "public"),
            Some((42, true))
        );
        assert_eq!(
            leftover(".public.renkei-old-42", "public"),
            Some((42, true))
        );
        assert_eq!(
            leftover(".renkei-parsed.public.tmp-42", "public"),
            Some((42, false))
        );
        assert_eq!(
            leftover(".renkei-inputs.public.tmp-42", "public"),
            Some((42, false))
        );
        for other in [
            ".public.renkei-new-",
            ".public.renkei-new-4x",
            ".public.renkei-new--1",
            ".other.renkei-new-42",
            ".renkei-parsed.public",
            ".renkei-parsed.public-x.tmp-42",
            "public",
        ] {
            assert_eq!(leftover(other, "public"), None, "{other}");
        }
    }

    #[test]
    fn a_dead_builds_leftovers_go_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        folder_with_marker(&p.join("public"));
        let dead_new = p.join(format!(".public.renkei-new-{DEAD}"));
        let dead_old = p.join(format!(".public.renkei-old-{DEAD}"));
        folder_with_marker(&dead_new);
        folder_with_marker(&dead_old);
        let dead_parses = p.join(format!(".renkei-parsed.public.tmp-{DEAD}"));
        fs::write(&dead_parses, "parses").unwrap();
        // Kept: a running build's (this process), another output's, a folder that is not
        // renkei's, and a link in a leftover's place (what it points to above all).
        let running = p.join(format!(".public.renkei-new-{}", std::process::id()));
        folder_with_marker(&running);
        let other = p.join(format!(".partners.renkei-new-{DEAD}"));
        folder_with_marker(&other);
        let unmarked = p.join(format!(".public.renkei-old-{}", DEAD - 1));
        fs::create_dir_all(&unmarked).unwrap();
        let precious = p.join("precious.txt");
        fs::write(&precious, "keep").unwrap();
        let link = p.join(format!(".renkei-inputs.public.tmp-{DEAD}"));
        #[cfg(unix)]
        std::os::unix::fs::symlink(&precious, &link).unwrap();

        sweep(&p.join("public"));

        for gone in [&dead_new, &dead_old, &dead_parses] {
            assert!(!gone.exists(), "{} left", gone.display());
        }
        for kept in [&running, &other, &unmarked, &p.join("public")] {
            assert!(
                kept.join(MARKER).exists() || kept == &unmarked,
                "{}",
                kept.display()
            );
            assert!(kept.exists(), "{} swept", kept.display());
        }
        assert_eq!(fs::read_to_string(&precious).unwrap(), "keep");
        #[cfg(unix)]
        assert!(fs::symlink_metadata(&link).is_ok(), "the link was swept");
    }
}
