//! The whole build, in order: config → load → link → render → write.
//!
//! `build` runs all of it; `check` stops before writing. Both go through [`run`], so they can
//! never disagree about what is valid.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{self, Fatal, LoadOptions};
use crate::output::{self, OutFile, Source};
use crate::render;
use crate::site::{self, Site};
use crate::theme::Theme;
use crate::yaml::Pos;

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
        format!(
            "{} ページを {:.2} 秒で{verb}しました({}{drafts})",
            self.pages,
            self.seconds,
            counts.join("、")
        )
    }
}

/// Why a run did not finish.
#[derive(Debug)]
pub enum Failure {
    /// Content or template problems (exit code 1). Diagnostics are in the collector.
    Content,
    /// Usage or I/O problems (exit code 2).
    Fatal(String),
}

impl From<Fatal> for Failure {
    fn from(f: Fatal) -> Self {
        Failure::Fatal(f.0)
    }
}

/// Prints how long each step took when `RENKEI_TIMINGS` is set (for benchmarks and profiling).
pub struct Timer {
    on: bool,
    last: Instant,
}

impl Timer {
    pub fn new() -> Self {
        Timer {
            on: std::env::var_os("RENKEI_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }

    pub fn step(&mut self, name: &str) {
        if self.on {
            eprintln!(
                "  {name}: {:.0} ms",
                self.last.elapsed().as_secs_f64() * 1000.0
            );
        }
        self.last = Instant::now();
    }
}

impl Default for Timer {
    fn default() -> Self {
        Self::new()
    }
}

/// Loads, links and renders the site. Every problem goes to `diags`.
pub fn run(opts: &LoadOptions, diags: &Diagnostics) -> Result<(Site, Vec<OutFile>), Failure> {
    let mut timer = Timer::new();
    let content = load::load(opts, diags)?.ok_or(Failure::Content)?;
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
    let mut files = match render::render_site(&site, &mut theme) {
        Ok(f) => f,
        Err(errors) => {
            diags.extend(errors);
            return Err(Failure::Content);
        }
    };
    timer.step("render");
    add_static(&site, &theme, &mut files, diags);
    if diags.has_errors() {
        return Err(Failure::Content);
    }
    Ok((site, files))
}

/// Adds theme assets and `content/static/`, refusing any that would overwrite a page.
fn add_static(site: &Site, theme: &Theme, files: &mut Vec<OutFile>, diags: &Diagnostics) {
    let generated: BTreeMap<String, ()> = files.iter().map(|f| (f.path.clone(), ())).collect();
    let mut assets: BTreeMap<String, Source> = BTreeMap::new();
    for (path, src) in &theme.assets {
        assets.insert(path.clone(), src.clone());
    }
    for (path, src) in &site.statics {
        if generated.contains_key(path) {
            diags.push(
                Diagnostic::error(
                    &format!("content/static/{path}"),
                    Pos::default(),
                    None,
                    format!(
                        "このファイルは自動生成される {path} と同じ場所に出力されるため使えません"
                    ),
                )
                .expected("別の名前か別のフォルダ"),
            );
            continue;
        }
        assets.insert(path.clone(), Source::Copy(src.clone()));
    }
    for (path, source) in assets {
        if !generated.contains_key(&path) {
            files.push(OutFile { path, source });
        }
    }
}

/// `renkei build`: run the pipeline and write the output atomically.
pub fn build(opts: &LoadOptions, out: &Path, diags: &Diagnostics) -> Result<Summary, Failure> {
    let started = Instant::now();
    output::check_target(out, &opts.root).map_err(Failure::Fatal)?;
    let (site, files) = run(opts, diags)?;
    let mut timer = Timer::new();
    output::write_atomically(out, &files).map_err(|e| {
        Failure::Fatal(format!(
            "{} に書き込めません: {e}(以前の出力はそのまま残っています)",
            out.display()
        ))
    })?;
    timer.step("write");
    Ok(summary(&site, &files, started))
}

/// `renkei check`: everything `build` checks, writing nothing.
pub fn check(opts: &LoadOptions, diags: &Diagnostics) -> Result<Summary, Failure> {
    let started = Instant::now();
    let (site, files) = run(opts, diags)?;
    Ok(summary(&site, &files, started))
}

fn summary(site: &Site, files: &[OutFile], started: Instant) -> Summary {
    Summary {
        pages: files.iter().filter(|f| f.path.ends_with(".html")).count(),
        files: files.len(),
        bytes: files.iter().map(OutFile::size).sum(),
        counts: vec![
            ("連携医療機関", site.partners.len()),
            ("介護・福祉事業所", site.care.len()),
            ("登録医", site.doctors.len()),
            ("研修会", site.seminars.len()),
            ("お知らせ", site.news.len()),
            ("連携パス", site.pathways.len()),
            (
                "ページ",
                site.pages.len() + usize::from(site.home.is_some()),
            ),
        ],
        drafts_skipped: site.drafts_skipped,
        seconds: started.elapsed().as_secs_f64(),
    }
}
