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

  /* Search: the index (a script, so it loads from file:// too) is fetched
     the first time the box is used; results are a listbox driven from the
     input, with the arrow keys, Enter and Escape; "/" focuses the box. */
  var searchIndex = null;
  var searchWaiting = [];
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function loadIndex(url, ready, failed) {
    if (searchIndex) return ready();
    searchWaiting.push(ready);
    if (searchWaiting.length > 1) return;
    var script = document.createElement("script");
    script.src = url;
    script.onload = function () {
      var index = window.folioSearchIndex || {};
      recentSearches = [];
      searchIndex = { pages: (index.pages || []).map(function (r) {
        return { title: r[0], url: r[1], trail: r[2], text: r[3], headings: r[4],
          t: fold(r[0]), h: fold(r[4]), d: fold(r[2] + " " + r[3]) };
      }), postings: index.postings || [], words: (index.words || []).map(function (w) {
        return /[^\x00-\x7f]/.test(w) ? fold(w) : w; /* lower-cased already */
      }) };
      searchIndex.allPages = counting(searchIndex.pages.length);
      searchIndex.allWords = counting(searchIndex.words.length);
      searchWaiting.splice(0).forEach(function (f) { f(); });
    };
    script.onerror = function () { searchWaiting = []; script.remove(); failed(); };
    document.head.appendChild(script);
  }
  function counting(n) {
    var all = new Int32Array(n);
    for (var i = 0; i < n; i++) all[i] = i;
    return all;
  }
  function startsWord(text, term) {
    var i = text.indexOf(term);
    return i === 0 || (i > 0 && !/[a-z0-9]/.test(text[i - 1]));
  }
  /* Terms lose the punctuation around them, as the index's words did. */
  function searchTerms(query) {
    return fold(query).split(/\s+/).map(function (t) {
      return t.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    }).filter(Boolean);
  }
  /* Per page: 1 if a word of its text starts with the term, 0.5 if one
     has it; and the words that have it. Only the words `among` are looked
     at: those of a shorter term inside this one (each word with "deplo"
     has "depl"), or all. */
  function textScores(term, among) {
    var words = searchIndex.words, postings = searchIndex.postings;
    var scores = new Float32Array(searchIndex.pages.length);
    var found = new Int32Array(among.length), n = 0;
    /* (Loops as callbacks: V8 optimises a function called often sooner
       than one long loop, and a keystroke runs each loop once.) */
    among.forEach(function (i) {
      var word = words[i];
      if (word.indexOf(term) < 0) return;
      found[n++] = i;
      var score = startsWord(word, term) ? 1 : 0.5, list = postings[i], page = 0, step = 0;
      for (var k = 0; k <= list.length; k++) { /* base-36 steps; NaN past the end */
        var c = list.charCodeAt(k);
        if (c > 32) step = step * 36 + (c < 58 ? c - 48 : c - 87);
        else { page += step; step = 0; if (scores[page] < score) scores[page] = score; }
      }
    });
    return { scores: scores, words: found.subarray(0, n) };
  }
  /* A page's score for the terms, 0 when one of them is not in it. */
  function pageScore(p, n, terms, inText) {
    var score = 0;
    for (var i = 0; i < terms.length; i++) {
      var term = terms[i];
      if (p.t.indexOf(term) >= 0) score += startsWord(p.t, term) ? 12 : 8;
      else if (p.h.indexOf(term) >= 0) score += startsWord(p.h, term) ? 4 : 3;
      else if (p.d.indexOf(term) >= 0) score += 1;
      else if (inText[i][n] > 0) score += inText[i][n];
      else return 0;
    }
    return score;
  }
  /* Ranked by score, then shorter title, then place in the index. */
  function ranksAbove(a, b) {
    return a.score > b.score || (a.score === b.score && a.page.title.length < b.page.title.length);
  }
  /* The last searches since the box was empty (or the index loaded),
     newest last, each with every page it found and its terms' text
     scores. A page that has every term of a query has every term of an
     earlier one whose terms are each inside one of them ("deplo" inside
     "deploy", or a term added): such a query scores only that search's
     pages, so a keystroke costs what its results cost, not what the site
     does. At most 8 are kept (a few hundred KB each for 50,000 pages). */
  var recentSearches = [];
  /* A term's text scores: a recent search's, or made among the words of
     the longest recent term inside it. */
  function recentText(term) {
    var base = null, baseLength = -1;
    for (var r = recentSearches.length - 1; r >= 0; r--) {
      var text = recentSearches[r].text;
      for (var t in text) {
        if (t === term) return text[t];
        if (t.length > baseLength && term.indexOf(t) >= 0) { base = text[t]; baseLength = t.length; }
      }
    }
    return textScores(term, base ? base.words : searchIndex.allWords);
  }
  /* The recent search with the fewest pages whose every term is inside
     one of `terms`: the pages that have all of `terms` are among its. */
  function narrowest(terms) {
    var best = null;
    recentSearches.forEach(function (s) {
      var inside = Object.keys(s.text).every(function (t) {
        return terms.some(function (term) { return term.indexOf(t) >= 0; });
      });
      if (inside && (!best || s.pages.length < best.pages.length)) best = s;
    });
    return best;
  }
  function keepBest(best, found) {
    if (best.length === 12 && !ranksAbove(found, best[11])) return;
    var at = best.length;
    while (at > 0 && ranksAbove(found, best[at - 1])) at--;
    best.splice(at, 0, found);
    if (best.length > 12) best.pop();
  }
  /* The 12 best, kept in order as the pages are scored (sorting every
     match, all 50,000 pages of a big handbook for a common word, took
     ~18 ms a keystroke), of the pages of the narrowest recent search. */
  function findPages(terms) {
    if (!terms.length) return [];
    var text = Object.create(null);
    terms.forEach(function (t) { text[t] = text[t] || recentText(t); });
    var inText = terms.map(function (t) { return text[t].scores; });
    var all = searchIndex.pages, within = narrowest(terms);
    var among = within ? within.pages : searchIndex.allPages;
    var matched = new Int32Array(among.length), nMatched = 0, best = [];
    among.forEach(function (n) {
      var score = pageScore(all[n], n, terms, inText);
      if (!score) return;
      matched[nMatched++] = n;
      keepBest(best, { page: all[n], score: score });
    });
    recentSearches.push({ text: text, pages: matched.subarray(0, nMatched) });
    if (recentSearches.length > 8) recentSearches.shift();
    return best.map(function (f) { return f.page; });
  }
  function matchingHeading(page, terms) {
    return page.headings.split("\n").find(function (h) {
      var f = fold(h);
      return h && terms.every(function (t) { return f.indexOf(t) >= 0; });
    });
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
    function show() {
      var query = input.value.trim();
      if (!query) { close(); status.textContent = ""; recentSearches = []; return; }
      var terms = searchTerms(query);
      var pages = findPages(terms);
      list.textContent = "";
      pages.forEach(function (p) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = p.url;
        a.textContent = p.title;
        var heading = matchingHeading(p, terms);
        var extra = heading ? "§ " + heading : p.text;
        // Terms found only in the page's text: say so, as nothing shown
        // would explain the result.
        var inText = terms.filter(function (t) {
          return p.t.indexOf(t) < 0 && p.h.indexOf(t) < 0 && p.d.indexOf(t) < 0;
        });
        if (!heading && inText.length) {
          extra = "Mentions " + inText.map(function (t) { return "“" + t + "”"; }).join(", ") +
            (p.text ? " · " + p.text : "");
        }
        if (p.trail) {
          var trail = document.createElement("span");
          trail.className = "result-trail";
          trail.textContent = p.trail;
          a.appendChild(trail);
        }
        if (extra) {
          var text = document.createElement("span");
          text.className = "result-text";
          text.textContent = extra;
          a.appendChild(text);
        }
        li.appendChild(a);
        list.appendChild(li);
      });
      if (!pages.length) {
        var none = document.createElement("li");
        none.className = "result-none";
        none.textContent = "No pages match “" + query + "”";
        list.appendChild(none);
      }
      list.hidden = false;
      status.textContent = pages.length ? pages.length + (pages.length === 1 ? " page found" : " pages found") +
        "; press the down arrow to pick one" : "No pages found";
    }
    function update() {
      loadIndex(box.dataset.index, show, function () { status.textContent = "Search is not available right now"; });
    }
    function move(from, step) {
      var all = links();
      if (!all.length) return;
      var i = all.indexOf(from) + step;
      if (i < 0) { input.focus(); return; }
      all[Math.min(i, all.length - 1)].focus();
    }
    input.addEventListener("input", update);
    /* On focus the index starts loading while the reader types. */
    input.addEventListener("focus", function () {
      if (input.value.trim()) update(); else loadIndex(box.dataset.index, function () {}, function () {});
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
  /* folio serve swaps the page body in place after an edit. */
  /* An edit may have changed the index too: fetch it again when next used. */
  document.addEventListener("folio:swap", function () { searchIndex = null; start(); });
})();
