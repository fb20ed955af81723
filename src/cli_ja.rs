//! `--help` and command-line mistakes in Japanese, for staff who read no English.
//!
//! clap writes its headings (`Usage:`, `Options:`), its flags' help (`Print help`), defaults,
//! possible values and errors in English. Rather than fork its templates per subcommand, the
//! command tree is rewritten once, recursively: headings, the help and version flags, defaults and
//! values moved into the Japanese help text; and parse errors are reworded from their context.

use clap::builder::PossibleValue;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

const TEMPLATE: &str = "{about-with-newline}\n使い方: {usage}\n\n{all-args}{after-help}";

/// The whole command tree with Japanese headings, flags and usage lines.
pub fn localize(cmd: Command) -> Command {
    localize_at(cmd, "")
}

fn localize_at(cmd: Command, parent: &str) -> Command {
    let path = if parent.is_empty() {
        cmd.get_name().to_string()
    } else {
        format!("{parent} {}", cmd.get_name())
    };
    let usage = usage_line(&cmd, &path);
    let top = parent.is_empty();
    let mut cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading("コマンド")
        .subcommand_value_name("コマンド")
        .override_usage(usage)
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("使い方を表示します"),
        )
        .mut_args(|a| {
            let heading = if a.is_positional() {
                "引数"
            } else {
                "オプション"
            };
            let help = with_values(&a);
            let a = a.help_heading(heading).help(help);
            // Flags have no values to hide (clap's debug checks insist).
            if a.get_action().takes_values() {
                a.hide_default_value(true).hide_possible_values(true)
            } else {
                a
            }
        });
    if top {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("版を表示します")
                .help_heading("オプション"),
        );
    }
    cmd.mut_subcommands(|sub| localize_at(sub, &path))
}

/// 「renkei build [オプション]」, 「renkei new <種類> <ファイル名> [オプション]」.
fn usage_line(cmd: &Command, path: &str) -> String {
    let mut line = path.to_string();
    for a in cmd.get_positionals() {
        let name = a
            .get_value_names()
            .and_then(|n| n.first())
            .map_or_else(|| a.get_id().to_string(), |n| n.to_string());
        if a.is_required_set() {
            line.push_str(&format!(" <{name}>"));
        } else {
            line.push_str(&format!(" [{name}]"));
        }
    }
    if cmd.get_subcommands().next().is_some() {
        line.push_str(" <コマンド>");
    }
    line.push_str(" [オプション]");
    line
}

/// An argument's help with its default and its values said in Japanese.
fn with_values(a: &Arg) -> String {
    let mut help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
    let values: Vec<PossibleValue> = a.get_possible_values();
    if !values.is_empty() && a.get_action().takes_values() {
        let listed: Vec<String> = values
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| match v.get_help() {
                Some(h) => format!("{}({h})", v.get_name()),
                None => v.get_name().to_string(),
            })
            .collect();
        help.push_str(&format!("\n  値: {}", listed.join(" / ")));
    }
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|d| d.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && a.get_action().takes_values() {
        help.push_str(&format!("\n  既定: {}", defaults.join(", ")));
    }
    help
}

/// A parse error as staff should read it, with the usage line and where to read more.
/// `None` for what is not an error (`--help`, `--version`), which clap prints itself.
pub fn explain(err: &clap::Error) -> Option<String> {
    let text = |kind: ContextKind| match err.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        _ => None,
    };
    let arg = text(ContextKind::InvalidArg).unwrap_or_default();
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    let message = match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => return None,
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::UnknownArgument => match text(ContextKind::SuggestedArg) {
            Some(s) => format!("「{arg}」というオプションはありません。もしかして「{s}」?"),
            None => format!("「{arg}」というオプションはありません"),
        },
        ErrorKind::InvalidSubcommand => {
            let sub = text(ContextKind::InvalidSubcommand).unwrap_or_default();
            match text(ContextKind::SuggestedSubcommand) {
                Some(s) => format!("「{sub}」というコマンドはありません。もしかして「{s}」?"),
                None => format!("「{sub}」というコマンドはありません"),
            }
        }
        ErrorKind::InvalidValue => {
            let valid = text(ContextKind::ValidValue)
                .map(|v| format!("。使える値: {v}"))
                .unwrap_or_default();
            if value.is_empty() {
                format!("{arg} の値がありません{valid}")
            } else {
                format!("{arg} に「{value}」は使えません{valid}")
            }
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(err)
                .map(|e| e.to_string())
                .unwrap_or_default();
            format!("{arg} に「{value}」は使えません: {why}")
        }
        ErrorKind::MissingRequiredArgument => {
            format!("必要な引数がありません: {arg}")
        }
        ErrorKind::MissingSubcommand => "コマンドを指定してください".to_string(),
        ErrorKind::ArgumentConflict => {
            let other = text(ContextKind::PriorArg).unwrap_or_default();
            format!("{arg} と {other} は同時に指定できません")
        }
        ErrorKind::InvalidUtf8 => "引数に UTF-8 として読めない文字があります".to_string(),
        _ => other_mistake(err),
    };
    let usage = text(ContextKind::Usage)
        .map(|u| format!("\n\n{}", u.trim().replacen("Usage:", "使い方:", 1)))
        .unwrap_or_default();
    Some(format!(
        "renkei: {message}{usage}\n\n詳しくは --help を付けて実行してください(例: renkei build --help)。"
    ))
}

/// Mistakes too rare to word one by one: said generally, with clap's own words after them.
fn other_mistake(err: &clap::Error) -> String {
    let original = err.to_string();
    let first = original.lines().next().unwrap_or_default();
    format!(
        "コマンドの指定が正しくありません({})",
        first.trim_start_matches("error: ")
    )
}
