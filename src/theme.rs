//! Templates and theme assets: the embedded default theme, overridden file by file.
//!
//! The default theme is compiled into the binary (see `build.rs`), so a site with no themes/
//! folder builds. A site's `themes/<name>/templates/X.html` replaces the default's `X.html`
//! and `themes/<name>/static/` adds or replaces assets, so a hospital can restyle its header
//! without copying thirty templates it would then have to keep up to date.
//!
//! Tera is set up once per build with autoescape on for `.html` and `.xml`; content HTML
//! (already sanitised by [`crate::markdown`]) is the only thing templates mark `safe`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use tera::{Context, Kwargs, State, Tera};

use crate::diagnostics::Diagnostic;
use crate::output::Source;
use crate::url::Urls;
use crate::yaml::Pos;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_theme.rs"));
}

/// A loaded theme: compiled templates plus the static files to publish.
pub struct Theme {
    tera: Tera,
    /// Template name → path shown in errors (`themes/default/templates/base.html` or the site's).
    origins: BTreeMap<String, String>,
    /// Output path → source of each theme asset.
    pub assets: BTreeMap<String, Source>,
}

fn collect(dir: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = e.path();
        if path.is_dir() {
            collect(&path, &format!("{rel}{name}/"), out);
        } else {
            out.push((format!("{rel}{name}"), path));
        }
    }
}

/// Turns a Tera error into a diagnostic naming the template file and line.
fn template_error(
    err: &tera::Error,
    origins: &BTreeMap<String, String>,
    fallback: &str,
) -> Diagnostic {
    let (name, line, col, message) = match err.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => (
            r.filename().to_string(),
            r.span().start_line as u32,
            r.span().start_col as u32 + 1,
            r.message().to_string(),
        ),
        other => (fallback.to_string(), 0, 0, other.to_string()),
    };
    let mut message = message;
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    let name = if name.is_empty() {
        fallback.to_string()
    } else {
        name
    };
    let path = origins
        .get(&name)
        .cloned()
        .unwrap_or_else(|| format!("templates/{name}"));
    let hint = if message.contains("not found in context")
        || message.contains("undefined")
        || message.contains("is not defined")
    {
        "テンプレートが存在しない変数を使っています"
    } else if matches!(err.kind(), tera::ErrorKind::SyntaxError(_)) {
        "テンプレートの書き方に誤りがあります"
    } else {
        "テンプレートを表示できません"
    };
    Diagnostic::error(&path, Pos { line, col }, None, format!("{hint}: {message}"))
        .expected("Tera テンプレートの正しい書き方 (docs/themes.md)")
}

impl Theme {
    /// Loads the default theme and the site's overrides from `<root>/themes/<name>/`.
    pub fn load(root: &Path, name: &str, urls: &Urls) -> Result<Theme, Vec<Diagnostic>> {
        let mut sources: BTreeMap<String, (String, String)> = BTreeMap::new();
        for (rel, text) in embedded::TEMPLATES {
            sources.insert(
                rel.to_string(),
                (format!("themes/default/templates/{rel}"), text.to_string()),
            );
        }
        let mut assets: BTreeMap<String, Source> = embedded::STATIC
            .iter()
            .map(|(rel, bytes)| (rel.to_string(), Source::Bytes(bytes.to_vec())))
            .collect();

        let dir = root.join("themes").join(name);
        if name != "default" && !dir.is_dir() {
            return Err(vec![Diagnostic::error(
                "content/site.yaml",
                Pos::default(),
                Some("theme"),
                format!("テーマ「{name}」のフォルダ themes/{name}/ がありません"),
            )
            .expected("default か themes/ の中のフォルダ名")]);
        }
        let mut errors = Vec::new();
        let mut files = Vec::new();
        collect(&dir.join("templates"), "", &mut files);
        for (rel, path) in files {
            let shown = format!("themes/{name}/templates/{rel}");
            let report = crate::fields::FileReport::new(shown.clone());
            match crate::content::document::read_text(&path, &report) {
                Some(text) => {
                    sources.insert(rel, (shown, text));
                }
                None => errors.extend(report.into_diagnostics()),
            }
        }
        let mut files = Vec::new();
        collect(&dir.join("static"), "", &mut files);
        for (rel, path) in files {
            assets.insert(rel, Source::Copy(path));
        }

        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        let prefix = urls.clone();
        tera.register_function(
            "url",
            move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
                let path: &str = kwargs.must_get("path")?;
                Ok(prefix.path(path))
            },
        );
        let origins: BTreeMap<String, String> = sources
            .iter()
            .map(|(k, (shown, _))| (k.clone(), shown.clone()))
            .collect();
        // Add one by one first: Tera reports only the first syntax error of a batch, and a
        // theme author deserves all of them.
        for (rel, (_, text)) in &sources {
            let mut probe = Tera::new();
            if let Err(e) = probe.add_raw_template(rel, text) {
                if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                    errors.push(template_error(&e, &origins, rel));
                }
            }
        }
        if errors.is_empty() {
            if let Err(e) =
                tera.add_raw_templates(sources.iter().map(|(k, (_, t))| (k.as_str(), t.as_str())))
            {
                errors.push(template_error(&e, &origins, "templates"));
            }
        }
        if errors.is_empty() {
            Ok(Theme {
                tera,
                origins,
                assets,
            })
        } else {
            Err(errors)
        }
    }

    /// Shared values every template sees (`site`).
    pub fn set_global(&mut self, key: &'static str, value: &impl serde::Serialize) {
        self.tera.global_context().insert(key, value);
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    /// Renders `template` with `context`.
    pub fn render(&self, template: &str, context: &Context) -> Result<String, Diagnostic> {
        self.tera
            .render(template, context)
            .map_err(|e| template_error(&e, &self.origins, template))
    }
}
