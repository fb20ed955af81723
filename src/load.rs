//! Step 2 of the pipeline: read `site.yaml`, every record, the data files and the static list.
//!
//! Files are read in parallel and each reports into its own [`FileReport`]; the reports are
//! merged at the end, so a run shows every problem in every file at once. A file with errors
//! yields no record, and the build fails after loading and linking have reported everything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::collection::{for_kind, Collection, Kind, Record};
use crate::config::{self, BaseUrl, SiteConfig};
use crate::content::fields::Fields;
use crate::content::report::{Days, FileReport};
use crate::content::{self, document, SourceFile};
use crate::diagnostics::{Diagnostics, Fatal};
use crate::records::closures::{self, Closure};
use crate::records::curriculum::Curriculum;
use crate::records::directory::{CareOffice, Doctor, Partner};
use crate::records::meta::{read_meta, LoadCtx, Profile};
use crate::records::news::News;
use crate::records::outpatient::{self, Outpatient};
use crate::records::page::Page;
use crate::records::pathway::Pathway;
use crate::records::seminar::Seminar;

/// What the user asked for.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub root: PathBuf,
    pub profile: Profile,
    pub build_date: NaiveDate,
    pub base_url: BaseUrl,
    pub drafts: bool,
}

/// Everything read from `content/`, validated per file but not yet linked.
#[derive(Debug)]
pub struct Content {
    pub config: SiteConfig,
    pub partners: Vec<Partner>,
    pub care: Vec<CareOffice>,
    pub doctors: Vec<Doctor>,
    pub seminars: Vec<Seminar>,
    pub news: Vec<News>,
    pub pathways: Vec<Pathway>,
    pub forms: Vec<crate::records::form::Form>,
    pub equipment: Vec<crate::records::equipment::Equipment>,
    pub newsletters: Vec<crate::records::newsletter::Newsletter>,
    pub pages: Vec<Page>,
    /// `pages/index.md`: the home page's own text.
    pub home: Option<Page>,
    pub outpatient: Option<Outpatient>,
    pub closures: Vec<Closure>,
    /// The site's own search words (`data/vocabulary.yaml`).
    pub vocabulary: Vec<crate::search::vocabulary::Entry>,
    pub curriculum: Curriculum,
    /// Ids bodies were kept from (kept so `serve` re-reads single records against them).
    pub theme_ids: BTreeSet<String>,
    pub statics: BTreeMap<String, PathBuf>,
    /// Number of draft records left out.
    pub drafts_skipped: usize,
    /// Records that exist but failed validation. References to them are not reported again:
    /// one mistake gives one message, not one per record that points at it.
    pub broken: BTreeSet<(Collection, String)>,
}

/// One file's outcome: the record (and whether it is a draft) if valid, and its diagnostics.
/// This is what [`crate::stash`] keeps of a file for the next build.
pub type Parse = (Option<(Record, bool)>, Vec<crate::diagnostics::Diagnostic>);

/// Record files an earlier build parsed, unchanged since and read the same on this build's
/// date (`pipeline::parsed` decides which): the bytes of each one's parse (record and
/// diagnostics) and the build dates it holds for, by the file as shown
/// (`content/partners/a.md`).
pub trait Earlier: Sync {
    fn parsed(&self, source: &str) -> Option<(&[u8], Days)>;
}

/// Where [`load_with`] hands each record file's parse, stashed, with the build dates it holds
/// for, for the next build. It is handed over as it is made, not collected: at 100k records
/// the parses are 280 MB, which held to the end of the build would add as much to its peak
/// memory.
pub trait Keeper: Sync {
    fn keep(&self, source: &str, parse: &[u8], days: Days);
}

/// How [`load_with`] may save work: take parses from an earlier build, and keep this build's
/// for the next one.
#[derive(Default, Clone, Copy)]
pub struct Reuse<'a> {
    pub earlier: Option<&'a dyn Earlier>,
    pub keeper: Option<&'a dyn Keeper>,
}

/// A file's parse, from an earlier build if it has one that decodes, else from the file, and
/// whether it was the earlier build's. Either way it goes to the keeper.
fn parse_file(src: &SourceFile, ctx: &LoadCtx, reuse: Reuse) -> (Parse, bool) {
    let earlier = reuse.earlier.and_then(|e| e.parsed(&src.display));
    if let Some((bytes, days)) = earlier {
        let decoded = crate::stash::from_bytes::<Parse>(bytes);
        if let Some(parse) = decoded.filter(|p| is_parse_of(p, src, ctx)) {
            if let Some(keeper) = reuse.keeper {
                keeper.keep(&src.display, bytes, days);
            }
            return (parse, true);
        }
    }
    let (parse, days) = read_dated(src, ctx);
    if let Some(keeper) = reuse.keeper {
        keeper.keep(&src.display, &crate::stash::to_bytes(&parse), days);
    }
    (parse, false)
}

/// Whether a parse taken from an earlier build can be this file's: a record of the file's own
/// collection, slug and path, with no `partners_only` value in a public build. Cheap checks
/// against a file beside the output that was not written by that build.
fn is_parse_of(parse: &Parse, src: &SourceFile, ctx: &LoadCtx) -> bool {
    let Some((record, _)) = &parse.0 else {
        return true;
    };
    let meta = record.meta();
    record.collection() == src.collection
        && meta.slug == src.slug
        && meta.source == src.display
        && (ctx.profile == Profile::Partners || meta.partners_only.is_empty())
}

/// Stops before anything else when `root` holds no `content/site.yaml` (build, check and
/// serve alike).
pub fn require_site(root: &std::path::Path) -> Result<(), Fatal> {
    if root.join("content").join("site.yaml").is_file() {
        Ok(())
    } else {
        Err(Fatal::Message(missing_site(root)))
    }
}

/// What to say when `root` holds no `content/site.yaml`. The usual slip is running inside
/// `content/` itself (or giving it as `--root`), which this recognises by the site.yaml there.
fn missing_site(root: &std::path::Path) -> String {
    let site_yaml = root.join("content").join("site.yaml");
    if root.join("site.yaml").is_file() {
        let parent = if root == std::path::Path::new(".") || root.as_os_str().is_empty() {
            "..".to_string()
        } else {
            root.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| ".".to_string(), |p| p.display().to_string())
        };
        format!(
            "{} がありません。{} は content/ フォルダそのもののようです(content/ の中で実行していませんか?)。--root {parent} を試してください",
            site_yaml.display(),
            root.display()
        )
    } else {
        format!(
            "{} がありません。--root にサイトのフォルダ(content/ を含むフォルダ)を指定してください",
            site_yaml.display()
        )
    }
}

/// Loads the site. Content problems go to `diags`; `Ok(None)` means site.yaml itself was unusable.
pub fn load(opts: &LoadOptions, diags: &Diagnostics) -> Result<Option<Content>, Fatal> {
    load_with(opts, diags, Reuse::default())
}

/// [`load`], taking unchanged files' parses from an earlier build and keeping this one's as
/// `reuse` says.
pub fn load_with(
    opts: &LoadOptions,
    diags: &Diagnostics,
    reuse: Reuse,
) -> Result<Option<Content>, Fatal> {
    require_site(&opts.root)?;
    let mut timer = crate::pipeline::timing::Timer::new();
    let site_yaml = opts.root.join("content").join("site.yaml");
    let (inventory, scan_diags) = content::scan(&opts.root)?;
    diags.extend(scan_diags);
    timer.step("load: files listed");

    let report = FileReport::new("content/site.yaml");
    let config = document::read_yaml(&site_yaml, &report)
        .and_then(|node| config::read(&node, &report, &opts.base_url));
    diags.extend(report.into_diagnostics());
    let Some(config) = config else {
        return Ok(None);
    };

    let curriculum = read_curriculum(&inventory, diags);
    let theme_ids = crate::theme::reserved_ids(&opts.root, &config.theme);
    let ctx = LoadCtx {
        config: &config,
        profile: opts.profile,
        statics: &inventory.statics,
        build_date: opts.build_date,
        curriculum: &curriculum,
        theme_ids: &theme_ids,
    };

    let results: Vec<_> = inventory
        .records
        .par_iter()
        .map(|src| (src, parse_file(src, &ctx, reuse)))
        .collect();
    let earlier = results.iter().filter(|(_, (_, was))| *was).count();
    timer.step(&format!(
        "load: records read ({earlier} of {} as the last build parsed them)",
        results.len()
    ));

    // The large collections are sized once: at 100k records the partners alone are a few
    // hundred MB, which growing by doubling copies into fresh memory several times over.
    let count = |k: Collection| results.iter().filter(|(s, _)| s.collection == k).count();
    let mut c = Content {
        partners: Vec::with_capacity(count(Collection::Partners)),
        care: Vec::with_capacity(count(Collection::Care)),
        doctors: Vec::with_capacity(count(Collection::Doctors)),
        seminars: Vec::with_capacity(count(Collection::Seminars)),
        news: Vec::with_capacity(count(Collection::News)),
        pathways: Vec::new(),
        forms: Vec::new(),
        equipment: Vec::new(),
        newsletters: Vec::new(),
        pages: Vec::new(),
        home: None,
        outpatient: None,
        closures: Vec::new(),
        vocabulary: Vec::new(),
        curriculum: curriculum.clone(),
        theme_ids: theme_ids.clone(),
        statics: BTreeMap::new(),
        drafts_skipped: 0,
        broken: BTreeSet::new(),
        config: config.clone(),
    };
    for (src, ((record, ds), _)) in results {
        diags.extend(ds);
        let Some((record, draft)) = record else {
            c.broken.insert((src.collection, src.slug.clone()));
            continue;
        };
        if draft && !opts.drafts {
            c.drafts_skipped += 1;
            continue;
        }
        for_kind!(src.collection, K => {
            if let Some(r) = K::from_record(record) {
                r.store(&mut c);
            }
        });
    }

    if let Some(path) = inventory.data.get("outpatient.yaml") {
        let report = FileReport::new("content/data/outpatient.yaml");
        if let Some(node) = document::read_yaml(path, &report) {
            if let Some(mut f) = Fields::new(&node, "", &report) {
                c.outpatient = Some(outpatient::read(&mut f, &ctx));
                f.finish();
            }
        }
        diags.extend(report.into_diagnostics());
    }
    if let Some(path) = inventory.data.get("closures.yaml") {
        let report = FileReport::new("content/data/closures.yaml");
        if let Some(node) = document::read_yaml(path, &report) {
            c.closures = closures::read(&node, &report);
        }
        diags.extend(report.into_diagnostics());
    }
    if let Some(path) = inventory.data.get("vocabulary.yaml") {
        let report = FileReport::new(crate::search::vocabulary::SITE_FILE);
        if let Some(node) = document::read_yaml(path, &report) {
            c.vocabulary = crate::search::vocabulary::read_site(&node, &report, &config);
        }
        diags.extend(report.into_diagnostics());
    }
    timer.step("load: records stored");
    // Attached PDFs and Office files are checked for desk numbers like bodies are.
    let form_files: BTreeSet<String> = c
        .forms
        .iter()
        .flat_map(|f| f.files.iter().map(|l| l.file.clone()))
        .collect();
    diags.extend(crate::content::numbers::check_attachments(
        &config.numbers,
        &inventory.statics,
        &form_files,
    ));
    c.statics = inventory.statics;
    timer.step("load: attachments checked");
    Ok(Some(c))
}

/// The site's カリキュラムコード table if it has one, else the built-in table. A site table
/// with errors is reported and replaced by the built-in one, so seminars are still checked.
fn read_curriculum(inventory: &content::Inventory, diags: &Diagnostics) -> Curriculum {
    let Some(path) = inventory.data.get("jma-cc.yaml") else {
        return Curriculum::builtin();
    };
    let report = FileReport::new(crate::records::curriculum::SITE_FILE);
    let table = document::read_yaml(path, &report)
        .and_then(|node| crate::records::curriculum::read(&node, &report));
    diags.extend(report.into_diagnostics());
    table.unwrap_or_else(Curriculum::builtin)
}

/// Reads one record file on its own (for `load` and `serve`'s single-file updates). Returns the
/// record and whether it is a draft, or `None` with the file's diagnostics.
pub fn read_one(src: &SourceFile, ctx: &LoadCtx) -> Parse {
    read_dated(src, ctx).0
}

/// [`read_one`], with the build dates on which the file reads the same.
fn read_dated(src: &SourceFile, ctx: &LoadCtx) -> (Parse, Days) {
    let report = FileReport::new(src.display.clone());
    let Some(text) = document::read_text(Path::new(&src.path), &report) else {
        let days = report.days();
        return ((None, report.into_diagnostics()), days);
    };
    let record = parse_record(src.collection, &src.slug, &text, ctx, &report);
    let days = report.days();
    ((record, report.into_quoted(&text)), days)
}

/// The record file a changed path is, if it is one: `<root>/content/<collection>/<slug>.md`.
pub fn source_file(root: &Path, path: &Path) -> Option<SourceFile> {
    let rel = path.strip_prefix(root.join("content")).ok()?;
    let mut parts = rel.iter();
    let dir = parts.next()?.to_str()?;
    let name = parts.next()?.to_str()?;
    if parts.next().is_some() {
        return None;
    }
    let collection = Collection::from_dir(dir)?;
    let slug = name.strip_suffix(".md")?;
    content::is_valid_slug(slug).then(|| SourceFile {
        collection,
        slug: slug.to_string(),
        path: path.to_path_buf(),
        display: format!("content/{dir}/{name}"),
    })
}

/// Reads a record from text in memory, exactly as if it were the file `display`: what
/// `import` checks each file against before writing any.
pub fn read_from_text(
    collection: Collection,
    slug: &str,
    display: &str,
    text: &str,
    ctx: &LoadCtx,
) -> Parse {
    let report = FileReport::new(display.to_string());
    let record = parse_record(collection, slug, text, ctx, &report);
    (record, report.into_quoted(text))
}

fn parse_record(
    collection: Collection,
    slug: &str,
    text: &str,
    ctx: &LoadCtx,
    report: &FileReport,
) -> Option<(Record, bool)> {
    let doc = document::split(text, report)?;
    let mut f = Fields::new(&doc.front, "", report)?;
    if let Some(taken) = collection.reserved(slug) {
        report.error(
            crate::yaml::Pos { line: 1, col: 1 },
            "",
            format!(
                "ファイル名「{slug}」は {} のページと重なるため使えません",
                collection.path(taken)
            ),
            Some("別のファイル名"),
        );
    }
    let meta = read_meta(
        &mut f,
        ctx,
        slug,
        &collection.path(slug),
        &doc.body,
        doc.body_line,
    );
    let draft = meta.draft;
    let record = for_kind!(collection, K => K::read(&mut f, ctx, meta).map(K::into_record));
    f.finish();
    // A record with any error is left out entirely: half a record on the site is worse than none.
    if report.has_errors() {
        return None;
    }
    record.map(|r| (r, draft))
}
