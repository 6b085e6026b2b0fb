/* folio handbook theme: small enhancements; every page works without them. */
(function () {
  "use strict";
  var root = document.documentElement;
  var wide = window.matchMedia("(min-width: 60rem)");
  var dark = window.matchMedia("(prefers-color-scheme: dark)");

  /* Colour theme: follows the system until the reader picks one. */
  function effective() { return root.dataset.theme || (dark.matches ? "dark" : "light"); }
  function labelToggle(button) {
    var next = effective() === "dark" ? "light" : "dark";
    button.setAttribute("aria-label", "Switch to " + next + " theme");
    button.title = "Switch to " + next + " theme";
  }
  function setupTheme() {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    button.hidden = false;
    labelToggle(button);
    button.addEventListener("click", function () {
      var next = effective() === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try { localStorage.setItem("folio-theme", next); } catch (e) { /* private mode */ }
      labelToggle(button);
    });
    dark.onchange = function () { labelToggle(button); };
  }

  /* Navigation drawer: an inline script closes it on narrow screens before
     the first paint; keep it open whenever the window becomes wide. */
  var drawerWatched = false;
  function setupDrawer() {
    if (drawerWatched) return;
    drawerWatched = true;
    wide.addEventListener("change", function () {
      var drawer = document.querySelector(".nav-drawer");
      if (drawer) drawer.open = wide.matches;
    });
  }

  /* On-page ToC: mark the section being read. */
  function setupToc() {
    var toc = document.querySelector(".toc");
    if (!toc || !("IntersectionObserver" in window)) return;
    var links = {};
    toc.querySelectorAll("a[href^='#']").forEach(function (a) {
      links[decodeURIComponent(a.getAttribute("href").slice(1))] = a;
    });
    var headings = Array.prototype.filter.call(
      document.querySelectorAll(".prose h2[id], .prose h3[id]"),
      function (h) { return links[h.id]; });
    if (!headings.length) return;
    var visible = new Set();
    function mark() {
      var current = headings.find(function (h) { return visible.has(h); });
      if (!current) {
        var above = headings.filter(function (h) { return h.getBoundingClientRect().top < 80; });
        current = above[above.length - 1] || headings[0];
      }
      Object.keys(links).forEach(function (id) {
        var on = id === current.id;
        links[id].classList.toggle("active", on);
        if (on) links[id].setAttribute("aria-current", "location");
        else links[id].removeAttribute("aria-current");
      });
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { if (e.isIntersecting) visible.add(e.target); else visible.delete(e.target); });
      mark();
    }, { rootMargin: "0px 0px -60% 0px" });
    headings.forEach(function (h) { observer.observe(h); });
  }

  /* Copy buttons on code blocks. */
  function setupCopy() {
    if (!navigator.clipboard) return;
    document.querySelectorAll(".prose pre").forEach(function (pre) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy code to clipboard");
      button.addEventListener("click", function () {
        var code = pre.querySelector("code") || pre;
        navigator.clipboard.writeText(code.innerText).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 1500);
        }, function () { button.textContent = "Press Ctrl+C"; });
      });
      var wrap = document.createElement("div");
      wrap.className = "code-block";
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      wrap.appendChild(button);
    });
  }

  function start() { setupTheme(); setupDrawer(); setupToc(); setupCopy(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  /* folio serve swaps the page body in place after an edit. */
  document.addEventListener("folio:swap", start);
})();
