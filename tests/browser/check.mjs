// Browser checks for folio's default theme, run by tests/integration.rs.
//
//   node tests/browser/check.mjs <public-dir> <artefact-dir> <path> [<path> ...]
//
// Serves <public-dir> over HTTP on 127.0.0.1 (port 0), drives Debian's
// headless Chromium with playwright-core, and checks every path at 360 px
// and 1280 px, in light and dark mode: no horizontal scroll, navigation
// visible or toggleable, no layout shift from the hero image, dark mode
// applied, the theme toggle persisting, search finding pages from the
// keyboard, pages usable with JavaScript off, nothing requested that the
// output lacks, every image loading, and axe-core finding no violations at
// all (serious and critical ones are what the issue requires; the rest are
// kept at zero too). Screenshots go to <artefact-dir>. Prints a JSON report;
// exits 1 when a check fails.

import { readFile, readdir, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { createRequire } from "node:module";
import { launch } from "./chromium.mjs";
import { serve } from "./serve.mjs";

const [publicDir, artefacts, ...paths] = process.argv.slice(2);
if (!publicDir || !artefacts || paths.length === 0) {
  console.error("usage: check.mjs <public-dir> <artefact-dir> <path> [<path> ...]");
  process.exit(2);
}
const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
await mkdir(artefacts, { recursive: true });

// The site's words, as folio wrote them into the theme's script: the
// checks of what search says read them, so a site in any language passes.
const script = (await readdir(publicDir)).find((n) => /^folio\.[0-9a-f]+\.js$/.test(n)) || "folio.js";
const wordsJson = /var words = (\{.*\});\n/.exec(await readFile(join(publicDir, script), "utf8"));
if (!wordsJson) {
  console.error(`no words in ${script}`);
  process.exit(2);
}
const words = JSON.parse(wordsJson[1]);
const fill = (key, values) => words[key].replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
// Each form of a word with a count, as a pattern.
const counted = (key) => new RegExp(words[key].split("|").map((form) =>
  "^" + form.replace(/[.*+?^$()[\]\\]/g, "\\$&").replace("{count}", "\\d+").replace(/[{}]/g, "\\$&") + "$").join("|"));

const { server, notFound, origin } = await serve(publicDir);

const browser = await launch();

const failures = [];
const report = { pages: {}, axe: {} };
const fail = (what) => failures.push(what);
const slug = (p) => p.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "") || "home";

async function open(context, path) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
  const response = await page.goto(origin + path, { waitUntil: "load" });
  await page.waitForTimeout(150);
  return { page, status: response.status() };
}

async function runAxe(page, label) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  const serious = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  report.axe[label] = { violations: result.length, serious: serious.length, details: result };
  for (const v of serious) fail(`${label}: axe ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(", ")}`);
  // Moderate and minor findings are reported too, and kept at zero.
  for (const v of result.filter((v) => !serious.includes(v))) fail(`${label}: axe ${v.impact} ${v.id} (${v.help})`);
}

async function checkLayout(page, path, width, label) {
  const m = await page.evaluate(() => {
    const visible = (el) => !!el && el.checkVisibility({ visibilityProperty: true, opacityProperty: true });
    const hero = document.querySelector(".hero img, .home-hero-image");
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      sidebarVisible: visible(document.querySelector(".sidebar")),
      menuVisible: visible(document.querySelector(".nav-drawer > summary")),
      cls: window.__cls,
      hero: hero && { width: hero.getAttribute("width"), height: hero.getAttribute("height"), complete: hero.complete,
        natural: hero.naturalWidth, boxRatio: hero.getBoundingClientRect().height / hero.getBoundingClientRect().width },
      // Which side each part is on, against the way the text runs: the
      // sidebar, "previous" and the first of a list's page links come
      // first (left in English, right in Hebrew), the ToC last.
      sides: (() => {
        const rtl = getComputedStyle(document.documentElement).direction === "rtl";
        const box = (q) => { const el = document.querySelector(q); return el && el.checkVisibility() ? el.getBoundingClientRect() : null; };
        // Only side by side (a narrow screen stacks the ToC over the text).
        const beside = (a, b) => a.top < b.bottom && b.top < a.bottom;
        const before = (a, b) => !a || !b || !beside(a, b) || (rtl ? a.left >= b.right - 1 : a.right <= b.left + 1);
        const wrong = [];
        if (!before(box(".sidebar"), box(".main"))) wrong.push("sidebar");
        if (!before(box(".page-grid.has-toc > .article"), box(".page-grid.has-toc > .toc"))) wrong.push("table of contents");
        if (!before(box(".pager-prev"), box(".pager-next"))) wrong.push("previous and next page");
        if (!before(box(".list-pager > :first-child"), box(".list-pager > :last-child"))) wrong.push("list pager");
        return { rtl, wrong };
      })(),
      bytes: performance.getEntriesByType("resource").filter((e) => /\.(css|js)$/.test(e.name))
        .reduce((n, e) => n + (e.decodedBodySize || 0), 0) + document.documentElement.outerHTML.length,
    };
  });
  report.pages[label] = m;
  if (m.scrollWidth > m.innerWidth + 1) fail(`${label}: horizontal scroll (${m.scrollWidth} > ${m.innerWidth})`);
  if (m.sides.wrong.length) fail(`${label}: on the wrong side for ${m.sides.rtl ? "right-to-left" : "left-to-right"} text: ${m.sides.wrong.join(", ")}`);
  if (m.cls > 0.01) fail(`${label}: layout shift ${m.cls.toFixed(3)}`);
  if (m.hero && (!m.hero.width || !m.hero.height)) fail(`${label}: hero image without width/height`);
  if (m.hero && m.hero.natural === 0) fail(`${label}: hero image did not load`);
  if (width >= 1280 && !m.sidebarVisible) fail(`${label}: sidebar not visible on a wide screen`);
  if (width >= 1280) {
    // Scrolled to the end of a long page, the sidebar is still in view.
    const kept = await page.evaluate(async () => {
      const long = document.documentElement.scrollHeight > 2 * window.innerHeight;
      window.scrollTo(0, document.documentElement.scrollHeight);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const box = document.querySelector(".sidebar").getBoundingClientRect();
      const inView = box.top < window.innerHeight && box.bottom > 56;
      window.scrollTo(0, 0);
      return !long || inView;
    });
    if (!kept) fail(`${label}: the sidebar scrolls out of view on a long page`);
  }
  if (width < 600) {
    if (!m.menuVisible) fail(`${label}: no menu toggle on a narrow screen`);
    if (m.sidebarVisible) fail(`${label}: sidebar should start collapsed on a narrow screen`);
    // Open the menu with the keyboard.
    await page.focus(".nav-drawer > summary");
    await page.keyboard.press("Enter");
    const opened = await page.evaluate(() => document.querySelector(".sidebar").checkVisibility());
    if (!opened) fail(`${label}: menu does not open with the keyboard`);
    await page.keyboard.press("Enter");
  }
}

async function backgroundLuminance(page) {
  return page.evaluate(() => {
    const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  });
}

for (const width of [360, 1280]) {
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ viewport: { width, height: width < 600 ? 740 : 900 }, colorScheme: scheme });
    for (const path of paths) {
      const label = `${width}-${scheme}-${slug(path)}`;
      const { page, status } = await open(context, path);
      if (status !== 200 && !path.includes("no-such")) fail(`${label}: HTTP ${status}`);
      await checkLayout(page, path, width, label);
      const lum = await backgroundLuminance(page);
      if (scheme === "dark" && lum > 0.3) fail(`${label}: dark mode not applied (background luminance ${lum.toFixed(2)})`);
      if (scheme === "light" && lum < 0.7) fail(`${label}: light background expected (luminance ${lum.toFixed(2)})`);
      await runAxe(page, label);
      // Every image loads (lazy ones too, so the full-page screenshot
      // shows them as a reader who scrolls sees them).
      const broken = await page.evaluate(async () => {
        const images = [...document.images];
        images.forEach((img) => { img.loading = "eager"; });
        const settled = (img) => img.complete ? null : new Promise((done) => { img.onload = img.onerror = done; });
        await Promise.race([Promise.all(images.map(settled)), new Promise((done) => setTimeout(done, 5000))]);
        return images.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.currentSrc || img.src);
      });
      if (broken.length) fail(`${label}: images that do not load: ${broken.join(", ")}`);
      await page.screenshot({ path: join(artefacts, `${label}.png`), fullPage: true });
      await page.close();
    }
    await context.close();
  }
}

// Theme toggle: switches, persists across reloads, keyboard reachable.
{
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
  const { page } = await open(context, paths[0]);
  const toggle = page.locator(".theme-toggle");
  if (!(await toggle.isVisible())) fail("theme toggle not visible with JavaScript on");
  await toggle.focus();
  await page.keyboard.press("Enter");
  await page.reload({ waitUntil: "load" });
  const theme = await page.evaluate(() => document.documentElement.dataset.theme);
  if (theme !== "dark") fail(`theme toggle did not persist (data-theme=${theme})`);
  if ((await backgroundLuminance(page)) > 0.3) fail("theme toggle did not darken the page");
  await page.screenshot({ path: join(artefacts, "1280-toggled-dark.png") });
  await context.close();
}

// The on-page table of contents follows the reader.
{
  const tocPage = paths.find((p) => p.includes("markdown")) || paths[1];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page } = await open(context, tocPage);
  const target = await page.evaluate(() => {
    const hs = document.querySelectorAll(".prose h2[id]");
    const h = hs[Math.min(3, hs.length - 1)];
    h.scrollIntoView();
    return h && h.id;
  });
  await page.waitForFunction((id) => document.querySelector(".toc a.active")?.getAttribute("href") === `#${id}`, target, { timeout: 5000 })
    .catch(() => {});
  const active = await page.evaluate(() => document.querySelector(".toc a.active")?.getAttribute("href"));
  if (active !== `#${target}`) fail(`ToC highlights ${active}, expected #${target}`);
  const copy = await page.locator(".copy-button").count();
  if (copy === 0) fail("no copy buttons on code blocks");
  // With a mouse, a copy button shows only over its block (it would hide
  // the end of the first line) or when it has keyboard focus.
  const button = page.locator(".copy-button").first();
  const opacity = () => button.evaluate((b) => Number(getComputedStyle(b).opacity));
  await page.mouse.move(1, 1);
  await page.waitForTimeout(250);
  if ((await opacity()) !== 0) fail("a copy button shows over a block the mouse is not on");
  await page.locator(".code-block").first().hover();
  await page.waitForTimeout(250);
  if ((await opacity()) < 0.8) fail("a copy button does not show over its block");
  await page.mouse.move(1, 1);
  await button.focus();
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Tab");
  await page.waitForTimeout(250);
  if ((await opacity()) !== 1) fail("a focused copy button is not shown");
  await context.close();
  // On a phone the buttons always show, so none may cover code: each
  // block's code starts below its button, however long its first line.
  const touch = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
  const { page: phone } = await open(touch, tocPage);
  const covered = await phone.evaluate(() => [...document.querySelectorAll(".code-block")].flatMap((block) => {
    const button = block.querySelector(".copy-button");
    if (Number(getComputedStyle(button).opacity) < 0.5) return ["a copy button is hidden on a touch screen"];
    const b = button.getBoundingClientRect();
    const code = block.querySelector("pre code") || block.querySelector("pre");
    const first = [...code.getClientRects()].find((r) => r.width > 0);
    return first && first.top < b.bottom
      ? [`a copy button covers the first line of \`${code.textContent.split("\n")[0].slice(0, 40)}\``]
      : [];
  }));
  if (covered.length > 0) fail(`on a touch screen: ${covered[0]} (${covered.length} in all)`);
  await touch.close();
}

// Search: "/" focuses the box; a page is found by its title, by a heading
// and by a word of its text (with punctuation typed around it); the keyboard
// picks a result and opens it; axe finds nothing with the results open; on a
// phone the results fit the screen.
for (const width of [1280, 360]) {
  const context = await browser.newContext({ viewport: { width, height: width < 600 ? 740 : 900 } });
  const target = paths[1];
  const withHeadings = paths.find((p) => p.includes("markdown")) || target;
  const { page: probe } = await open(context, target);
  const title = (await probe.locator("main h1").first().textContent()).trim();
  await probe.goto(origin + withHeadings, { waitUntil: "load" });
  const heading = (await probe.locator(".prose h2").nth(1).textContent()).replace(/#$/, "").trim();
  // The longest word of the page's last paragraph that its title,
  // headings and description lack: found only in its text.
  const bodyWord = await probe.evaluate(() => {
    const paragraphs = document.querySelectorAll(".prose > p");
    const shown = [document.title, document.querySelector('meta[name="description"]')?.content || "",
      ...[...document.querySelectorAll("h1, h2, h3")].map((h) => h.textContent)].join(" ").toLowerCase();
    return paragraphs[paragraphs.length - 1].textContent.split(/\s+/)
      .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ""))
      .filter((w) => !shown.includes(w.toLowerCase()))
      .sort((a, b) => b.length - a.length)[0];
  });
  await probe.close();
  const { page } = await open(context, paths[0]);
  const label = `${width}-search`;
  if (!(await page.locator(".search-input").isVisible())) fail(`${label}: search box not visible with JavaScript on`);
  await page.keyboard.press("/");
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (focused !== "search-input") fail(`${label}: "/" did not focus the search box (${focused})`);
  // Focus alone fetches the index, so it loads while the reader types.
  const early = await page.waitForFunction(() => !!window.folioSearchIndex, null, { timeout: 5000 }).then(() => true, () => false);
  if (!early) fail(`${label}: focusing the search box did not load the index`);
  const shownHrefs = () => page.$$eval(".search-results a", (as) => as.map((a) => a.getAttribute("href")));
  const hrefs = async (query) => {
    await page.fill(".search-input", query);
    await page.waitForSelector(".search-results:not([hidden]) li", { timeout: 5000 }).catch(() => {});
    return shownHrefs();
  };
  const byTitle = await hrefs(title);
  if (byTitle[0] !== target) fail(`${label}: searching "${title}" gave ${JSON.stringify(byTitle)}, expected ${target} first`);
  const byHeading = await hrefs(heading);
  if (!byHeading.includes(withHeadings)) fail(`${label}: searching the heading "${heading}" gave ${JSON.stringify(byHeading)}`);
  const byWord = await hrefs(`(${bodyWord.toUpperCase()}),`);
  if (!byWord.includes(withHeadings)) fail(`${label}: searching the word "${bodyWord}" of ${withHeadings} gave ${JSON.stringify(byWord)}`);
  // A result found by its text alone says which word it mentions.
  const told = await page.$$eval(".search-results a", (as, url) => {
    const a = as.find((x) => x.getAttribute("href") === url);
    return a && a.querySelector(".result-text") ? a.querySelector(".result-text").textContent : "";
  }, withHeadings);
  const folded = bodyWord.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  const mentions = fill("search_mentions", { terms: fill("quoted", { text: folded }) });
  if (!told.startsWith(mentions)) fail(`${label}: the result for "${bodyWord}" says ${JSON.stringify(told)}`);
  // Typed a key at a time, a keystroke looks only among the pages the
  // query before it found, when it can: what the reader sees is still
  // what the query pasted whole finds, after a letter added, a word
  // added, and letters taken back (which finds more pages again).
  const typed = async (keys) => {
    await page.fill(".search-input", "");
    for (const k of keys) {
      if (k === "\b") await page.keyboard.press("Backspace");
      else await page.keyboard.type(k);
    }
    return shownHrefs();
  };
  const start = bodyWord.slice(0, 2);
  const fewer = await hrefs(bodyWord);
  const more = await hrefs(start);
  if (more.length <= fewer.length) fail(`${label}: "${start}" found no more pages than "${bodyWord}"; pick another word`);
  for (const [keys, query] of [
    [bodyWord, bodyWord],
    [bodyWord + "\b".repeat(bodyWord.length - 2), start],
    [`e ${start}`, `e ${start}`],
    [`e ${start}\b\bx\be`, "e e"],
  ]) {
    const got = await typed([...keys]);
    const want = await hrefs(query);
    if (JSON.stringify(got) !== JSON.stringify(want)) fail(`${label}: typing ${JSON.stringify(keys)} gave ${JSON.stringify(got)}, pasting "${query}" ${JSON.stringify(want)}`);
  }
  // A letter every page has: twelve results, pages whose title has it
  // first (a word of the title starting with it before one only holding
  // it), and shorter titles first within each.
  await hrefs("e");
  const ranked = await page.$$eval(".search-results a", (as) => as.map((a) => a.firstChild.textContent.toLowerCase()));
  const rank = (t) => (/(^|[^a-z0-9])e/.test(t) ? 0 : t.includes("e") ? 1 : 2);
  const inOrder = ranked.every((t, i) => i === 0 || rank(ranked[i - 1]) < rank(t) ||
    (rank(ranked[i - 1]) === rank(t) && (rank(t) === 2 || ranked[i - 1].length <= t.length)));
  if (ranked.length !== 12 || !inOrder) fail(`${label}: "e" gave ${JSON.stringify(ranked)}`);
  // Each part of a result (title, trail, excerpt) runs the way its own
  // text does: English pages' excerpts in a right-to-left site keep their
  // full stops at their end, and are cut at it.
  const turned = await page.$$eval(".search-results a > span", (spans) => spans.flatMap((s) => {
    const strong = s.textContent.match(/[A-Za-z\u00C0-\u024F\u0370-\u052F]|[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFC]/);
    const want = !strong ? null : /[A-Za-z\u00C0-\u052F]/.test(strong[0]) ? "ltr" : "rtl";
    const got = getComputedStyle(s).direction;
    return want && got !== want ? [`${got}: ${s.textContent.slice(0, 40)}`] : [];
  }));
  if (turned.length) fail(`${label}: result parts against their text's direction ${JSON.stringify(turned)}`);
  if ((await hrefs("zzqx nothing like this")).length) fail(`${label}: nonsense query found pages`);
  const none = await page.locator(".search-results .result-none").count();
  if (!none) fail(`${label}: no "no pages match" message`);
  await hrefs(title);
  const m = await page.evaluate(() => {
    const list = document.querySelector(".search-results").getBoundingClientRect();
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, left: list.left, right: list.right,
      status: document.querySelector("#search-status").textContent };
  });
  if (m.left < 0 || m.right > m.innerWidth || m.scrollWidth > m.innerWidth + 1) fail(`${label}: results overflow the screen ${JSON.stringify(m)}`);
  if (!counted("search_found").test(m.status)) fail(`${label}: results not announced ${JSON.stringify(m)}`);
  await runAxe(page, label);
  await page.screenshot({ path: join(artefacts, `${label}.png`) });
  await page.keyboard.press("ArrowDown");
  const selected = await page.evaluate(() => document.activeElement.closest(".search-results") && document.activeElement.getAttribute("href"));
  if (selected !== target) fail(`${label}: ArrowDown moved to ${selected}`);
  await Promise.all([page.waitForURL((u) => u.pathname === target, { timeout: 5000 }).catch(() => {}), page.keyboard.press("Enter")]);
  if (new URL(page.url()).pathname !== target) fail(`${label}: Enter opened ${page.url()}, expected ${target}`);
  await context.close();
}

// Search typed against search pasted, over a made-up index whose titles,
// headings and descriptions are short strings of a, b, c and d, and its
// text's words of a to f (e and f are found in text alone), so terms are
// often inside one another and many pages tie: 400 random keys (letters,
// spaces, Backspace, now and then a query pasted over) typed in one tab;
// after each, the other tab is given the same query whole, from an empty
// box, and must show the same results in the same order.
{
  let seed = 20261127;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return Math.floor(seed / 65536) % n; };
  const word = (letters = "abcd") => Array.from({ length: 1 + rnd(4) }, () => letters[rnd(letters.length)]).join("");
  const words = (n) => Array.from({ length: n }, () => word());
  const pages = Array.from({ length: 400 }, (_, i) =>
    [words(2).join(" "), `/made-up/${i}/`, "", words(3).join(" "), words(2).join("\n")]);
  const vocabulary = [...new Set(Array.from({ length: 400 }, () => word("abcdef")))];
  const postings = vocabulary.map(() => {
    const on = [...new Set(Array.from({ length: 1 + rnd(60) }, () => rnd(pages.length)))].sort((a, b) => a - b);
    return on.map((p, i) => (p - (i ? on[i - 1] : 0)).toString(36)).join(" ");
  });
  const index = `window.folioSearchIndex = ${JSON.stringify({ pages, words: vocabulary, postings })};`;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route("**/search-index.js", (route) => route.fulfill({ contentType: "text/javascript", body: index }));
  const { page: typing } = await open(context, paths[0]);
  const { page: pasting } = await open(context, paths[0]);
  const shown = (page) => page.$$eval(".search-results li", (li) => li.map((l) => l.textContent));
  for (const page of [typing, pasting]) {
    await page.focus(".search-input");
    // Both scripts: until search.js has run too, a query's results wait
    // for it, and the other tab would be read before they show.
    await page.waitForFunction(() => !!window.folioSearchIndex && !!window.folioSearch, null, { timeout: 5000 });
  }
  let differ = null;
  for (let k = 0; k < 400 && !differ; k++) {
    const key = "abcdef \b\b*"[rnd(10)];
    if (key === "\b") await typing.keyboard.press("Backspace");
    else if (key === "*") await typing.fill(".search-input", word("abcdef") + (rnd(2) ? " " + word("abcdef") : ""));
    else await typing.keyboard.type(key);
    const query = await typing.inputValue(".search-input");
    await pasting.fill(".search-input", "");
    await pasting.fill(".search-input", query);
    const [got, want] = [await shown(typing), await shown(pasting)];
    if (query.trim() && JSON.stringify(got) !== JSON.stringify(want)) differ = { query, got, want };
  }
  if (differ) fail(`search typed gave other results than pasted: ${JSON.stringify(differ)}`);
  await context.close();
}

// Under folio serve, folio:change may come while the index is loading:
// that load may be the old index, so it serves the query it was loaded
// for, and the next query loads the index again and searches the new one.
{
  const index = (title) => `window.folioSearchIndex = ${JSON.stringify({ pages: [[title, "/", "", "", ""]], words: [], postings: [] })};`;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  let requests = 0, release;
  const held = new Promise((r) => { release = r; });
  await context.route("**/search-index.js", async (route) => {
    requests += 1;
    if (requests === 1) await held;
    await route.fulfill({ contentType: "text/javascript", body: index(requests === 1 ? "Oldtitle" : "Newtitle") });
  });
  const { page } = await open(context, paths[0]);
  await page.focus(".search-input");
  await page.waitForFunction(() => document.querySelector('script[src*="search-index"]'), null, { timeout: 5000 });
  await page.evaluate(() => document.dispatchEvent(new Event("folio:change")));
  release();
  await page.waitForFunction(() => !!window.folioSearchIndex, null, { timeout: 5000 });
  await page.fill(".search-input", "newtitle");
  const found = await page.waitForSelector(".search-results a", { timeout: 5000 })
    .then((a) => a.textContent()).catch(() => "nothing");
  if (found !== "Newtitle" || requests !== 2) fail(`search after folio:change during a load: found ${found} after ${requests} index requests`);
  await context.close();
}

// A site's own base.html copied before search.js had its own file gives
// no data-script: search still finds pages, with the search.js beside
// folio.js.
{
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page } = await open(context, paths[0]);
  await page.evaluate(() => document.querySelector(".search").removeAttribute("data-script"));
  await page.focus(".search-input");
  await page.keyboard.type("markdown");
  await page.waitForSelector(".search-results:not([hidden]) li a", { timeout: 5000 }).catch(() => {});
  const found = await page.$$eval(".search-results a", (as) => as.length);
  if (!found) fail("search without data-script found nothing");
  await context.close();
}

// Without JavaScript: navigation and content still there.
{
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(origin + paths[1], { waitUntil: "load" });
  const ok = await page.evaluate(() => ({
    nav: document.querySelector(".sidebar").checkVisibility(),
    content: document.querySelector(".prose").innerText.length > 100,
    toggleHidden: document.querySelector(".theme-toggle").hidden,
    searchHidden: document.querySelector(".search").hidden,
  }));
  if (!ok.nav || !ok.content) fail(`page unusable without JavaScript: ${JSON.stringify(ok)}`);
  if (!ok.toggleHidden) fail("theme toggle shown without JavaScript (it would do nothing)");
  if (!ok.searchHidden) fail("search box shown without JavaScript (it would do nothing)");
  await page.screenshot({ path: join(artefacts, "1280-no-js.png") });
  await context.close();
}

// Print stylesheet: no navigation.
{
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(origin + paths[1], { waitUntil: "load" });
  await page.emulateMedia({ media: "print" });
  const navShown = await page.evaluate(() => document.querySelector(".sidebar").checkVisibility());
  if (navShown) fail("navigation is printed");
  await context.close();
}

await browser.close();
server.close();
for (const path of notFound) {
  if (!paths.includes(path)) fail(`${path}: requested, and not in the output (404)`);
}
report.failures = failures;
console.log(JSON.stringify(report, null, 1));
process.exit(failures.length ? 1 : 0);
