//! The HTTP side of the preview: tiny_http on a small pool of threads.
//!
//! Each request goes through the policy checks, then either folio's own
//! endpoints under `/__folio/` or a file of the served folder. HTML gets the
//! live-reload script as it is sent; nothing is written into the site.

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use tiny_http::{Header, Request, Response, StatusCode};

use super::live::{inject_script, Broadcaster, LiveEvent, CLIENT_SCRIPT, EVENTS_PATH, SCRIPT_PATH};
use super::path::{content_type, map_request_path, needs_slash, resolve_file, PathError};
use super::policy::{check, HostPolicy, RequestMeta, Verdict};

/// What the request handlers share.
pub struct Shared {
    /// The folder being served (swapped on full rebuilds).
    pub current: Arc<RwLock<PathBuf>>,
    /// Open event streams.
    pub events: Broadcaster,
    /// Hosts the server answers to.
    pub hosts: HostPolicy,
    /// The frame a new event stream starts with (the build's state).
    pub state_frame: RwLock<String>,
}

impl Shared {
    /// Remembers the current state for new streams and tells open ones.
    pub fn publish(&self, event: &LiveEvent) {
        let frame = event.frame();
        let state = match event {
            LiveEvent::Failed { .. } => Some(frame.clone()),
            // Says nothing of whether the build is fine.
            LiveEvent::Written => None,
            _ => Some(LiveEvent::Ok.frame()),
        };
        if let Some(state) = state {
            *self.state_frame.write().unwrap_or_else(|e| e.into_inner()) = state;
        }
        self.events.send(&frame);
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn with_common_headers<R: std::io::Read>(mut response: Response<R>) -> Response<R> {
    for (k, v) in [
        ("Cache-Control", "no-cache"),
        ("X-Content-Type-Options", "nosniff"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
    ] {
        response.add_header(header(k, v));
    }
    response
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    with_common_headers(
        Response::from_string(format!("{body}\n"))
            .with_status_code(StatusCode(status))
            .with_header(header("Content-Type", "text/plain; charset=utf-8")),
    )
}

fn get_header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request
        .headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// Answers one request.
pub fn handle(request: Request, shared: &Shared) {
    let method = request.method().as_str().to_string();
    let target = request.url().to_string();
    let meta = RequestMeta {
        method: &method,
        target: &target,
        host: get_header(&request, "Host"),
        fetch_site: get_header(&request, "Sec-Fetch-Site"),
        fetch_mode: get_header(&request, "Sec-Fetch-Mode"),
        content_length: get_header(&request, "Content-Length"),
        header_count: request.headers().len(),
        header_bytes: request
            .headers()
            .iter()
            .map(|h| h.field.as_str().as_str().len() + h.value.as_str().len())
            .sum(),
    };
    if let Verdict::Refuse(status, why) = check(&meta, &shared.hosts) {
        let mut response = text(status, why);
        if status == 405 {
            response.add_header(header("Allow", "GET, HEAD"));
        }
        let _ = request.respond(response);
        return;
    }
    let path = target.split('?').next().unwrap_or("");
    if path == EVENTS_PATH {
        return open_event_stream(request, shared);
    }
    if path == SCRIPT_PATH {
        let response = Response::from_string(CLIENT_SCRIPT)
            .with_header(header("Content-Type", "text/javascript; charset=utf-8"));
        let _ = request.respond(with_common_headers(response));
        return;
    }
    if path.starts_with(super::live::PREFIX) {
        let _ = request.respond(text(404, "Not found"));
        return;
    }
    let root = shared
        .current
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let root = root.canonicalize().unwrap_or(root);
    let mapped = match map_request_path(&target) {
        Ok(p) => p,
        Err(PathError::BadRequest) => {
            let _ = request.respond(text(400, "Bad request path"));
            return;
        }
        Err(PathError::NotFound) => return not_found(request, &root),
    };
    if needs_slash(&root, &mapped) {
        // As static hosts do. The target passed the checks above, so it is
        // a path on this server (no `//host`); the query is kept.
        let location = match target.split_once('?') {
            Some((path, query)) => format!("{path}/?{query}"),
            None => format!("{target}/"),
        };
        let response = text(302, "Found").with_header(header("Location", &location));
        let _ = request.respond(response);
        return;
    }
    match resolve_file(&root, &mapped).and_then(|f| fs::read(&f).ok().map(|b| (f, b))) {
        Some((file, bytes)) => send_file(request, &file, bytes, 200),
        None => not_found(request, &root),
    }
}

fn send_file(request: Request, file: &std::path::Path, bytes: Vec<u8>, status: u16) {
    let kind = content_type(file);
    let body = if kind.starts_with("text/html") {
        inject_script(&String::from_utf8_lossy(&bytes)).into_bytes()
    } else {
        bytes
    };
    let response = Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", kind));
    let _ = request.respond(with_common_headers(response));
}

fn not_found(request: Request, root: &std::path::Path) {
    let page = root.join("404.html");
    match fs::read(&page) {
        Ok(bytes) => send_file(request, &page, bytes, 404),
        Err(_) => {
            let _ = request.respond(text(404, "Not found"));
        }
    }
}

/// Takes over the connection for Server-Sent Events; the broadcaster
/// writes to it from then on, so no worker thread waits on an idle tab.
fn open_event_stream(request: Request, shared: &Shared) {
    if !shared.hosts.allows_origin(get_header(&request, "Origin")) {
        let _ = request.respond(text(403, "Origin not allowed"));
        return;
    }
    if request.method().as_str() == "HEAD" {
        let _ = request.respond(with_common_headers(
            Response::empty(200).with_header(header("Content-Type", "text/event-stream")),
        ));
        return;
    }
    if shared.events.is_full() {
        let response =
            text(503, "Too many live-reload connections").with_header(header("Retry-After", "5"));
        let _ = request.respond(response);
        return;
    }
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\
                X-Content-Type-Options: nosniff\r\nConnection: keep-alive\r\n\r\n";
    let state = shared
        .state_frame
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    if writer.write_all(head.as_bytes()).is_err() {
        return;
    }
    let first = format!("retry: 1000\n\n{state}");
    // Lost a race for the last slot: dropping the writer closes the
    // connection and the browser's EventSource retries later.
    let _ = shared.events.add(writer, &first);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::policy::HostPolicy;

    #[test]
    fn the_index_written_event_leaves_the_state_new_streams_start_with() {
        let shared = Shared {
            current: Arc::default(),
            events: Broadcaster::new(1),
            hosts: HostPolicy {
                bound: "127.0.0.1".into(),
                port: 1,
                extra: Vec::new(),
            },
            state_frame: RwLock::new(LiveEvent::Ok.frame()),
        };
        let state = || shared.state_frame.read().unwrap().clone();
        let failed = LiveEvent::Failed {
            errors: vec!["error: x".into()],
            count: 1,
        };
        shared.publish(&failed);
        shared.publish(&LiveEvent::Written);
        assert_eq!(
            state(),
            failed.frame(),
            "a stream opened now sees the problem"
        );
        shared.publish(&LiveEvent::reload_all());
        shared.publish(&LiveEvent::Written);
        assert_eq!(state(), LiveEvent::Ok.frame());
        assert_eq!(LiveEvent::Written.frame(), "event: written\ndata: {}\n\n");
    }
}
