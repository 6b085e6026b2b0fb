/* folio handbook theme: small enhancements; every page works without them. */
(function () {
  "use strict";
  var root = document.documentElement;

  /* The site's words, in its language: folio writes them in when it
     copies this script (themes/handbook/i18n/, [strings] in folio.toml). */
  var words = /*folio:strings*/{};
  /* The form of a word for `count`, as folio picks it when it builds
     (strings::PluralRule): a form for each plural category whole numbers
     reach in the page's language, in CLDR's order, or two forms, "one"
     and the rest. The browser knows the categories (Intl.PluralRules). */
  var plural = null;
  function form(forms, count) {
    if (!plural) {
      plural = { select: function (n) { return n === 1 ? "one" : "other"; }, categories: ["one", "other"] };
      try {
        var rules = new Intl.PluralRules((root.lang || "en").replace(/_/g, "-"));
        plural.select = function (n) { return rules.select(n); };
        plural.categories = ["zero", "one", "two", "few", "many", "other"].filter(function (c) {
          for (var n = 0; n <= 200; n++) if (rules.select(n) === c) return true;
          return false;
        });
      } catch (e) {}
    }
    var category = plural.select(Math.abs(count));
    var at = plural.categories.indexOf(category);
    if (forms.length !== plural.categories.length || at < 0) at = category === "one" ? 0 : forms.length - 1;
    return forms[at];
  }
  /* A word with its {name}s filled in; "one|other" picks a form by count. */
  function word(key, values) {
    var text = words[key] || key;
    values = values || {};
    var forms = text.split("|");
    if (forms.length > 1 && typeof values.count === "number") text = form(forms, values.count);
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }
  var wide = window.matchMedia("(min-width: 60rem)");
  var dark = window.matchMedia("(prefers-color-scheme: dark)");

  /* Colour theme: follows the system until the reader picks one. */
  function effective() { return root.dataset.theme || (dark.matches ? "dark" : "light"); }
  function labelToggle(button) {
    var label = word(effective() === "dark" ? "theme_to_light" : "theme_to_dark");
    button.setAttribute("aria-label", label);
    button.title = label;
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
      button.textContent = word("copy");
      button.setAttribute("aria-label", word("copy_label"));
      button.addEventListener("click", function () {
        var code = pre.querySelector("code") || pre;
        navigator.clipboard.writeText(code.innerText).then(function () {
          button.textContent = word("copied");
          setTimeout(function () { button.textContent = word("copy"); }, 1500);
        }, function () { button.textContent = word("copy_by_hand"); });
      });
      var wrap = document.createElement("div");
      wrap.className = "code-block";
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      wrap.appendChild(button);
    });
  }

  /* Search: the box, its results as a listbox driven from the input (the
     arrow keys, Enter and Escape), and "/" to focus it. What finds and
     shows pages is search.js, fetched beside the index the first time the
     box is used, so a page only read fetches neither. Both are scripts,
     so they load from file:// too; each is loaded once (true), or has the
     callbacks waiting for it, or failed and is tried again. */
  var scripts = {};
  function loadScript(url, done) {
    var state = scripts[url];
    if (state === true) return done(true);
    if (state) return state.push(done);
    scripts[url] = [done];
    var script = document.createElement("script");
    script.src = url;
    function finish(ok) {
      var waiting = scripts[url];
      if (ok && !waiting.stale) scripts[url] = true; else { delete scripts[url]; script.remove(); }
      waiting.forEach(function (f) { f(ok); });
    }
    script.onload = function () { finish(true); };
    script.onerror = function () { finish(false); };
    document.head.appendChild(script);
  }
  /* A base.html copied before search.js has no data-script: then the
     search.js beside this script (each asset has its plain name too). */
  var scriptUrl = document.currentScript ? document.currentScript.src : "";
  function withSearch(box, ready, failed) {
    var left = 2, ok = true;
    function one(loaded) {
      ok = ok && loaded;
      if (--left === 0) { if (ok) ready(window.folioSearch); else failed(); }
    }
    loadScript(box.dataset.script || scriptUrl.replace(/[^/]*$/, "search.js"), one);
    loadScript(box.dataset.index, one);
  }
  function setupSearch() {
    var box = document.querySelector(".search");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var input = box.querySelector(".search-input");
    var list = box.querySelector(".search-results");
    var status = box.querySelector("[aria-live]");
    box.hidden = false;
    function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }
    function close() { list.hidden = true; }
    function unavailable() { status.textContent = word("search_unavailable"); }
    function update() { withSearch(box, function (search) { search.show(box, word); }, unavailable); }
    function move(from, step) {
      var all = links();
      if (!all.length) return;
      var i = all.indexOf(from) + step;
      if (i < 0) { input.focus(); return; }
      all[Math.min(i, all.length - 1)].focus();
    }
    input.addEventListener("input", update);
    /* On focus the search and its index start loading while the reader types. */
    input.addEventListener("focus", function () {
      if (input.value.trim()) update(); else withSearch(box, function (search) { search.prepare(); }, function () {});
    });
    box.addEventListener("keydown", function (e) {
      var onInput = e.target === input;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (onInput && list.hidden) { update(); return; }
        move(onInput ? null : e.target, e.key === "ArrowDown" ? 1 : -1);
        e.preventDefault();
      } else if (e.key === "Enter" && onInput) {
        var first = links()[0];
        if (first && !list.hidden) { window.location.href = first.href; e.preventDefault(); }
      } else if (e.key === "Escape") {
        if (onInput && list.hidden) input.value = "";
        close();
        input.focus();
      }
    });
    box.addEventListener("focusout", function (e) {
      if (!box.contains(e.relatedTarget)) close();
    });
  }
  var slashWatched = false;
  function setupSlash() {
    if (slashWatched) return;
    slashWatched = true;
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
      var input = document.querySelector(".search:not([hidden]) .search-input");
      if (input) { input.focus(); e.preventDefault(); }
    });
  }

  function start() { setupTheme(); setupDrawer(); setupToc(); setupCopy(); setupSearch(); setupSlash(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  /* folio serve swaps the page body in place after an edit of it, and
     tells every tab of any edit: the index is fetched again when used. */
  document.addEventListener("folio:swap", start);
  document.addEventListener("folio:change", function () {
    var box = document.querySelector(".search");
    var state = box && scripts[box.dataset.index];
    /* One loading now may be the old index: used once, then loaded again. */
    if (state === true) delete scripts[box.dataset.index]; else if (state) state.stale = true;
  });
})();
