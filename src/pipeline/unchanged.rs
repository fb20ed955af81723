//! A rebuild of exactly the inputs the last build had: nothing to render, nothing to write.
//!
//! A daily or scheduled build often finds nothing edited since the last one, and rendering
//! 17k pages only to find every byte the same costs seconds. Like `make` or cargo, `build`
//! fingerprints what it reads — every file under `content/` and `themes/` (by size,
//! modification time and inode), the options, the build date and the renkei program itself —
//! and after a successful build records the
//! fingerprint with what that build reported. The next build with the same fingerprint, into
//! an output folder still exactly as that build left it (every file's size and mtime as in
//! `.renkei-manifest`), writes nothing and reports the same pages, counts and warnings.
//!
//! The record is kept *beside* the output folder (`.renkei-inputs.public`), never in it: its
//! warnings quote content, and the output folder is what gets published. It is readable by
//! its owner only; docs/publish.md warns against serving the output's parent. Anything
//! unexpected
//! (no record, another fingerprint, a file changed or missing in the output, an unreadable
//! input) simply means a full build, which is always correct. The record also keeps each
//! file's stamp and each record's shape, so that a build after an edit can tell which records
//! changed ([`super::edit`]).

use std::fs;
use std::hash::Hasher;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::manifest::{self, Manifest};
use super::output::MARKER;
use crate::diagnostics::Diagnostic;
use crate::load::LoadOptions;

/// What a successful build reported, kept for the next build of the same inputs.
#[derive(Debug, Serialize, Deserialize)]
pub struct Record {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    pub counts: Vec<(String, usize)>,
    pub drafts_skipped: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// The hash of the `.renkei-manifest` this build wrote: an older output put back with its
    /// own manifest (`cp -a`, `rsync -a` keep sizes and mtimes) is not this build's output.
    #[serde(default)]
    pub manifest: String,
    /// The inputs this build read ([`Inputs`]): the same again means nothing to build, and
    /// which stamps differ tells a build after an edit which records changed ([`super::edit`]).
    #[serde(default)]
    pub settings: String,
    #[serde(default)]
    pub stamps: Vec<(String, u64)>,
    /// Each record's source file with a hash of its shape ([`crate::collection::Kind::Shape`]).
    #[serde(default)]
    pub shapes: Vec<(String, u64)>,
    /// The paths of the files made from many records at once, which a build after an edit
    /// makes again rather than keeps ([`crate::render::Rendered::derived`]).
    #[serde(default)]
    pub derived: Vec<String>,
    /// What the search index was made from, so that a build after an edit can patch it.
    #[serde(default)]
    pub search: Option<crate::search::Memo>,
}

/// The record's place: beside the output folder, named after it.
fn record_path(out: &Path) -> PathBuf {
    beside(out, "inputs")
}

/// A file of renkei's own beside the output folder (`.renkei-<what>.public`), never in it.
pub fn beside(out: &Path, what: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parent.join(format!(".renkei-{what}.{name}"))
}

/// The bytes of one of renkei's own files, if it is a regular file: a FIFO put in its place
/// would block every build, and a link to `/dev/zero` would fill the memory.
pub fn read_own(path: &Path) -> Option<Vec<u8>> {
    fs::metadata(path).ok().filter(fs::Metadata::is_file)?;
    fs::read(path).ok()
}

/// Creates the temporary file that one of renkei's own files is written to before it is
/// renamed into place: a new file (a link planted under that name is not followed), readable
/// by its owner only (it may hold `partners_only` values and quote content).
pub fn create_own(path: &Path) -> io::Result<(PathBuf, fs::File)> {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".tmp-{}", std::process::id()));
    let tmp = PathBuf::from(name);
    // One left by a process of the same number that was killed.
    let _ = fs::remove_file(&tmp);
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(&tmp)?;
    Ok((tmp, file))
}

/// The fingerprint of what a build reads, and whether it can be trusted to notice the next
/// edit.
pub struct Inputs {
    /// No input was modified within [`RACY`] of the moment the fingerprint was taken: the
    /// fingerprint can vouch for every file. Only then may a build be skipped.
    pub settled: bool,
    /// The program, the options and the build date, hashed.
    pub settings: String,
    /// The same without the build date: what a record file's parse depends on besides the
    /// file, the other inputs and, for some files, the date (`parsed`).
    pub undated: String,
    pub build_date: chrono::NaiveDate,
    /// Each input file (its path shown from the site's folder) with a hash of its size, mtime
    /// and inode, in path order; [`DOUBTFUL`] for a file modified within [`RACY`].
    pub stamps: Vec<(String, u64)>,
}

/// The stamp of a file modified within [`RACY`] of the fingerprint. A file saved again within
/// the same tick of a coarse clock (FAT keeps mtimes to 2 s) and at the same size looks
/// untouched; git calls such an entry racily clean and looks at it again next time. So does
/// renkei: a doubtful file counts as changed in the next build, whatever its stamp then.
pub const DOUBTFUL: u64 = 0;

impl Inputs {
    /// Whether these are exactly the inputs `record`'s build read, every one settled: that
    /// build's output is this build's.
    pub fn built(&self, record: &Record) -> bool {
        self.settled && self.settings == record.settings && self.stamps == record.stamps
    }

    /// Whether `later` (taken after the build) still describes the files this build read:
    /// every file it could vouch for is as it was. A doubtful file is looked at again by the
    /// next build anyway.
    pub fn still_holds(&self, later: &Inputs) -> bool {
        self.settings == later.settings
            && self.stamps.len() == later.stamps.len()
            && self
                .stamps
                .iter()
                .zip(&later.stamps)
                .all(|((p, s), (q, t))| p == q && (*s == DOUBTFUL || s == t))
    }
}

/// How close to the fingerprint's moment an mtime must be to be doubted.
const RACY: std::time::Duration = std::time::Duration::from_secs(3);

/// The fingerprint of everything a build of `opts` reads, or `None` if some input could not
/// be read (the build itself will say what).
pub fn fingerprint(opts: &LoadOptions) -> Option<Inputs> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut files = Vec::new();
    let skips: [(&str, Skip); 2] = [
        ("content", crate::content::is_ignorable),
        ("themes", |name| name.starts_with('.')),
    ];
    for (dir, skip) in skips {
        list_files(&opts.root.join(dir), Path::new(dir), 0, skip, &mut files).ok()?;
    }
    files.sort();
    // Each file by its size, modification time and inode, as make and cargo judge freshness:
    // reading 100k records' bytes (twice a build: before, and after to catch an edit made
    // while it ran) took seconds; their metadata takes a fraction of that.
    let stamps: Vec<(u64, u128, u64, i128)> = files
        .par_iter()
        .map(|(_, path)| {
            fs::metadata(path).map(|m| (m.len(), manifest::mtime_of(&m), inode(&m), changed(&m)))
        })
        .collect::<io::Result<_>>()
        .ok()?;
    let mut h = std::hash::DefaultHasher::new();
    // The program: another renkei (a new release, or a rebuilt binary) may render differently.
    h.write(env!("CARGO_PKG_VERSION").as_bytes());
    let exe = std::env::current_exe().and_then(fs::metadata).ok()?;
    h.write_u64(exe.len());
    h.write_u128(manifest::mtime_of(&exe));
    // A new binary installed keeping the old one's mtime (`install -p`) is a new file.
    h.write_u64(inode(&exe));
    h.write(format!("{:?}", opts.profile).as_bytes());
    h.write(format!("{:?}", opts.base_url).as_bytes());
    h.write_u8(u8::from(opts.drafts));
    let undated = format!("{:016x}", h.finish());
    h.write(opts.build_date.to_string().as_bytes());
    let settings = format!("{:016x}", h.finish());
    let stamps: Vec<(String, u64)> = files
        .into_iter()
        .zip(stamps)
        .map(|((shown, _), (len, mtime, ino, ctime))| {
            if mtime + RACY.as_nanos() >= now {
                return (shown, DOUBTFUL);
            }
            let mut h = std::hash::DefaultHasher::new();
            h.write_u64(len);
            h.write_u128(mtime);
            h.write_u64(ino);
            h.write_i128(ctime);
            // Never the doubtful stamp by chance.
            (shown, h.finish().max(DOUBTFUL + 1))
        })
        .collect();
    Some(Inputs {
        settled: stamps.iter().all(|(_, s)| *s != DOUBTFUL),
        settings,
        undated,
        build_date: opts.build_date,
        stamps,
    })
}

/// The file's inode where there is one: an editor that saves by writing a new file and
/// renaming it over the old one gives it a new inode even within the same mtime tick.
#[cfg(unix)]
fn inode(m: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(m)
}

#[cfg(not(unix))]
fn inode(_: &fs::Metadata) -> u64 {
    0
}

/// When the file's inode last changed (ctime), where there is one: a file put back with its
/// old size and mtime (`rsync -a --inplace`, `touch -r`) or made unreadable (`chmod 000`) has
/// a new ctime, as git also notices.
#[cfg(unix)]
fn changed(m: &fs::Metadata) -> i128 {
    use std::os::unix::fs::MetadataExt;
    i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec())
}

#[cfg(not(unix))]
fn changed(_: &fs::Metadata) -> i128 {
    0
}

/// Which names in a folder of inputs are not read.
type Skip = fn(&str) -> bool;

/// Every file under `dir` as (path shown relative to the site, real path). Links are followed
/// the way the loader follows them; the depth limit keeps a link to a parent from looping.
/// Names are skipped as the loader (`content/`) or the theme (`themes/`) skips them, by
/// `skip`: an editor's lock file or backup (Emacs's `.#a.md`, a link to nowhere, or `a.md~`)
/// is read by neither, and must not make every build a full one.
fn list_files(
    dir: &Path,
    shown: &Path,
    depth: usize,
    skip: Skip,
    out: &mut Vec<(String, PathBuf)>,
) -> io::Result<()> {
    const DEEPEST: usize = 32;
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        // No themes/ folder: the built-in theme, which the program's fingerprint covers.
        Err(e) if e.kind() == io::ErrorKind::NotFound && depth == 0 => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        if skip(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let path = entry.path();
        let name = shown.join(entry.file_name());
        // The entry's own type costs no stat; only a link is followed to see what it is.
        let kind = entry.file_type()?;
        let is_dir = if kind.is_symlink() {
            fs::metadata(&path).is_ok_and(|m| m.is_dir())
        } else {
            kind.is_dir()
        };
        if is_dir {
            if depth >= DEEPEST {
                return Err(io::Error::other("folders nested too deep"));
            }
            list_files(&path, &name, depth + 1, skip, out)?;
        } else {
            // `content/partners/a.md` on every system: the name the loader shows the file by.
            let shown = name
                .to_string_lossy()
                .replace(std::path::MAIN_SEPARATOR, "/");
            out.push((shown, path));
        }
    }
    Ok(())
}

/// The last build's record, if `out` is still exactly as that build left it: its manifest, and
/// every file the manifest lists at the size and mtime it gave.
pub fn previous(out: &Path) -> Option<Record> {
    let text = String::from_utf8(read_own(&record_path(out))?).ok()?;
    let record: Record = serde_json::from_str(&text).ok()?;
    let listed = fs::read_to_string(out.join(manifest::MANIFEST)).ok()?;
    if !out.join(MARKER).is_file() || text_hash(&listed) != record.manifest {
        return None;
    }
    let manifest = Manifest::parse(&listed)?;
    let entries: Vec<(&String, &manifest::Entry)> = manifest.entries().collect();
    if entries.len() != record.files {
        return None;
    }
    let intact = entries.par_iter().all(|(path, e)| {
        manifest::stat(&out.join(path.as_str())).is_ok_and(|(s, m)| s == e.size && m == e.mtime)
    });
    intact.then_some(record)
}

/// The hash of a manifest's text, hex.
fn text_hash(text: &str) -> String {
    format!("{:016x}", manifest::hash(text.as_bytes()))
}

/// Keeps `record` beside `out` for the next build (written whole, then renamed into place),
/// tied to the manifest the build just wrote.
pub fn remember(out: &Path, mut record: Record) -> io::Result<()> {
    let listed = fs::read_to_string(out.join(manifest::MANIFEST))?;
    record.manifest = text_hash(&listed);
    let path = record_path(out);
    let (tmp, mut file) = create_own(&path)?;
    let written = serde_json::to_vec(&record)
        .map_err(io::Error::other)
        .and_then(|bytes| io::Write::write_all(&mut file, &bytes));
    drop(file);
    if let Err(e) = written.and_then(|()| fs::rename(&tmp, &path)) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

/// Forgets the record, when a build is about to change the output it describes.
pub fn forget(out: &Path) {
    let _ = fs::remove_file(record_path(out));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(root: &Path) -> LoadOptions {
        LoadOptions {
            root: root.to_path_buf(),
            profile: crate::records::meta::Profile::Public,
            build_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("a date"),
            base_url: Default::default(),
            drafts: false,
        }
    }

    #[cfg(unix)]
    #[test]
    fn own_files_are_new_private_files_and_a_planted_link_is_not_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("a folder");
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, "keep").expect("written");
        let path = dir.path().join(".renkei-parsed.public");
        let planted = dir
            .path()
            .join(format!(".renkei-parsed.public.tmp-{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).expect("a link");
        let (tmp, mut file) = create_own(&path).expect("created");
        assert_eq!(tmp, planted);
        io::Write::write_all(&mut file, b"parses").expect("written");
        assert_eq!(fs::read_to_string(&victim).expect("read"), "keep");
        let mode = fs::metadata(&tmp).expect("made").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(!fs::symlink_metadata(&tmp)
            .expect("made")
            .file_type()
            .is_symlink());
        // Only a regular file is read back: not a FIFO, a device or a folder.
        assert_eq!(read_own(&tmp).as_deref(), Some(&b"parses"[..]));
        assert_eq!(read_own(Path::new("/dev/zero")), None);
        assert_eq!(read_own(dir.path()), None);
    }

    /// Writes `text` with an mtime of its own an hour ago: files saved seconds before a build
    /// are [`DOUBTFUL`] whatever they hold.
    fn write_old(path: &Path, text: &str) {
        static SECONDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        fs::write(path, text).expect("a file");
        let n = SECONDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let when = std::time::SystemTime::now() - std::time::Duration::from_secs(3600 - n);
        let file = fs::File::options().write(true).open(path).expect("a file");
        file.set_modified(when).expect("an mtime");
    }

    /// What identifies a build's inputs.
    fn key(inputs: Option<Inputs>) -> (String, Vec<(String, u64)>) {
        let i = inputs.expect("a fingerprint");
        (i.settings, i.stamps)
    }

    #[test]
    fn any_input_or_option_changes_the_fingerprint() {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let root = tmp.path();
        fs::create_dir_all(root.join("content/partners")).expect("folders");
        write_old(&root.join("content/site.yaml"), "title: a\n");
        write_old(&root.join("content/partners/a.md"), "---\nname: a\n---\n");
        let first = key(fingerprint(&opts(root)));
        assert_eq!(key(fingerprint(&opts(root))), first);

        write_old(&root.join("content/partners/a.md"), "---\nname: b\n---\n");
        let edited = key(fingerprint(&opts(root)));
        assert_ne!(edited, first);
        fs::rename(
            root.join("content/partners/a.md"),
            root.join("content/partners/b.md"),
        )
        .expect("a rename");
        let renamed = key(fingerprint(&opts(root)));
        assert_ne!(renamed, edited);
        fs::create_dir_all(root.join("themes/mine/templates")).expect("folders");
        write_old(&root.join("themes/mine/templates/base.html"), "x");
        let themed = key(fingerprint(&opts(root)));
        assert_ne!(themed, renamed);

        // Put back with the same size and mtime, or its mode changed: a new ctime.
        let base = root.join("themes/mine/templates/base.html");
        let mtime = fs::metadata(&base)
            .and_then(|m| m.modified())
            .expect("an mtime");
        fs::write(&base, "y").expect("written");
        fs::File::options()
            .write(true)
            .open(&base)
            .and_then(|f| f.set_modified(mtime))
            .expect("the mtime put back");
        let put_back = key(fingerprint(&opts(root)));
        assert_ne!(put_back, themed);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&base, fs::Permissions::from_mode(0o600)).expect("a mode");
            assert_ne!(key(fingerprint(&opts(root))), put_back);
        }
        // Editor backups are read by nothing: they change nothing.
        let themed = key(fingerprint(&opts(root)));
        write_old(
            &root.join("content/partners/b.md~"),
            "---\nname: old\n---\n",
        );
        assert_eq!(key(fingerprint(&opts(root))), themed);

        let mut later = opts(root);
        later.build_date = later.build_date.succ_opt().expect("a date");
        assert_ne!(key(fingerprint(&later)), themed.clone());
        let mut drafts = opts(root);
        drafts.drafts = true;
        assert_ne!(key(fingerprint(&drafts)), themed.clone());
    }

    #[test]
    fn a_file_saved_seconds_ago_is_doubtful_until_it_settles() {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let root = tmp.path();
        fs::create_dir_all(root.join("content")).expect("folders");
        write_old(&root.join("content/site.yaml"), "title: a\n");
        let old = fingerprint(&opts(root)).expect("a fingerprint");
        assert!(old.settled);
        fs::write(root.join("content/site.yaml"), "title: b\n").expect("a file");
        let fresh = fingerprint(&opts(root)).expect("a fingerprint");
        assert!(!fresh.settled);
        assert_eq!(fresh.stamps[0].1, DOUBTFUL);
        // A doubtful file edited again (same size, maybe the same mtime tick) still holds:
        // the next build looks at it again whatever its stamp.
        fs::write(root.join("content/site.yaml"), "title: c\n").expect("a file");
        let again = fingerprint(&opts(root)).expect("a fingerprint");
        assert!(fresh.still_holds(&again));
        assert!(!old.still_holds(&fresh), "a settled file that changed");
    }

    #[test]
    fn the_record_lives_beside_the_output_not_in_it() {
        assert_eq!(
            record_path(Path::new("site/public")),
            Path::new("site/.renkei-inputs.public")
        );
        assert_eq!(
            record_path(Path::new("public")),
            Path::new("./.renkei-inputs.public")
        );
    }
}
