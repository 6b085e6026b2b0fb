//! Command-line interface: raw flags (clap) → validated options.
//!
//! Parsing happens in two steps, as in ripgrep: clap turns arguments into
//! [`Cli`], then each subcommand's `options()` resolves paths and defaults
//! into the typed options the library receives. Exit codes are documented here.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::build::BuildOptions;

/// Exit code: the site built (or checked) cleanly.
pub const EXIT_OK: i32 = 0;
/// Exit code: the site has problems (content errors).
pub const EXIT_CONTENT: i32 = 1;
/// Exit code: usage or environment errors (bad flag, unreadable folder).
pub const EXIT_USAGE: i32 = 2;

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  the site has problems (content errors, or warnings with --strict); every problem is listed
  2  usage or environment error (bad flag, missing or unreadable folder, refused --out)
  101  folio failed on a bug of its own (the message says where; please report it)";

/// folio: a fast static site generator for handbooks.
#[derive(Debug, Parser)]
#[command(name = "folio", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder.
    #[command(after_help = AFTER_HELP)]
    Build(BuildArgs),
    /// Preview the site on http://127.0.0.1:1111/, rebuilding and reloading on save.
    Serve(ServeArgs),
    /// Check links, anchors, images and front matter without writing anything (for CI).
    #[command(after_help = AFTER_HELP)]
    Check(CheckArgs),
    /// Start a site in a folder: folio.toml, a home page, a .gitignore.
    #[command(after_help = AFTER_HELP)]
    Init(InitArgs),
    /// Start a page (playbooks/incident) or a section (playbooks/), its front matter holding what folio.toml's rules require.
    #[command(after_help = AFTER_HELP)]
    New(NewArgs),
}

/// Flags of `folio init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The site's folder (made when missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The site's title (default: from the folder's name).
    #[arg(long)]
    pub title: Option<String>,
}

impl InitArgs {
    /// Resolves defaults into the options of `folio init`.
    pub fn options(&self) -> crate::scaffold::InitOptions {
        crate::scaffold::InitOptions {
            root: self.dir.clone(),
            title: self.title.clone(),
        }
    }
}

/// Flags of `folio new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The page: `playbooks/incident` (or `.md`, or from `content/`), or a folder ending in `/` for its section's index page.
    pub path: String,
    /// Site root: the folder holding content/ and folio.toml.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The page's title (default: from the file or folder name).
    #[arg(long)]
    pub title: Option<String>,
}

impl NewArgs {
    /// Resolves defaults into the options of `folio new`.
    pub fn options(&self) -> crate::scaffold::NewOptions {
        crate::scaffold::NewOptions {
            root: self.root.clone(),
            path: self.path.clone(),
            title: self.title.clone(),
        }
    }
}

/// Output format of `folio check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Messages for people, with the source line and a caret.
    Text,
    /// One JSON document for machines.
    Json,
}

/// Flags of `folio check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Site root: the folder holding content/ and folio.toml.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also check links to other sites over HTTP (cached for a day in .folio-cache/).
    #[arg(long)]
    pub external: bool,
    /// Timeout per external request, in seconds.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
    /// External requests in flight at once.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Treat warnings as errors (exit code 1), e.g. overdue reviews in CI.
    #[arg(long)]
    pub strict: bool,
}

impl CheckArgs {
    /// Resolves flags into check options.
    pub fn options(&self) -> crate::check::CheckOptions {
        crate::check::CheckOptions {
            root: self.root.clone(),
            drafts: self.drafts,
            external: self
                .external
                .then(|| crate::check::external::ExternalOptions {
                    timeout: std::time::Duration::from_secs(self.timeout.max(1)),
                    concurrency: self.concurrency.max(1),
                }),
        }
    }
}

/// Flags of `folio serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Site root: the folder holding content/ and folio.toml.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Address to listen on; anything but loopback exposes the preview to your network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Port (default: 1111, or the next free one; 0 picks any free port).
    #[arg(long)]
    pub port: Option<u16>,
    /// Open the preview in the browser.
    #[arg(long)]
    pub open: bool,
    /// Also answer requests for this host name (repeatable).
    #[arg(long = "allowed-host", value_name = "NAME")]
    pub allowed_hosts: Vec<String>,
    /// Most live-reload connections at once.
    #[arg(long, default_value_t = 64)]
    pub max_streams: usize,
    /// Most connections at once (live-reload ones included); more get 503.
    #[arg(long, default_value_t = 256)]
    pub max_connections: usize,
    /// Seconds a client has to send its request head; slower ones get 408.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub header_timeout: f64,
}

impl ServeArgs {
    /// Resolves defaults into serve options.
    pub fn options(&self) -> crate::serve::ServeOptions {
        crate::serve::ServeOptions {
            root: self.root.clone(),
            drafts: self.drafts,
            bind: self.bind,
            port: self.port,
            open: self.open,
            allowed_hosts: self.allowed_hosts.clone(),
            max_streams: self.max_streams.max(1),
            limits: crate::serve::gate::Limits {
                max_connections: self.max_connections.max(1),
                head_timeout: std::time::Duration::try_from_secs_f64(self.header_timeout)
                    .unwrap_or(std::time::Duration::from_secs(10))
                    .max(std::time::Duration::from_millis(10)),
            },
        }
    }
}

/// Flags of `folio build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Site root: the folder holding content/ and folio.toml.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Output folder (default: <root>/public).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Override base_url from folio.toml (e.g. https://example.com/handbook/).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Print only errors and warnings, not the summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print how long each build stage took.
    #[arg(long)]
    pub timings: bool,
    /// Treat warnings as errors: the build fails and nothing is written.
    #[arg(long)]
    pub strict: bool,
}

impl BuildArgs {
    /// Resolves defaults into build options.
    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root.clone(),
            out: self.out.clone().unwrap_or_else(|| self.root.join("public")),
            drafts: self.drafts,
            base_url: self.base_url.clone(),
            preview: false,
            strict: self.strict,
        }
    }
}
