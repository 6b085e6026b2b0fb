//! Who may talk to the preview server, and with what.
//!
//! Pure checks on request metadata: the Host allowlist that stops DNS
//! rebinding, the cross-site rules, methods and size limits (tiny_http has
//! none of its own).

/// Longest request target accepted.
pub const MAX_TARGET: usize = 8 * 1024;
/// Most header fields accepted.
pub const MAX_HEADERS: usize = 100;
/// Most header bytes accepted.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Which hosts the server answers to.
#[derive(Debug, Clone)]
pub struct HostPolicy {
    /// The bound address (`127.0.0.1`).
    pub bound: String,
    /// The bound port.
    pub port: u16,
    /// Extra names from `--allowed-host`, lower-cased.
    pub extra: Vec<String>,
}

impl HostPolicy {
    /// True if a request with this `Host` header may be answered: loopback
    /// names, `*.localhost`, the bound address and `--allowed-host` names,
    /// with no port or the bound port. Exact comparison, no substrings.
    pub fn allows(&self, host: Option<&str>) -> bool {
        let Some(host) = host else { return false };
        let host = host.trim().to_ascii_lowercase();
        let (name, port) = split_host_port(&host);
        if port.is_some_and(|p| p != self.port.to_string()) {
            return false;
        }
        matches!(name, "localhost" | "127.0.0.1" | "[::1]")
            || name.ends_with(".localhost")
            || name == self.bound
            || (name.starts_with('[') && name.trim_matches(['[', ']']) == self.bound)
            || self.extra.iter().any(|e| e == name)
    }

    /// True if an `Origin` header (when present) is this server's own.
    pub fn allows_origin(&self, origin: Option<&str>) -> bool {
        match origin {
            None => true,
            Some(o) => o.strip_prefix("http://").is_some_and(|h| {
                !h.contains('/') && self.allows(Some(h)) && split_host_port(h).1.is_some()
            }),
        }
    }
}

fn split_host_port(host: &str) -> (&str, Option<&str>) {
    if host.starts_with('[') {
        return match host.find(']') {
            Some(i) => (&host[..=i], host[i + 1..].strip_prefix(':')),
            None => (host, None),
        };
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => (name, Some(port)),
        _ => (host, None),
    }
}

/// What to do with a request before looking at its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go on.
    Proceed,
    /// Answer with this status and a short text.
    Refuse(u16, &'static str),
}

/// Request metadata the checks need.
#[derive(Debug, Clone, Copy)]
pub struct RequestMeta<'a> {
    /// `GET`, `HEAD`, …
    pub method: &'a str,
    /// The request target as sent.
    pub target: &'a str,
    /// `Host` header.
    pub host: Option<&'a str>,
    /// `Sec-Fetch-Site` header.
    pub fetch_site: Option<&'a str>,
    /// `Sec-Fetch-Mode` header.
    pub fetch_mode: Option<&'a str>,
    /// `Content-Length` header.
    pub content_length: Option<&'a str>,
    /// Number of header fields.
    pub header_count: usize,
    /// Bytes of all header names and values.
    pub header_bytes: usize,
}

/// Checks a request in order: limits, method, absolute-form target, Host,
/// body, cross-site requests.
pub fn check(meta: &RequestMeta<'_>, hosts: &HostPolicy) -> Verdict {
    if meta.target.len() > MAX_TARGET
        || meta.header_count > MAX_HEADERS
        || meta.header_bytes > MAX_HEADER_BYTES
    {
        return Verdict::Refuse(431, "Request header fields too large");
    }
    if meta.method != "GET" && meta.method != "HEAD" {
        return Verdict::Refuse(405, "Only GET and HEAD are allowed");
    }
    if !meta.target.starts_with('/') {
        return Verdict::Refuse(400, "Bad request target");
    }
    if !hosts.allows(meta.host) {
        return Verdict::Refuse(
            403,
            "Host not allowed; folio serve answers only to localhost (see --allowed-host)",
        );
    }
    if meta.content_length.is_some_and(|l| l.trim() != "0") {
        return Verdict::Refuse(413, "Request bodies are not accepted");
    }
    if meta.fetch_site == Some("cross-site") && meta.fetch_mode != Some("navigate") {
        return Verdict::Refuse(403, "Cross-site requests are refused");
    }
    Verdict::Proceed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> HostPolicy {
        HostPolicy {
            bound: "127.0.0.1".into(),
            port: 1111,
            extra: vec!["docs.internal".into()],
        }
    }

    #[test]
    fn host_allowlist() {
        let p = policy();
        for ok in [
            "localhost",
            "localhost:1111",
            "127.0.0.1:1111",
            "[::1]:1111",
            "app.localhost",
            "LOCALHOST",
            "docs.internal",
        ] {
            assert!(p.allows(Some(ok)), "{ok}");
        }
        for bad in [
            "evil.com",
            "localhost.evil.com",
            "127.0.0.1.nip.io",
            "evil.com:1111",
            "localhost:9999",
            "",
            "127.0.0.2",
        ] {
            assert!(!p.allows(Some(bad)), "{bad}");
        }
        assert!(!p.allows(None));
    }

    #[test]
    fn origin_must_be_ours() {
        let p = policy();
        assert!(p.allows_origin(None));
        assert!(p.allows_origin(Some("http://127.0.0.1:1111")));
        assert!(!p.allows_origin(Some("http://evil.com")));
        assert!(!p.allows_origin(Some("https://127.0.0.1:1111")));
        assert!(!p.allows_origin(Some("null")));
    }

    fn meta(method: &str, target: &str) -> RequestMeta<'static> {
        RequestMeta {
            method: Box::leak(method.to_string().into_boxed_str()),
            target: Box::leak(target.to_string().into_boxed_str()),
            host: Some("127.0.0.1:1111"),
            fetch_site: None,
            fetch_mode: None,
            content_length: None,
            header_count: 3,
            header_bytes: 100,
        }
    }

    #[test]
    fn request_checks() {
        let p = policy();
        assert_eq!(check(&meta("GET", "/"), &p), Verdict::Proceed);
        assert_eq!(check(&meta("HEAD", "/"), &p), Verdict::Proceed);
        assert!(matches!(
            check(&meta("POST", "/"), &p),
            Verdict::Refuse(405, _)
        ));
        assert!(matches!(
            check(&meta("GET", "http://evil/x"), &p),
            Verdict::Refuse(400, _)
        ));
        let mut m = meta("GET", "/");
        m.host = Some("evil.com");
        assert!(matches!(check(&m, &p), Verdict::Refuse(403, _)));
        let mut m = meta("GET", "/");
        m.header_bytes = 20_000;
        assert!(matches!(check(&m, &p), Verdict::Refuse(431, _)));
        let mut m = meta("GET", "/");
        m.content_length = Some("5");
        assert!(matches!(check(&m, &p), Verdict::Refuse(413, _)));
        let mut m = meta("GET", "/");
        m.fetch_site = Some("cross-site");
        m.fetch_mode = Some("no-cors");
        assert!(matches!(check(&m, &p), Verdict::Refuse(403, _)));
        m.fetch_mode = Some("navigate");
        assert_eq!(check(&m, &p), Verdict::Proceed);
    }
}
