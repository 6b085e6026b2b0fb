//! Checking links to other sites over HTTP (`folio check --external`).
//!
//! Each distinct URL is requested once (HEAD, then GET when a server
//! refuses HEAD), with a timeout and a bounded number of requests in
//! flight. Answers are cached in `.folio-cache/external-links.json` for a
//! day, so CI runs do not hammer the same sites.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::markdown::PageLink;

/// Cache file, relative to the site root.
pub const CACHE_FILE: &str = ".folio-cache/external-links.json";
/// How long a cached answer is trusted.
pub const CACHE_TTL: Duration = Duration::from_secs(24 * 3600);

/// How to check.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// Per-request timeout.
    pub timeout: Duration,
    /// Requests in flight at once.
    pub concurrency: usize,
}

/// The answer for one URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// HTTP status, when the server answered.
    pub status: Option<u16>,
    /// Why there was no answer (DNS, refused, timeout).
    pub error: Option<String>,
    /// When it was checked (seconds since 1970).
    pub checked: u64,
}

impl Answer {
    fn is_ok(&self) -> bool {
        self.status.is_some_and(|s| s < 400)
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Checks every link; returns how many distinct URLs were checked and a
/// diagnostic per broken link (at the link's line).
pub fn check_links(
    links: &[(String, PageLink)],
    cache_path: &Path,
    opts: &ExternalOptions,
) -> (usize, Vec<Diagnostic>) {
    let urls: BTreeSet<&str> = links.iter().map(|(_, l)| l.target.as_str()).collect();
    let mut cache: BTreeMap<String, Answer> = std::fs::read(cache_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let fresh = |a: &Answer| now().saturating_sub(a.checked) < CACHE_TTL.as_secs();
    let todo: Vec<&str> = urls
        .iter()
        .copied()
        .filter(|u| !cache.get(*u).is_some_and(fresh))
        .collect();
    let answers = fetch_all(&todo, opts);
    cache.extend(answers);
    if let Some(parent) = cache_path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    if let Ok(json) = serde_json::to_vec_pretty(&cache) {
        let _ = std::fs::write(cache_path, json);
    }
    let diags = links
        .iter()
        .filter_map(|(source, link)| {
            let answer = cache.get(&link.target)?;
            if answer.is_ok() {
                return None;
            }
            let what = match (answer.status, &answer.error) {
                (Some(status), _) => format!("answers HTTP {status}"),
                (None, Some(e)) => format!("cannot be reached ({e})"),
                (None, None) => "cannot be reached".to_string(),
            };
            let d = Diagnostic::error(format!("external link `{}` {what}", link.target))
                .in_file(source.clone())
                .at_line(link.line, link.column)
                .quoting(link.quote())
                .with_hint(
                    "update or remove the link; answers are cached for a day in .folio-cache/",
                );
            Some(d)
        })
        .collect();
    (urls.len(), diags)
}

/// Requests the URLs with at most `concurrency` in flight.
fn fetch_all(urls: &[&str], opts: &ExternalOptions) -> Vec<(String, Answer)> {
    let agent = ureq::AgentBuilder::new()
        .timeout(opts.timeout)
        .redirects(5)
        .user_agent(concat!(
            "folio/",
            env!("CARGO_PKG_VERSION"),
            " (link checker)"
        ))
        .build();
    let queue = Mutex::new(urls.iter().map(|u| u.to_string()).collect::<Vec<_>>());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..opts.concurrency.max(1).min(urls.len().max(1)) {
            scope.spawn(|| {
                while let Some(url) = queue.lock().ok().and_then(|mut q| q.pop()) {
                    let answer = fetch(&agent, &url);
                    if let Ok(mut r) = results.lock() {
                        r.push((url, answer));
                    }
                }
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

fn fetch(agent: &ureq::Agent, url: &str) -> Answer {
    let attempt = |method: &str| match agent.request(method, url).call() {
        Ok(response) => Ok(response.status()),
        Err(ureq::Error::Status(code, _)) => Ok(code),
        Err(ureq::Error::Transport(t)) => Err(t.to_string()),
    };
    let result = match attempt("HEAD") {
        // Some servers refuse HEAD; ask properly before calling it broken.
        Ok(405 | 403 | 501) => attempt("GET"),
        other => other,
    };
    match result {
        Ok(status) => Answer {
            status: Some(status),
            error: None,
            checked: now(),
        },
        Err(e) => Answer {
            status: None,
            error: Some(e),
            checked: now(),
        },
    }
}
