//! The whole build, in order: config → load → link → render → write.
//!
//! `build` runs all of it; `check` stops before writing. Both go through [`run`], so they can
//! never disagree about what is valid.

mod edit;
pub mod freshness;
mod leftovers;
pub mod manifest;
pub mod output;
mod parsed;
pub mod report;
pub mod target;
pub mod timing;
mod unchanged;
mod update;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use crate::collection::Collection;
use crate::diagnostics::{Diagnostic, Diagnostics, Failure, Fatal};
use crate::links::{self, LinkSink};
use crate::load::{self, LoadOptions};
use crate::render;
use crate::site::{self, Site};
use crate::theme::Theme;
use crate::yaml::Pos;
use output::{OutFile, Sink, Source, Staging, Tally};
use timing::Timer;

/// What a successful run produced.
#[derive(Debug)]
pub struct Summary {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    /// Record counts by collection label.
    pub counts: Vec<(&'static str, usize)>,
    pub drafts_skipped: usize,
    pub seconds: f64,
    /// What `build` did to the output folder (`check` writes nothing).
    pub changes: Option<output::Changes>,
    /// The inputs were exactly the last build's and its output was intact: nothing was
    /// rendered, and the figures and warnings are that build's ([`unchanged`]).
    pub reused: bool,
    /// Only records changed, none moving between pages: (input files changed, pages rendered),
    /// every other page kept as the last build left it ([`edit`]).
    pub edited: Option<(usize, usize)>,
}

impl Summary {
    /// 「1234 ページを 0.41 秒で生成しました(連携医療機関 44 件、…)」
    pub fn line(&self, verb: &str) -> String {
        let counts: Vec<String> = self
            .counts
            .iter()
            .map(|(l, n)| format!("{l} {n} 件"))
            .collect();
        let drafts = if self.drafts_skipped > 0 {
            format!("、下書き {} 件は除外", self.drafts_skipped)
        } else {
            String::new()
        };
        let changes = match self.changes {
            Some(c) => format!(
                "。書き込み {} 件、変更なし {} 件、削除 {} 件",
                c.written, c.kept, c.removed
            ),
            None => String::new(),
        };
        let changes = if self.reused {
            format!("{changes}(前回の生成から入力に変更がなく、出力もそのままでした)")
        } else if let Some((files, pages)) = self.edited {
            format!("{changes}(保存された {files} 件のファイルが載るページ {pages} 件と、検索・一覧データだけを作り直しました)")
        } else {
            changes
        };
        format!(
            "{} ページを {:.2} 秒で{verb}しました({}{drafts}){changes}",
            self.pages,
            self.seconds,
            counts.join("、")
        )
    }
}

/// Loads, links and renders the site into `sink`. Every problem goes to `diags`. The theme is
/// returned with the site so `serve` can re-render single pages later.
pub fn run(
    opts: &LoadOptions,
    diags: &Diagnostics,
    sink: &dyn Sink,
) -> Result<(Site, Theme), Failure> {
    run_with(opts, diags, sink, None, None, None).map(|ran| (ran.site, ran.theme))
}

/// What [`run_with`] made.
struct Ran {
    site: Site,
    theme: Theme,
    /// How many pages were rendered for an edit; `None`: the whole site.
    edited_pages: Option<usize>,
    /// The files made from many records at once ([`render::Rendered::derived`]).
    derived: render::Derived,
}

/// [`run`], rendering only the pages an `edit` touches when it allows that.
fn run_with(
    opts: &LoadOptions,
    diags: &Diagnostics,
    sink: &dyn Sink,
    edit: Option<&edit::Edit>,
    earlier: Option<parsed::Kept>,
    keeper: Option<&parsed::Keeping>,
) -> Result<Ran, Failure> {
    let mut timer = Timer::new();
    let reuse = load::Reuse {
        earlier: earlier.as_ref().map(|k| k as &dyn load::Earlier),
        keeper: keeper.map(|k| k as &dyn load::Keeper),
    };
    let content = load::load_with(opts, diags, reuse)?.ok_or(Failure::Content)?;
    // Every record has been taken from it: its bytes (28 MB at 10k) are not held to the end.
    drop(earlier);
    timer.step("load");
    let site = site::link(content, opts.profile, opts.build_date, diags);
    timer.step("link");
    let mut theme = match Theme::load(&opts.root, &site.config.theme, &site.config.urls) {
        Ok(t) => t,
        Err(errors) => {
            diags.extend(errors);
            return Err(Failure::Content);
        }
    };
    if diags.has_errors() {
        return Err(Failure::Content);
    }
    timer.step("theme");
    if let Some(jobs) = edit.and_then(|e| e.jobs(&site)) {
        let reuse = edit.and_then(edit::Edit::search);
        let (pages, derived) = render::render_edit(&site, &mut theme, &jobs, sink, diags, reuse)?;
        // The search index can gain a shard with an edit: a file in content/static/ of that
        // name is refused, as a full build refuses it.
        let derived_set: BTreeSet<String> = derived.paths.iter().cloned().collect();
        refuse_static_collisions(&site, &derived_set, diags);
        if diags.has_errors() {
            return Err(Failure::Content);
        }
        timer.step("render (the pages an edit touches)");
        return Ok(Ran {
            site,
            theme,
            edited_pages: Some(pages),
            derived,
        });
    }
    let rendered = render::render_site(&site, &mut theme, sink, diags)?;
    timer.step("render");
    add_static(&site, &theme, &rendered.paths, diags, sink)?;
    if diags.has_errors() {
        return Err(Failure::Content);
    }
    timer.step("static");
    Ok(Ran {
        site,
        theme,
        edited_pages: None,
        derived: rendered.derived,
    })
}

/// Reports every file in `content/static/` that would land where a generated file goes.
fn refuse_static_collisions(site: &Site, generated: &BTreeSet<String>, diags: &Diagnostics) {
    for path in site.statics.keys().filter(|p| generated.contains(*p)) {
        diags.push(
            Diagnostic::error(
                &format!("content/static/{path}"),
                Pos::default(),
                None,
                format!("このファイルは自動生成される {path} と同じ場所に出力されるため使えません"),
            )
            .expected("別の名前か別のフォルダ"),
        );
    }
}

fn write_failure(e: std::io::Error) -> Failure {
    Failure::Fatal(Fatal::output(&e))
}

/// Copies theme assets and `content/static/`, refusing any that would overwrite a page.
fn add_static(
    site: &Site,
    theme: &Theme,
    generated: &BTreeSet<String>,
    diags: &Diagnostics,
    sink: &dyn Sink,
) -> Result<(), Failure> {
    let mut assets: BTreeMap<&str, &Source> = BTreeMap::new();
    for (path, src) in &theme.assets {
        assets.insert(path, src);
    }
    let copies: Vec<(String, Source)> = site
        .statics
        .iter()
        .map(|(p, src)| (p.clone(), Source::Copy(src.clone())))
        .collect();
    refuse_static_collisions(site, generated, diags);
    if diags.has_errors() {
        return Err(Failure::Content);
    }
    for (path, src) in &copies {
        assets.insert(path, src);
    }
    assets
        .into_par_iter()
        .filter(|(path, _)| !generated.contains(*path))
        .try_for_each(|(path, source)| {
            sink.put(OutFile {
                path: path.to_string(),
                source: source.clone(),
            })
        })
        .map_err(write_failure)
}

/// `renkei build`: run the pipeline, staging what changed, and put it in place. `clean` writes
/// every file again. Inputs exactly the last build's, into its intact output, are not built
/// again ([`unchanged`]).
pub fn build(
    opts: &LoadOptions,
    out: &Path,
    clean: bool,
    diags: &Diagnostics,
) -> Result<Summary, Failure> {
    let started = Instant::now();
    let mut timer = Timer::new();
    let out = target::resolve_target(out, &opts.root).map_err(|m| Failure::Fatal(m.into()))?;
    // Held to the end of the build, however it ends ([`leftovers`]).
    let _claim = leftovers::claim(&out);
    leftovers::sweep(&out);
    let inputs = unchanged::fingerprint(opts);
    // The last build's record, if the output is still as that build left it.
    let previous = inputs
        .as_ref()
        .filter(|_| !clean)
        .and_then(|_| unchanged::previous(&out));
    let built = |r: &&unchanged::Record| inputs.as_ref().is_some_and(|i| i.built(r));
    if let Some(record) = previous.as_ref().filter(built) {
        timer.step("unchanged inputs, output intact");
        diags.extend(record.diagnostics.iter().cloned());
        return Ok(Summary {
            pages: record.pages,
            files: record.files,
            bytes: record.bytes,
            counts: Collection::ALL
                .into_iter()
                .map(|c| {
                    let n = record.counts.iter().find(|(l, _)| l == c.label());
                    (c.label(), n.map_or(0, |(_, n)| *n))
                })
                .collect(),
            drafts_skipped: record.drafts_skipped,
            seconds: started.elapsed().as_secs_f64(),
            changes: Some(output::Changes {
                written: 0,
                kept: record.files,
                removed: 0,
            }),
            reused: true,
            edited: None,
        });
    }
    timer.step("inputs fingerprinted, the last build's record read");
    // Which inputs changed since the last build.
    let edit = previous
        .zip(inputs.as_ref())
        .and_then(|(r, i)| edit::plan(r, i, &out));
    let staging = Staging::begin(&out, clean).map_err(write_failure)?;
    staging.stamp(opts.build_date).map_err(write_failure)?;
    // The records the last build parsed, for the files unchanged since; this build's, kept for
    // the next (only once the output folder is known to be renkei's to write).
    let earlier = inputs
        .as_ref()
        .filter(|_| !clean)
        .and_then(|i| parsed::previous(&out, i));
    let keeping = inputs.as_ref().and_then(|i| parsed::keeping(&out, i));
    timer.step("the last build's parses read");
    // On any error the staging folder is dropped, which deletes it.
    let Ran {
        site,
        edited_pages,
        derived,
        ..
    } = run_with(
        opts,
        diags,
        &staging,
        edit.as_ref(),
        earlier,
        keeping.as_ref(),
    )?;
    let edited = match (&edit, edited_pages) {
        (Some(edit), Some(pages)) => {
            staging
                .keep_the_rest(edit.derived())
                .map_err(write_failure)?;
            Some((edit.files(), pages))
        }
        _ => None,
    };
    let summary = summary(&site, staging.tally(), started);
    // The record describes the output about to be replaced: gone first, so that no failure
    // from here on can leave it vouching for an output it no longer describes.
    unchanged::forget(&out);
    let changes = staging.commit().map_err(write_failure)?;
    timer.step("built and in place");
    // An input edited while the build ran: the output may hold some of the edit, so it is not
    // recorded as the output of either version.
    let unchanged_since = |first: &unchanged::Inputs| {
        unchanged::fingerprint(opts).is_some_and(|now| first.still_holds(&now))
    };
    let inputs = inputs.filter(unchanged_since);
    timer.step("inputs fingerprinted again");
    if let Some(inputs) = inputs {
        // Without the parses the next build reads every file: nothing is lost.
        if let Some(keeping) = keeping {
            let _ = keeping.finish();
        }
        timer.step("this build's parses kept");
        let record = unchanged::Record {
            pages: summary.pages,
            files: summary.files,
            bytes: summary.bytes,
            counts: summary
                .counts
                .iter()
                .map(|(l, n)| (l.to_string(), *n))
                .collect(),
            drafts_skipped: summary.drafts_skipped,
            diagnostics: diags.sorted(),
            manifest: String::new(),
            settings: inputs.settings,
            stamps: inputs.stamps,
            // Only after an edit of records alone is every other record's shape the one recorded
            // (site.yaml, say, feeds the forms' shapes).
            shapes: edit::shapes(&site, edit.as_ref().filter(|_| edited.is_some())),
            derived: derived.paths,
            search: Some(derived.search),
        };
        free_behind(site);
        // Without the record the next build is a full one: nothing is lost.
        let _ = unchanged::remember(&out, record);
    } else {
        free_behind(site);
    }
    timer.step("this build's record kept");
    Ok(Summary {
        seconds: started.elapsed().as_secs_f64(),
        changes: Some(changes),
        edited,
        ..summary
    })
}

/// What `renkei check` found besides diagnostics.
#[derive(Debug)]
pub struct Checked {
    pub summary: Summary,
    /// Links to other sites, for `--external` (never fetched).
    pub external: Vec<links::External>,
}

/// `renkei check`: everything `build` checks, writing nothing, plus the internal link check
/// on the pages as they would be written.
pub fn check(opts: &LoadOptions, diags: &Diagnostics) -> Result<Checked, Failure> {
    let started = Instant::now();
    let sink = LinkSink::default();
    let (site, _) = run(opts, diags, &sink)?;
    let summary = summary(&site, sink.tally(), started);
    let prefix = site.config.urls.prefix();
    // Which file wrote each record's page, so a broken link is blamed on the file whose page
    // carries it before any other file that happens to spell the same link.
    let page_sources: HashMap<String, String> = site
        .metas()
        .into_iter()
        .filter_map(|m| {
            let dir = m.url.strip_prefix(prefix)?;
            Some((format!("{dir}index.html"), m.source.clone()))
        })
        .collect();
    let external = links::verify(
        sink,
        &site.config.urls,
        &opts.root,
        &site.config.theme,
        &page_sources,
        diags,
    );
    freshness::check(&site, &opts.root.join("public"), opts.build_date, diags);
    if diags.has_errors() {
        return Err(Failure::Content);
    }
    Ok(Checked {
        summary: Summary {
            seconds: started.elapsed().as_secs_f64(),
            ..summary
        },
        external,
    })
}

/// Frees the site on a thread of its own. Tens of thousands of records are a great many small
/// allocations, 0.1 s to free at 10k; the build writes its record meanwhile, and when the
/// program ends first the system takes the memory back at once.
fn free_behind(site: Site) {
    // Without a thread (the system refused one), the closure and the site are dropped here.
    let _ = std::thread::Builder::new().spawn(move || drop(site));
}

fn summary(site: &Site, tally: &Tally, started: Instant) -> Summary {
    Summary {
        pages: tally.pages(),
        files: tally.files(),
        bytes: tally.bytes(),
        counts: Collection::ALL
            .into_iter()
            .map(|c| {
                // The home page's text (pages/index.md) is a page too, kept apart from the rest.
                let home = usize::from(c == Collection::Pages && site.home.is_some());
                (c.label(), c.len(site) + home)
            })
            .collect(),
        drafts_skipped: site.drafts_skipped,
        seconds: started.elapsed().as_secs_f64(),
        changes: None,
        reused: false,
        edited: None,
    }
}
