//! Checking links to other sites over HTTP (`folio check --external`).
//!
//! Each distinct URL is requested once (HEAD, then GET when a server
//! refuses HEAD), with a timeout and a bounded number of requests in
//! flight. Answers are cached in `.folio-cache/external-links.json` for a
//! day, so CI runs do not hammer the same sites.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Condvar, Mutex};
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
    /// What the answer says of the link.
    fn verdict(&self) -> Verdict {
        match (self.status, &self.error) {
            (Some(status), _) if status < 400 => Verdict::Fine,
            (Some(status @ (401 | 407)), _) => Verdict::Unsure(format!(
                "asks for a login (HTTP {status}), so folio cannot tell whether it exists"
            )),
            (Some(403), _) => Verdict::Unsure(
                "refuses folio's request (HTTP 403): it may need a login, or turn away programs"
                    .to_string(),
            ),
            (Some(429), _) => Verdict::Unsure(
                "is limiting folio's requests (HTTP 429) and was not checked this time".to_string(),
            ),
            (Some(status @ (502..=504)), _) => Verdict::Unsure(format!(
                "is failing just now (HTTP {status}) and was not checked this time"
            )),
            (Some(status), _) => Verdict::Broken(format!("answers HTTP {status}")),
            (None, Some(e)) => Verdict::Broken(format!("cannot be reached ({e})")),
            (None, None) => Verdict::Broken("cannot be reached".to_string()),
        }
    }

    /// True when the answer will stand for a day: the page is there, or
    /// is gone for good. Anything else (a server failing or limiting,
    /// a network fault) is asked again on the next check, so one bad
    /// minute does not fail a day of CI runs.
    fn settled(&self) -> bool {
        matches!(self.verdict(), Verdict::Fine) || matches!(self.status, Some(404 | 410))
    }
}

/// What an answer says of a link.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// It leads somewhere.
    Fine,
    /// It leads nowhere: an error, with what the server said.
    Broken(String),
    /// folio could not tell (a login, a limit, a failing server): a
    /// warning, with why.
    Unsure(String),
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A link to another site, and where it is.
#[derive(Debug)]
pub enum Found {
    /// A page's Markdown link, by the page's source, at its line.
    At(String, PageLink),
    /// A link of templates or raw HTML (no Markdown link of a page has its
    /// URL), with which rendered files have it, as a message tells it
    /// ("5 files link to it, `/` first").
    Elsewhere {
        /// The URL.
        url: String,
        /// Who links to it.
        whose: String,
    },
}

impl Found {
    fn url(&self) -> &str {
        match self {
            Found::At(_, link) => &link.target,
            Found::Elsewhere { url, .. } => url,
        }
    }
}

/// Checks every link; returns how many distinct URLs were checked and a
/// diagnostic per broken link (at the link's line, for a page's).
pub fn check_links(
    links: &[Found],
    cache_path: &Path,
    opts: &ExternalOptions,
) -> (usize, Vec<Diagnostic>) {
    let urls: BTreeSet<&str> = links.iter().map(Found::url).collect();
    let mut cache: BTreeMap<String, Answer> = std::fs::read(cache_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let fresh = |a: &Answer| a.settled() && now().saturating_sub(a.checked) < CACHE_TTL.as_secs();
    let todo: Vec<&str> = urls
        .iter()
        .copied()
        .filter(|u| !cache.get(*u).is_some_and(fresh))
        .collect();
    let answers = fetch_all(&todo, opts);
    cache.extend(answers);
    // The file keeps only answers that stand (and forgets old ones); this
    // run still reports the rest.
    let kept: BTreeMap<&String, &Answer> = cache.iter().filter(|(_, a)| fresh(a)).collect();
    if let Some(parent) = cache_path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    if let Ok(json) = serde_json::to_vec_pretty(&kept) {
        let _ = std::fs::write(cache_path, json);
    }
    let diags = links
        .iter()
        .filter_map(|found| {
            let url = found.url();
            let answer = cache.get(url)?;
            let (d, hint) = match answer.verdict() {
                Verdict::Fine => return None,
                Verdict::Broken(what) => (
                    Diagnostic::error(format!("external link `{url}` {what}")),
                    if answer.settled() {
                        "update or remove the link; this answer is kept for a day in .folio-cache/ (delete its file to ask again sooner)"
                    } else {
                        "update or remove the link; folio asks again on the next check"
                    },
                ),
                Verdict::Unsure(why) => (
                    Diagnostic::warning(format!("external link `{url}` {why}")),
                    "open it in a browser to be sure; folio asks again on the next check",
                ),
            };
            Some(match found {
                Found::At(source, link) => d
                    .in_file(source.clone())
                    .at_line(link.line, link.column)
                    .quoting(link.quote())
                    .with_hint(hint),
                Found::Elsewhere { whose, .. } => d.with_hint(format!(
                    "{whose}, from a template (templates/ or the theme's) or raw HTML; {hint}"
                )),
            })
        })
        .collect();
    (urls.len(), diags)
}

/// Requests the URLs with at most `concurrency` in flight, and at most
/// [`PER_HOST`] of them to one host: a handbook links to a few sites many
/// times (a code host, a wiki), which answer a burst of requests with
/// HTTP 429.
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
    let queue = Mutex::new(HostQueue::new(urls));
    let turn = Condvar::new();
    let results = Mutex::new(Vec::new());
    let pause = opts.timeout.min(MAX_PAUSE);
    std::thread::scope(|scope| {
        for _ in 0..opts.concurrency.max(1).min(urls.len().max(1)) {
            scope.spawn(|| loop {
                let url = {
                    let mut queue = queue.lock().unwrap_or_else(|e| e.into_inner());
                    loop {
                        match queue.take() {
                            Taken::Url(url) => break Some(url),
                            Taken::Done => break None,
                            Taken::Wait => {
                                queue = turn.wait(queue).unwrap_or_else(|e| e.into_inner());
                            }
                        }
                    }
                };
                let Some(url) = url else {
                    turn.notify_all();
                    return;
                };
                let answer = fetch(&agent, url, pause);
                queue.lock().unwrap_or_else(|e| e.into_inner()).done(url);
                turn.notify_all();
                results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((url.to_string(), answer));
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Requests to one host in flight at once.
const PER_HOST: usize = 2;

/// The longest folio waits before asking a server again that asked it to
/// wait (`Retry-After`) or failed for a moment.
const MAX_PAUSE: Duration = Duration::from_secs(5);

/// The URLs still to request, handed out so that no host has more than
/// [`PER_HOST`] requests in flight.
struct HostQueue<'u> {
    /// Still to request, in order.
    todo: std::collections::VecDeque<&'u str>,
    /// Requests in flight, by host.
    busy: BTreeMap<&'u str, usize>,
}

/// What [`HostQueue::take`] hands out.
#[derive(Debug, PartialEq)]
enum Taken<'u> {
    /// The next URL to request.
    Url(&'u str),
    /// Every URL left is for a host with its requests in flight.
    Wait,
    /// Nothing is left.
    Done,
}

impl<'u> HostQueue<'u> {
    fn new(urls: &[&'u str]) -> Self {
        HostQueue {
            todo: urls.iter().copied().collect(),
            busy: BTreeMap::new(),
        }
    }

    /// The first URL whose host has room, marked in flight.
    fn take(&mut self) -> Taken<'u> {
        if self.todo.is_empty() {
            return Taken::Done;
        }
        let free = |url: &&str| self.busy.get(host(url)).is_none_or(|&n| n < PER_HOST);
        let Some(at) = self.todo.iter().position(free) else {
            return Taken::Wait;
        };
        let url = self.todo.remove(at).unwrap_or_default();
        *self.busy.entry(host(url)).or_default() += 1;
        Taken::Url(url)
    }

    /// Marks a request taken from the queue as answered.
    fn done(&mut self, url: &'u str) {
        if let Some(n) = self.busy.get_mut(host(url)) {
            *n = n.saturating_sub(1);
        }
    }
}

/// The host (and port) of a URL: `https://user@Example.com:8080/a` gives
/// `user@Example.com:8080`, which is enough to tell sites apart.
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// Requests `url`: HEAD, then GET when the server refuses HEAD. A server
/// that asks folio to wait (429), fails for a moment (502–504) or cannot
/// be reached is asked once more after a pause (its `Retry-After`, at most
/// `pause`).
fn fetch(agent: &ureq::Agent, url: &str, pause: Duration) -> Answer {
    let attempt = |method: &str| match agent.request(method, url).call() {
        Ok(response) => Ok((response.status(), None)),
        Err(ureq::Error::Status(code, response)) => {
            let wait = (response.header("retry-after"))
                .and_then(|v| retry_after(v, std::time::SystemTime::now()));
            Ok((code, wait))
        }
        Err(ureq::Error::Transport(t)) => Err(t.to_string()),
    };
    let ask = || match attempt("HEAD") {
        // Some servers refuse HEAD; ask properly before calling it broken.
        Ok((405 | 403 | 501, _)) => attempt("GET"),
        other => other,
    };
    let mut result = ask();
    let again = match &result {
        Ok((429 | 502..=504, wait)) => Some(wait.unwrap_or(Duration::from_secs(1))),
        Err(_) => Some(Duration::from_secs(1)),
        Ok(_) => None,
    };
    if let Some(wait) = again {
        std::thread::sleep(wait.min(pause));
        result = ask();
    }
    match result {
        Ok((status, _)) => Answer {
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

/// How long a `Retry-After` header's `value` asks to wait at `now`: a
/// number of seconds, or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`;
/// a date passed asks for no wait). `None` for anything else.
fn retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: Option<u16>, error: Option<&str>) -> Answer {
        Answer {
            status,
            error: error.map(str::to_string),
            checked: now(),
        }
    }

    #[test]
    fn answers_are_fine_broken_or_unsure_and_only_sure_ones_are_kept() {
        for status in [200, 204, 301, 308] {
            let a = answer(Some(status), None);
            assert_eq!(a.verdict(), Verdict::Fine);
            assert!(a.settled());
        }
        for status in [404, 410] {
            let a = answer(Some(status), None);
            assert!(matches!(a.verdict(), Verdict::Broken(_)));
            assert!(a.settled(), "gone for good: {status}");
        }
        for status in [400, 500] {
            let a = answer(Some(status), None);
            assert_eq!(
                a.verdict(),
                Verdict::Broken(format!("answers HTTP {status}"))
            );
            assert!(!a.settled());
        }
        for status in [401, 403, 407, 429, 502, 503, 504] {
            let a = answer(Some(status), None);
            assert!(matches!(a.verdict(), Verdict::Unsure(_)), "{status}");
            assert!(!a.settled(), "{status}");
        }
        let down = answer(None, Some("connection refused"));
        assert_eq!(
            down.verdict(),
            Verdict::Broken("cannot be reached (connection refused)".into())
        );
        assert!(!down.settled());
    }

    #[test]
    fn no_host_gets_more_than_its_share_of_requests_at_once() {
        let urls = [
            "https://a.example/1",
            "https://a.example/2",
            "https://a.example/3",
            "https://b.example/1",
            "http://a.example:8080/1",
        ];
        let mut queue = HostQueue::new(&urls);
        assert_eq!(queue.take(), Taken::Url(urls[0]));
        assert_eq!(queue.take(), Taken::Url(urls[1]));
        // a.example has two in flight: the next URLs are other hosts'.
        assert_eq!(queue.take(), Taken::Url(urls[3]));
        assert_eq!(queue.take(), Taken::Url(urls[4]));
        assert_eq!(queue.take(), Taken::Wait);
        queue.done(urls[1]);
        assert_eq!(queue.take(), Taken::Url(urls[2]));
        assert_eq!(queue.take(), Taken::Done);
        assert_eq!(host("https://u@A.example:1/x?q#f"), "u@A.example:1");
        assert_eq!(host("https://a.example?q"), "a.example");
    }

    #[test]
    fn retry_after_is_seconds_or_a_date() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let date = |later: u64| httpdate::fmt_http_date(now + Duration::from_secs(later));
        assert_eq!(retry_after(" 3 ", now), Some(Duration::from_secs(3)));
        assert_eq!(retry_after("0", now), Some(Duration::ZERO));
        assert_eq!(retry_after(&date(4), now), Some(Duration::from_secs(4)));
        // Past: no wait.
        let past = httpdate::fmt_http_date(now - Duration::from_secs(60));
        assert_eq!(retry_after(&past, now), Some(Duration::ZERO));
        for nonsense in ["", "soon", "-1", "1.5", "Tomorrow, 12:00"] {
            assert_eq!(retry_after(nonsense, now), None, "{nonsense}");
        }
    }
}
