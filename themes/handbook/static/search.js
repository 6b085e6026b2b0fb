/* folio handbook theme: finding and showing pages, loaded by folio.js with
   the index the first time the search box is used. */
(function () {
  "use strict";
  var searchIndex = null;
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  /* The index folio.js loaded (window.folioSearchIndex), folded for
     searching once per load: an index loaded again is folded again. */
  function prepare() {
    var index = window.folioSearchIndex || {};
    if (searchIndex && searchIndex.from === index) return;
    recentSearches = [];
    searchIndex = { pages: (index.pages || []).map(function (r) {
      return { title: r[0], url: r[1], trail: r[2], text: r[3], headings: r[4],
        t: fold(r[0]), h: fold(r[4]), d: fold(r[2] + " " + r[3]) };
    }), postings: index.postings || [], words: (index.words || []).map(function (w) {
      return /[^\x00-\x7f]/.test(w) ? fold(w) : w; /* lower-cased already */
    }) };
    searchIndex.from = index;
    searchIndex.allPages = counting(searchIndex.pages.length);
    searchIndex.allWords = counting(searchIndex.words.length);
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
  /* Terms lose the punctuation around them, as the index's words did. A
     run of Chinese or Japanese characters, written without spaces, is cut
     into its overlapping pairs, as folio cut the pages' text (words.rs):
     each pair is a term. */
  var paired = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\u{20000}-\u{2fa1f}]+/gu;
  function pairs(run) {
    var chars = Array.from(run), out = [];
    for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    return out.length ? out : chars;
  }
  function searchTerms(query) {
    var terms = [];
    query.normalize("NFC").replace(paired, function (run) { return " " + pairs(run).join(" ") + " "; })
      .split(/\s+/).forEach(function (t) {
        t = fold(t).replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
        if (t) terms.push(t);
      });
    return terms;
  }
  /* Per page: 1 if a word of its text starts with the term, 0.5 if one
     has it; and those words. Looks only among the words in "among" (those of a
     term inside this one). Loops are callbacks: V8 optimises them sooner. */
  function textScores(term, among) {
    var words = searchIndex.words, postings = searchIndex.postings;
    var scores = new Float32Array(searchIndex.pages.length);
    var found = new Int32Array(among.length), n = 0;
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
  /* 0 when a term is not in the page. */
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
  /* The last 8 searches since the box was empty, each with all the pages
     it found and its terms' text scores. A page with every term of a
     query has every term of a search whose terms are each inside one of
     the query's ("deplo" in "deploy"): a keystroke scores only the pages
     of the narrowest such search. */
  var recentSearches = [];
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
  /* The 12 best, kept in order as the pages are scored (not all sorted). */
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
  /* The results for the box's query; folio.js has loaded the index and
     gives word(key, values), the site's words. */
  function render(box, word) {
    var input = box.querySelector(".search-input");
    var list = box.querySelector(".search-results");
    var status = box.querySelector("[aria-live]");
    var query = input.value.trim();
    if (!query) { list.hidden = true; status.textContent = ""; recentSearches = []; return; }
    prepare();
    var terms = searchTerms(query);
    var pages = findPages(terms);
    list.textContent = "";
    pages.forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = p.url;
      /* Each part runs the way its own text does (dir=auto): an English
         page's excerpt on a right-to-left site ends, and is cut, on the
         right. */
      var part = function (className, text) {
        var span = document.createElement("span");
        if (className) span.className = className;
        span.dir = "auto";
        span.textContent = text;
        a.appendChild(span);
      };
      part("", p.title);
      var heading = matchingHeading(p, terms);
      var extra = heading ? "§ " + heading : p.text;
      // Terms found only in the page's text: say so, as nothing shown
      // would explain the result.
      var inText = terms.filter(function (t) {
        return p.t.indexOf(t) < 0 && p.h.indexOf(t) < 0 && p.d.indexOf(t) < 0;
      });
      if (!heading && inText.length) {
        extra = word("search_mentions", {
          terms: inText.map(function (t) { return word("quoted", { text: t }); }).join(", ")
        }) +
          (p.text ? " · " + p.text : "");
      }
      if (p.trail) part("result-trail", p.trail);
      if (extra) part("result-text", extra);
      li.appendChild(a);
      list.appendChild(li);
    });
    if (!pages.length) {
      var none = document.createElement("li");
      none.className = "result-none";
      none.textContent = word("search_no_match", { query: query });
      list.appendChild(none);
    }
    list.hidden = false;
    status.textContent = pages.length ? word("search_found", { count: pages.length }) : word("search_none");
  }
  /* After an edit under folio serve, folio.js loads the index again, and
     prepare() folds the new one. */
  window.folioSearch = { show: render, prepare: prepare };
})();
