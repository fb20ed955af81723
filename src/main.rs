//! The `renkei` command. `main` only parses arguments and maps the outcome to an exit code:
//! 0 success, 1 content errors, 2 usage or I/O errors.

#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{FixedOffset, NaiveDate, Utc};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use renkei::config::BaseUrl;
use renkei::diagnostics::Diagnostics;
use renkei::load::LoadOptions;
use renkei::pipeline::{self, report};
use renkei::records::meta::Profile;

mod cli_ja;

/// glibc's allocator, shared by rayon's threads, spent a fifth of a 100k build in malloc and
/// free and kept freed memory from going back; mimalloc's per-thread pages do neither.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// renkei — 地域医療連携室のサイトを content/ から作ります。
///
/// 連携医療機関・介護事業所・登録医・研修会・お知らせ・連携パスを Markdown と YAML で書き、
/// 検索できる静的サイトにします。書き方の誤りは、ファイル名・行・項目名つきで知らせます。
#[derive(Parser)]
#[command(
    name = "renkei",
    version,
    arg_required_else_help = true,
    after_help = "はじめて使うとき:\n  renkei init minato-renkei   新しいサイトを作ります\n  cd minato-renkei\n  renkei serve                ブラウザで確かめながら編集します\n\nコマンドごとの使い方: renkei build --help のように --help を付けます。"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 新しいサイトを作ります。見本と、地域医療連携室の標準のページ、はじめに.md が入ります。
    ///
    /// 作ったサイトはそのまま renkei build できます。すでにあるファイルは上書きしません。
    #[command(
        after_help = "例:\n  renkei init minato-renkei    minato-renkei フォルダにサイトを作ります\n  renkei init                  今いる(空の)フォルダに作ります"
    )]
    Init {
        /// サイトを作るフォルダ(なければ作ります。既定: 今いるフォルダ)
        #[arg(value_name = "フォルダ", default_value = ".")]
        dir: PathBuf,
    },
    /// 記事のファイルを一つ作ります。すべての項目と説明が入り、書き入れる所は空いています。
    ///
    /// 書き入れたら renkei check で確かめます(まだ書いていない項目を行番号つきで知らせます)。
    #[command(
        after_help = "例:\n  renkei new partner sakura-naika       content/partners/sakura-naika.md を作ります\n  renkei new seminar open-conf-2027-04  content/seminars/open-conf-2027-04.md を作ります\n  renkei new page guide --root ~/minato-renkei"
    )]
    New {
        /// 作るものの種類
        #[arg(value_enum, value_name = "種類")]
        kind: NewKind,
        /// ファイル名(半角の英小文字・数字・-。ページの URL になります。例: sakura-naika)
        #[arg(value_name = "ファイル名")]
        slug: String,
        /// サイトのフォルダ(content/ を含むフォルダ)
        #[arg(long, value_name = "フォルダ", default_value = ".")]
        root: PathBuf,
    },
    /// サイトを生成します(既定では public/ に出力)。失敗したときは以前の出力をそのまま残します。
    #[command(
        after_help = "例:\n  renkei build                                   public/ に生成します\n  renkei build --profile partners --out partners --base-url https://www.example.jp/renkei-partners/\n  renkei build --date 2026-12-01                 2026年12月1日の状態で生成します"
    )]
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// 出力先のフォルダ(既定: サイトのフォルダの public/)
        #[arg(long, value_name = "フォルダ")]
        out: Option<PathBuf>,
        /// 変わっていないファイルも含め、すべてを書き直します(既定では中身の変わったファイルだけを書きます)
        #[arg(long)]
        clean: bool,
    },
    /// 生成と同じ確認とリンク切れの確認をすべて行い、何も書き出しません。誤りがあれば終了コード 1 を返します。
    #[command(
        after_help = "例:\n  renkei check                  すべての誤りとリンク切れを表示します\n  renkei check --format json    エディタや CI 向けの JSON で出します\n  renkei check --external       他のサイトへのリンクを一覧にします"
    )]
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// 結果の形式: text(人が読む形)か json(エディタや CI 向け。docs/check.md)
        #[arg(long, value_enum, default_value = "text", value_name = "形式")]
        format: Format,
        /// 他のサイトへのリンクを一覧にします(アクセスはしません)
        #[arg(long)]
        external: bool,
    },
    /// Excel・CSV の一覧や国のオープンデータから content/ のファイルを作ります。
    ///
    /// 1 行でも誤りがあれば何も書き込みません。既にあるファイルは --update のときだけ、取り込んだ項目だけを変えます。
    #[command(
        after_help = "例:\n  renkei import partners 連携医療機関一覧.xlsx --dry-run\n  renkei import care 介護事業所.csv --area 中央地区\n  renkei import kaigo jigyosho_130.csv --city みなと市 --area 中央地区 --dry-run"
    )]
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
    /// 手元のブラウザで確認します。ファイルを保存するたびに自動で更新し、誤りは画面に表示します。
    #[command(
        after_help = "例:\n  renkei serve                 http://127.0.0.1:8000/ で表示します\n  renkei serve --open          ブラウザも開きます\n  renkei serve --drafts        下書きも表示します\n  renkei serve --port 8080 --poll"
    )]
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// 待ち受けるポート番号
        #[arg(long, default_value_t = 8000, value_name = "番号")]
        port: u16,
        /// 待ち受けるアドレス(既定は自分の PC だけ: 127.0.0.1)
        #[arg(long, default_value = "127.0.0.1", value_name = "アドレス")]
        bind: std::net::IpAddr,
        /// ファイルの変更を一定間隔で調べます(ネットワークドライブなどで自動更新されないとき)
        #[arg(long)]
        poll: bool,
        /// 起動したらブラウザで開きます
        #[arg(long)]
        open: bool,
    },
}

/// What `renkei import` reads.
#[derive(Subcommand)]
enum ImportSource {
    /// 連携医療機関の一覧(.csv / .xlsx)
    #[command(
        after_help = "例:\n  renkei import partners 連携医療機関一覧.xlsx --dry-run   何が作られるかだけを表示します\n  renkei import partners 連携医療機関一覧.xlsx             取り込みます\n  renkei import partners 一覧.csv --map map.yaml --update"
    )]
    Partners {
        /// 取り込むファイル(.xlsx、または「CSV (コンマ区切り)」「CSV UTF-8」で保存した .csv)
        #[arg(value_name = "ファイル")]
        file: PathBuf,
        #[command(flatten)]
        opts: ImportArgs,
    },
    /// 介護・福祉事業所の一覧(.csv / .xlsx)
    #[command(
        after_help = "例:\n  renkei import care 介護事業所一覧.xlsx --dry-run\n  renkei import care 介護事業所一覧.csv --area 中央地区"
    )]
    Care {
        /// 取り込むファイル(.xlsx か .csv)
        #[arg(value_name = "ファイル")]
        file: PathBuf,
        #[command(flatten)]
        opts: ImportArgs,
    },
    /// 登録医の名簿(.csv / .xlsx)。勤務先の医療機関を先に取り込んでください
    #[command(
        after_help = "例:\n  renkei import partners 連携医療機関一覧.xlsx\n  renkei import doctors 登録医名簿.xlsx --dry-run"
    )]
    Doctors {
        /// 取り込むファイル(.xlsx か .csv)
        #[arg(value_name = "ファイル")]
        file: PathBuf,
        #[command(flatten)]
        opts: ImportArgs,
    },
    /// 医療情報ネット(ナビイ)のオープンデータ: 施設票と診療科・診療時間票
    #[command(
        after_help = "例:\n  renkei import navii 02-1_clinic_facility_info_20261201.csv 02-2_clinic_speciality_hours_20261201.csv --city 46201 --area 中央地区 --dry-run"
    )]
    Navii {
        /// 施設票(…_facility_info_YYYYMMDD.csv)
        #[arg(value_name = "施設票")]
        facilities: PathBuf,
        /// 診療科・診療時間票(…_speciality_hours_YYYYMMDD.csv)
        #[arg(value_name = "診療時間票")]
        hours: PathBuf,
        /// 市区町村コード(5 桁。例: 46201)
        #[arg(long, value_name = "コード")]
        city: String,
        #[command(flatten)]
        opts: ImportArgs,
    },
    /// 介護サービス情報公表システムのオープンデータ(jigyosho_<コード>.csv)
    #[command(
        after_help = "例:\n  renkei import kaigo jigyosho_130.csv --city みなと市 --area 中央地区 --dry-run"
    )]
    Kaigo {
        /// 取り込むファイル(jigyosho_<サービスのコード>.csv)
        #[arg(value_name = "ファイル")]
        file: PathBuf,
        /// 市区町村名(住所に含まれる形で。例: みなと市)。全国のファイルから地域の事業所だけを取り込みます
        #[arg(long, value_name = "市区町村名")]
        city: Option<String>,
        #[command(flatten)]
        opts: ImportArgs,
    },
}

#[derive(Args)]
struct ImportArgs {
    /// サイトのフォルダ(content/ を含むフォルダ)
    #[arg(long, value_name = "フォルダ", default_value = ".")]
    root: PathBuf,
    /// 列名と項目の対応を書いた YAML(columns: {列名: 項目}, areas: {住所の語: 地区})
    #[arg(long, value_name = "MAP.yaml")]
    map: Option<PathBuf>,
    /// 何を作り、何を変えるかを表示するだけで、書き込みません
    #[arg(long)]
    dry_run: bool,
    /// 既にあるファイルも更新します(取り込んだ項目だけを変え、本文・partners_only・internal はそのまま)
    #[arg(long)]
    update: bool,
    /// エラーのある行だけを除いて取り込みます(既定では 1 行でもエラーがあれば何も書きません)
    #[arg(long)]
    skip_invalid: bool,
    /// 地区の列がない行の地区(オープンデータには地区がありません)
    #[arg(long, value_name = "地区")]
    area: Option<String>,
}

/// What `renkei new` writes, by the name staff type.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum NewKind {
    /// 連携医療機関(content/partners/)
    Partner,
    /// 介護・福祉事業所(content/care/)
    Care,
    /// 登録医(content/doctors/)
    Doctor,
    /// 研修会・講演会(content/seminars/)
    Seminar,
    /// お知らせ(content/news/)
    News,
    /// 地域連携パス(content/pathways/)
    Pathway,
    /// 様式・申込書(content/forms/)
    Form,
    /// 医療機器の共同利用(content/equipment/)
    Equipment,
    /// 広報誌(content/koho/)
    Koho,
    /// ページ(content/pages/)
    Page,
}

impl NewKind {
    fn collection(self) -> renkei::collection::Collection {
        use renkei::collection::Collection;
        match self {
            NewKind::Partner => Collection::Partners,
            NewKind::Care => Collection::Care,
            NewKind::Doctor => Collection::Doctors,
            NewKind::Seminar => Collection::Seminars,
            NewKind::News => Collection::News,
            NewKind::Pathway => Collection::Pathways,
            NewKind::Form => Collection::Forms,
            NewKind::Equipment => Collection::Equipment,
            NewKind::Koho => Collection::Newsletters,
            NewKind::Page => Collection::Pages,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// 人が読む形
    Text,
    /// エディタや CI 向け
    Json,
}

#[derive(Args)]
struct SiteArgs {
    /// サイトのフォルダ(content/ を含むフォルダ)
    #[arg(long, value_name = "フォルダ", default_value = ".")]
    root: PathBuf,
    /// どちら向けのサイトか
    #[arg(long, value_enum, default_value = "public", value_name = "向け")]
    profile: Profile,
    /// 生成日(YYYY-MM-DD)。研修会の受付状況やお知らせの表示はこの日で決まります。既定は今日(日本時間)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    date: Option<NaiveDate>,
    /// site.yaml の base_url の代わりに使う URL(手元での確認用: http://127.0.0.1:8000/ など)
    #[arg(long, value_name = "URL", value_parser = parse_base_url)]
    base_url: Option<String>,
    /// 下書き(draft: true)も含めます
    #[arg(long)]
    drafts: bool,
}

/// Checked here so a wrong `--base-url` is reported against the flag, not site.yaml's line.
fn parse_base_url(s: &str) -> Result<String, String> {
    match renkei::site::url::Urls::new(s) {
        Ok(_) => Ok(s.to_string()),
        Err(e) if s.starts_with("file:") => Err(format!(
            "{e}。build の出力はウェブサーバーの base_url のパスに置いて表示します。手元で見るには renkei serve を使ってください"
        )),
        Err(e) => Err(e),
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("「{s}」は日付として読めません。2026-12-01 の形で指定してください"))
}

/// Today in Asia/Tokyo (no daylight saving, so a fixed +09:00 is exact).
fn today_in_tokyo() -> NaiveDate {
    match FixedOffset::east_opt(9 * 3600) {
        Some(jst) => Utc::now().with_timezone(&jst).date_naive(),
        None => Utc::now().date_naive(),
    }
}

impl SiteArgs {
    fn options(&self) -> LoadOptions {
        LoadOptions {
            root: self.root.clone(),
            profile: self.profile,
            build_date: self.date.unwrap_or_else(today_in_tokyo),
            base_url: self.base_url.clone().map_or(BaseUrl::Site, BaseUrl::Given),
            drafts: self.drafts,
        }
    }
}

fn import(source: ImportSource) -> ExitCode {
    use renkei::import::{self, Kind, Source};
    let (source, args) = match source {
        ImportSource::Partners { file, opts } => (Source::Sheet(Kind::Partners, file), opts),
        ImportSource::Care { file, opts } => (Source::Sheet(Kind::Care, file), opts),
        ImportSource::Doctors { file, opts } => (Source::Sheet(Kind::Doctors, file), opts),
        ImportSource::Navii {
            facilities,
            hours,
            city,
            opts,
        } => (
            Source::Navii {
                facilities,
                hours,
                city,
            },
            opts,
        ),
        ImportSource::Kaigo { file, city, opts } => (Source::Kaigo { file, city }, opts),
    };
    let opts = import::ImportOptions {
        root: args.root,
        source,
        map: args.map,
        dry_run: args.dry_run,
        update: args.update,
        skip_invalid: args.skip_invalid,
        area: args.area,
        today: today_in_tokyo(),
    };
    match import::run(&opts) {
        Ok(outcome) => {
            print!("{}", outcome.report);
            eprint!("{}", outcome.errors);
            ExitCode::from(outcome.code)
        }
        Err(message) => {
            eprintln!("renkei: {message}");
            ExitCode::from(2)
        }
    }
}

/// The command line, read with Japanese help and Japanese messages for mistakes.
fn parse() -> Result<Cli, ExitCode> {
    let said = |e: clap::Error| match cli_ja::explain(&e) {
        Some(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
        // --help, --version, or bare `renkei`: clap prints the (Japanese) help itself.
        None => {
            let _ = e.print();
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
        }
    };
    let matches = cli_ja::localize(Cli::command())
        .try_get_matches()
        .map_err(said)?;
    Cli::from_arg_matches(&matches).map_err(said)
}

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let diags = Diagnostics::new();
    match cli.command {
        Command::Import { source } => import(source),
        Command::Init { dir } => match renkei::scaffold::init(&dir, today_in_tokyo()) {
            Ok(files) => {
                println!(
                    "{} に新しいサイトを作りました(ファイル {} 件)。",
                    dir.display(),
                    files.len()
                );
                let cd = if dir == std::path::Path::new(".") {
                    String::new()
                } else {
                    format!("cd {} && ", dir.display())
                };
                println!("次は {cd}renkei serve で表示し、はじめに.md を読んでください。");
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("renkei: {message}");
                ExitCode::from(2)
            }
        },
        Command::New { kind, slug, root } => {
            match renkei::scaffold::new_record(&root, kind.collection(), &slug, today_in_tokyo()) {
                Ok(path) => {
                    println!("{} を作りました。空いている項目を書き入れてから renkei check で確かめてください。", path.display());
                    ExitCode::SUCCESS
                }
                Err(message) => {
                    eprintln!("renkei: {message}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Build { site, out, clean } => {
            let opts = site.options();
            let out = out.unwrap_or_else(|| opts.root.join("public"));
            eprintln!(
                "{} を読み込んでいます…",
                opts.root.join("content").display()
            );
            let result = pipeline::build(&opts, &out, clean, &diags);
            if result.is_ok() {
                eprintln!("{} に書き出しました。", out.display());
            }
            ExitCode::from(report::finish(result, &diags, &opts.root, "生成"))
        }
        Command::Serve {
            site,
            port,
            bind,
            poll,
            open,
        } => {
            let mut load = site.options();
            // Links must work on this machine: same path as base_url, this host and port.
            if load.base_url == BaseUrl::Site {
                load.base_url = BaseUrl::Preview(renkei::serve::preview_origin(bind, port));
            }
            match renkei::serve::serve(renkei::serve::ServeOptions {
                load,
                bind,
                port,
                poll,
                open,
            }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("renkei: {message}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Check {
            site,
            format,
            external,
        } => {
            let opts = site.options();
            let result = pipeline::check(&opts, &diags);
            match format {
                Format::Json => {
                    let (doc, code) = report::check_json(result, &diags, &opts.root, external);
                    println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
                    ExitCode::from(code)
                }
                Format::Text => {
                    let (result, links) = match result {
                        Ok(c) => (Ok(c.summary), c.external),
                        Err(f) => (Err(f), Vec::new()),
                    };
                    if external {
                        report::print_external(&links);
                    }
                    ExitCode::from(report::finish(result, &diags, &opts.root, "確認"))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// clap checks a command tree only in debug builds, at the first parse, where a broken one
    /// panics on every command. This runs those checks on the localized tree (in `cargo test`,
    /// a debug build) without waiting for an end-to-end test to trip over it.
    #[test]
    fn the_localized_command_line_is_consistent() {
        cli_ja::localize(Cli::command()).debug_assert();
    }
}
