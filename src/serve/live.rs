//! Live reload: the browser script, its injection into served HTML, and the
//! Server-Sent Events it listens to.
//!
//! The script lives under the reserved `/__folio/` prefix and is added to
//! HTML responses as they are served, never written into the built site.
//! One [`Broadcaster`] thread-safely holds every open event stream and
//! writes each event to all of them; a stream that fails a write is dropped.

use std::io::Write;
use std::sync::Mutex;

use serde::Serialize;

use crate::diagnostic::Diagnostic;

/// Reserved URL prefix for folio's own endpoints.
pub const PREFIX: &str = "/__folio/";
/// The event stream endpoint.
pub const EVENTS_PATH: &str = "/__folio/events";
/// The client script.
pub const SCRIPT_PATH: &str = "/__folio/live.js";

/// The client: one EventSource per tab, closed while the tab is hidden
/// (browsers allow 6 connections per host); reloads only tabs showing a
/// changed page, keeping the scroll position; swaps stylesheets in place;
/// shows build errors in an overlay built with textContent (never HTML).
pub const CLIENT_SCRIPT: &str = r#"(function () {
  "use strict";
  var key = "folio-scroll:" + location.pathname, source = null, overlay = null;
  /* The position a swap or reload could not reach because the new page was
     too short (an edit that cut the page, or a file caught half-written):
     kept, and reached by a later swap, until the reader scrolls or clicks. */
  var wantedY = null;
  ["wheel", "touchstart", "keydown", "mousedown"].forEach(function (type) {
    addEventListener(type, function () { wantedY = null; }, { passive: true, capture: true });
  });
  function scrollBack(y) {
    window.scrollTo(0, y);
    wantedY = Math.abs(window.scrollY - y) > 1 ? y : null;
  }
  try {
    var saved = sessionStorage.getItem(key);
    if (saved !== null) {
      sessionStorage.removeItem(key);
      var restore = scrollBack.bind(null, +saved);
      if (document.readyState === "complete") restore(); else addEventListener("load", restore);
    }
    var told = sessionStorage.getItem(key + ":warnings");
    if (told !== null) {
      sessionStorage.removeItem(key + ":warnings");
      var tell = function () { showNotice(JSON.parse(told)); };
      if (document.readyState === "complete") tell(); else addEventListener("load", tell);
    }
  } catch (e) {}
  function keptY() {
    // Away from the bottom the page is no longer cut short there: the
    // reader's own position counts again.
    var root = document.documentElement;
    if (window.scrollY + window.innerHeight < root.scrollHeight - 2) wantedY = null;
    return wantedY !== null ? wantedY : window.scrollY;
  }
  function hardReload() {
    try {
      sessionStorage.setItem(key, String(keptY()));
      // The warnings to show survive the reload too (see below).
      if (pendingWarnings.length) sessionStorage.setItem(key + ":warnings", JSON.stringify(pendingWarnings));
    } catch (e) {}
    location.reload();
  }
  /* Fetch the page and swap its body in place: no flash, no re-download of
     styles and images, scroll position kept. Falls back to a real reload. */
  /* A box of folio's own over the page (the overlay, the notice): its
     words are English, left to right on a page in Hebrew too. */
  function panel(id, role, css) {
    var box = document.createElement("div");
    box.id = id;
    box.lang = "en";
    box.dir = "ltr";
    box.setAttribute("role", role);
    box.style.cssText = css;
    return box;
  }
  /* Each diagnostic as preformatted text (never HTML) in `box`. */
  function appendTexts(box, texts, margin) {
    texts.forEach(function (text) {
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:" + margin + ";white-space:pre-wrap";
      pre.textContent = text;
      box.appendChild(pre);
    });
  }
  /* Warnings a save brought (a link to a page not written yet): a notice
     in a corner that does not cover the page, gone on a click or after a
     while, or replaced by the next one. Built with textContent, like the
     overlay. */
  var notice = null, noticeTimer = null;
  function hideNotice() {
    if (notice) { notice.remove(); notice = null; }
    clearTimeout(noticeTimer);
  }
  function showNotice(warnings) {
    hideNotice();
    notice = panel("folio-warning-notice", "status",
      "position:fixed;right:12px;bottom:12px;max-width:min(36rem,calc(100vw - 24px));" +
      "max-height:40vh;overflow:auto;z-index:2147483646;background:#1b1f24;color:#f0f3f6;" +
      "font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;padding:10px 14px;border-left:4px solid #e3b341;" +
      "border-radius:6px;box-shadow:0 6px 20px rgba(0,0,0,.35)");
    var head = document.createElement("div");
    head.style.cssText = "display:flex;gap:12px;align-items:baseline;font:600 13px system-ui,sans-serif;color:#e3b341";
    var title = document.createElement("span");
    title.textContent = "folio: " + warnings.length + " new warning" + (warnings.length === 1 ? "" : "s") +
      " (the page still updates)";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", "Dismiss");
    close.style.cssText = "margin-left:auto;background:none;border:0;color:inherit;font:inherit;font-size:16px;cursor:pointer";
    close.onclick = hideNotice;
    head.appendChild(title);
    head.appendChild(close);
    notice.appendChild(head);
    appendTexts(notice, warnings, "6px 0 0");
    document.body.appendChild(notice);
    noticeTimer = setTimeout(hideNotice, 20000);
  }
  /* Saves in quick succession start fetches that may finish out of
     order: only the latest one is swapped in (an older answer could hold
     an older page), with the warnings of every update since the last. */
  var latest = 0, pendingWarnings = [];
  function reload(warnings) {
    var mine = ++latest;
    if (warnings) pendingWarnings = pendingWarnings.concat(warnings);
    var y = keptY();
    fetch(location.href, { cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error("status " + r.status);
      return r.text();
    }).then(function (html) {
      if (mine !== latest) return;
      var doc = new DOMParser().parseFromString(html, "text/html");
      document.title = doc.title;
      document.body.replaceWith(document.adoptNode(doc.body));
      // Problems told while the page loaded stay on it.
      if (overlay) document.body.appendChild(overlay);
      document.body.querySelectorAll("script").forEach(function (old) {
        if ((old.getAttribute("src") || "").indexOf("/__folio/") === 0) { old.remove(); return; }
        var fresh = document.createElement("script");
        Array.prototype.forEach.call(old.attributes, function (a) { fresh.setAttribute(a.name, a.value); });
        fresh.textContent = old.textContent;
        old.replaceWith(fresh);
      });
      scrollBack(y);
      // The notice outlives the swap (a save often brings two updates, the
      // second with nothing new to tell): it goes on a click or in time.
      if (notice) document.body.appendChild(notice);
      var told = pendingWarnings;
      pendingWarnings = [];
      if (told.length) showNotice(told);
      // Themes re-run their enhancements on this event.
      document.dispatchEvent(new Event("folio:swap"));
    }).catch(function () { if (mine === latest) hardReload(); });
  }
  function swapStyles() {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("folio", Date.now());
      var next = link.cloneNode();
      next.href = url.href;
      next.onload = function () { link.remove(); };
      link.after(next);
    });
  }
  function hideOverlay() { if (overlay) { overlay.remove(); overlay = null; } }
  /* `count` errors in all; `errors` tells them, many alike in one note. */
  function showOverlay(errors, count) {
    hideOverlay();
    overlay = panel("folio-error-overlay", "alert",
      "position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;z-index:2147483647;" +
      "background:#1b1f24;color:#f0f3f6;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:16px 20px;" +
      "border-bottom:4px solid #ff7b72;box-shadow:0 8px 24px rgba(0,0,0,.4)");
    var title = document.createElement("div");
    title.style.cssText = "font:600 15px system-ui,sans-serif;margin-bottom:8px;color:#ff7b72";
    count = count || errors.length;
    title.textContent = "folio: " + count + " problem" + (count === 1 ? "" : "s") +
      " to fix. The preview shows the last good version until then.";
    overlay.appendChild(title);
    appendTexts(overlay, errors, "8px 0");
    document.body.appendChild(overlay);
  }
  function connect() {
    if (source) return;
    source = new EventSource("/__folio/events");
    source.addEventListener("reload", function (ev) {
      var data = JSON.parse(ev.data);
      // The update succeeded; problems that still stand come next.
      hideOverlay();
      // Every tab: themes drop what they keep of the site (a search index).
      document.dispatchEvent(new Event("folio:change"));
      if (data.all || data.paths.indexOf(location.pathname) >= 0) reload(data.warnings);
    });
    source.addEventListener("css", swapStyles);
    source.addEventListener("failed", function (ev) {
      var data = JSON.parse(ev.data);
      showOverlay(data.errors, data.count);
    });
    source.addEventListener("ok", hideOverlay);
    // The search index, written after the reload: drop it once more.
    source.addEventListener("written", function () { document.dispatchEvent(new Event("folio:change")); });
  }
  function disconnect() { if (source) { source.close(); source = null; } }
  document.addEventListener("visibilitychange", function () { if (document.hidden) disconnect(); else connect(); });
  addEventListener("pagehide", disconnect);
  addEventListener("pageshow", function () { if (!document.hidden) connect(); });
  if (!document.hidden) connect();
})();
"#;

/// Adds the live-reload script to an HTML page, before `</body>` (or at the
/// end when there is none).
pub fn inject_script(html: &str) -> String {
    let tag = format!("<script src=\"{SCRIPT_PATH}\" defer></script>");
    let mut out = String::with_capacity(html.len() + tag.len());
    match html.rfind("</body>").or_else(|| html.rfind("</BODY>")) {
        Some(i) => {
            out.push_str(&html[..i]);
            out.push_str(&tag);
            out.push_str(&html[i..]);
        }
        None => {
            out.push_str(html);
            out.push_str(&tag);
        }
    }
    out
}

/// An event for the browsers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// Pages changed: reload tabs showing one of `paths`, or all tabs.
    Reload {
        /// URL paths that changed.
        paths: Vec<String>,
        /// Reload every tab (navigation or templates changed).
        all: bool,
        /// Warnings the update brought, as text, for a notice in the tabs
        /// that reload (at most [`WARNINGS_SHOWN`]).
        warnings: Vec<String>,
    },
    /// Stylesheets changed: swap them without reloading.
    Css,
    /// The build failed: show these problems, as text (many alike are
    /// counted in notes), and how many errors there are in all.
    Failed {
        /// The problems as people read them.
        errors: Vec<String>,
        /// Errors in all, each of those counted in a note too.
        count: usize,
    },
    /// The build is fine again.
    Ok,
    /// What the last update left for after the reload (the search index)
    /// is written: tabs drop what they keep of the site once more, since
    /// a tab may have fetched the old index in between.
    Written,
}

impl LiveEvent {
    /// Every tab reloads (the warnings are added as the event is sent).
    pub fn reload_all() -> LiveEvent {
        LiveEvent::Reload {
            paths: Vec::new(),
            all: true,
            warnings: Vec::new(),
        }
    }
}

/// Most warnings one reload event carries; the terminal has them all.
pub const WARNINGS_SHOWN: usize = 10;

#[derive(Serialize)]
struct ReloadData<'a> {
    paths: &'a [String],
    all: bool,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
}

#[derive(Serialize)]
struct FailedData<'a> {
    errors: &'a [String],
    count: usize,
}

impl LiveEvent {
    /// The event for a failed build, with each diagnostic rendered as text.
    /// Many alike in one file are counted rather than all sent (see
    /// [`for_reading`](crate::diagnostic::for_reading)).
    pub fn failed(diags: &[Diagnostic]) -> Self {
        let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
        LiveEvent::Failed {
            count: errors.len(),
            errors: crate::diagnostic::for_reading(errors),
        }
    }

    /// A reload that also tells the tabs about `warnings` (new ones only:
    /// a warning that stays is not shown again). Other events are kept.
    pub fn with_warnings(self, warnings: &[Diagnostic]) -> Self {
        match self {
            LiveEvent::Reload { paths, all, .. } => LiveEvent::Reload {
                paths,
                all,
                warnings: warnings
                    .iter()
                    .take(WARNINGS_SHOWN)
                    .map(|d| d.to_string().trim_end().to_string())
                    .collect(),
            },
            other => other,
        }
    }

    /// The Server-Sent Events frame for this event.
    pub fn frame(&self) -> String {
        let (name, data) = match self {
            LiveEvent::Reload {
                paths,
                all,
                warnings,
            } => (
                "reload",
                serde_json::to_string(&ReloadData {
                    paths,
                    all: *all,
                    warnings,
                }),
            ),
            LiveEvent::Css => ("css", Ok("{}".to_string())),
            LiveEvent::Failed { errors, count } => (
                "failed",
                serde_json::to_string(&FailedData {
                    errors,
                    count: *count,
                }),
            ),
            LiveEvent::Ok => ("ok", Ok("{}".to_string())),
            LiveEvent::Written => ("written", Ok("{}".to_string())),
        };
        format!(
            "event: {name}\ndata: {}\n\n",
            data.unwrap_or_else(|_| "{}".into())
        )
    }
}

/// Every open event stream; writes events to all of them.
pub struct Broadcaster {
    streams: Mutex<Vec<Box<dyn Write + Send>>>,
    max: usize,
}

impl Broadcaster {
    /// A broadcaster accepting at most `max` streams.
    pub fn new(max: usize) -> Self {
        Broadcaster {
            streams: Mutex::new(Vec::new()),
            max,
        }
    }

    /// Adds a stream after sending it `first` (the current state); gives the
    /// writer back when the cap is reached.
    pub fn add(
        &self,
        mut stream: Box<dyn Write + Send>,
        first: &str,
    ) -> Result<(), Box<dyn Write + Send>> {
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        if streams.len() >= self.max {
            return Err(stream);
        }
        if stream
            .write_all(first.as_bytes())
            .and_then(|()| stream.flush())
            .is_ok()
        {
            streams.push(stream);
        }
        Ok(())
    }

    /// Sends a frame (an event or a heartbeat comment) to every stream,
    /// dropping the ones that fail.
    pub fn send(&self, frame: &str) {
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        streams.retain_mut(|s| {
            s.write_all(frame.as_bytes())
                .and_then(|()| s.flush())
                .is_ok()
        });
    }

    /// True when no further stream is accepted.
    pub fn is_full(&self) -> bool {
        self.len() >= self.max
    }

    /// Number of open streams.
    pub fn len(&self) -> usize {
        self.streams.lock().map_or(0, |s| s.len())
    }

    /// True when no stream is open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Closes every stream.
    pub fn close_all(&self) {
        self.streams
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn injects_before_body_end_or_appends() {
        let html = "<html><body><p>x</p></body></html>";
        let out = inject_script(html);
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/__folio/live.js\" defer></script></body></html>"
        );
        assert!(inject_script("<p>fragment</p>").ends_with("defer></script>"));
    }

    #[test]
    fn frames_are_sse_with_json_data() {
        let f = LiveEvent::Reload {
            paths: vec!["/a/".into()],
            all: false,
            warnings: Vec::new(),
        }
        .frame();
        assert_eq!(
            f,
            "event: reload\ndata: {\"paths\":[\"/a/\"],\"all\":false}\n\n"
        );
        let many: Vec<Diagnostic> = (0..12)
            .map(|i| Diagnostic::warning(format!("w{i}")))
            .collect();
        let f = LiveEvent::Reload {
            paths: Vec::new(),
            all: true,
            warnings: Vec::new(),
        }
        .with_warnings(&many)
        .frame();
        assert!(
            f.contains("\"warnings\":[\"warning: w0\",\"warning: w1\""),
            "{f}"
        );
        assert_eq!(f.matches("warning: w").count(), WARNINGS_SHOWN);
        let f = LiveEvent::Failed {
            errors: vec!["error: <script>\n--> a.md:1".into()],
            count: 1,
        }
        .frame();
        assert!(f.starts_with(
            "event: failed\ndata: {\"errors\":[\"error: <script>\\n--> a.md:1\"],\"count\":1}"
        ));
        assert!(
            !f.trim_end().contains("\n\n"),
            "no blank line inside the data"
        );
        // A page with one broken anchor a thousand times: ten of them and a
        // note go to the overlay, and no warning.
        let mut alike: Vec<Diagnostic> = (1..=1000)
            .map(|l| {
                Diagnostic::error("no such anchor")
                    .in_file("content/a.md")
                    .at_line(l, 1)
            })
            .collect();
        alike.push(Diagnostic::warning("w").in_file("content/a.md"));
        let LiveEvent::Failed { errors, count } = LiveEvent::failed(&alike) else {
            panic!()
        };
        assert_eq!(count, 1000, "the errors, not the texts");
        assert_eq!(errors.len(), crate::diagnostic::SHOWN_ALIKE + 1);
        assert!(errors[crate::diagnostic::SHOWN_ALIKE].starts_with("note: 990 more errors"));
    }

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>, bool);
    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.1 {
                return Err(std::io::Error::other("closed"));
            }
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn broadcaster_caps_streams_and_drops_broken_ones() {
        let b = Broadcaster::new(2);
        let good = Sink::default();
        assert!(b.add(Box::new(good.clone()), "hello\n").is_ok());
        let broken = Sink(Arc::default(), false);
        assert!(b.add(Box::new(broken.clone()), "").is_ok());
        assert!(b.add(Box::new(Sink::default()), "").is_err(), "cap reached");
        b.send("x\n");
        assert_eq!(
            String::from_utf8(good.0.lock().unwrap().clone()).unwrap(),
            "hello\nx\n"
        );
        let failing = Broadcaster::new(4);
        assert!(failing
            .add(Box::new(Sink(Arc::default(), false)), "")
            .is_ok());
        // Replace with a failing writer: it is dropped on the first send.
        failing.streams.lock().unwrap()[0] = Box::new(Sink(Arc::default(), true));
        failing.send("x");
        assert!(failing.is_empty());
    }
}
