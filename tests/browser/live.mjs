// Live-reload checks against a running `folio serve`, run by
// tests/integration.rs and by bench/serve-latency.
//
//   node tests/browser/live.mjs <base-url> <source-file> <page-path> [<rounds>] [<other-source>]
//
// Opens <page-path> in headless Chromium, scrolls down, edits <source-file>
// on disk and waits for the page to show the edit without a manual reload
// (measuring save → new content in the browser), checks the scroll position
// survived (also across a moment when the file is empty), then breaks the
// front matter and waits for the error overlay, fixes it and waits for the
// overlay to go. Given <other-source>, it breaks that page, edits this one
// and checks that the page updates with the other page's problems still on
// it. Then it links to a page not written yet and waits for the warning
// notice. Prints JSON; exits 1 on failure.

import { readFile, writeFile } from "node:fs/promises";
import { launch } from "./chromium.mjs";

const [base, source, pagePath, roundsArg, otherSource] = process.argv.slice(2);
const rounds = Number(roundsArg || 3);
const failures = [];
const report = {};
const fail = (what) => failures.push(what);

const browser = await launch();
const page = await (await browser.newContext({ viewport: { width: 1280, height: 700 } })).newPage();
// The first edit must not come before the page's event stream is open (a
// fixed pause was too short on a loaded machine): wait for its answer.
const streamOpen = page.waitForResponse((r) => r.url().endsWith("/__folio/events"), { timeout: 15000 });
await page.goto(base.replace(/\/$/, "") + pagePath, { waitUntil: "load" });
await page.waitForFunction(() => document.querySelector('script[src="/__folio/live.js"]'));
await streamOpen.catch(() => fail("the live-reload event stream did not open within 15 s"));
await page.waitForTimeout(50);

const original = await readFile(source, "utf8");
const latencies = [];
for (let i = 0; i < rounds; i++) {
  const marker = `live-edit-${Date.now()}-${i}`;
  await page.evaluate(() => window.scrollTo(0, 400));
  await page.waitForTimeout(50);
  const before = await page.evaluate(() => window.scrollY);
  const started = Date.now();
  await writeFile(source, `${original}\n\nThe marker ${marker} is here.\n`);
  try {
    await page.waitForFunction((m) => document.body && document.body.innerText.includes(m), marker, { timeout: 10000, polling: 5 });
    latencies.push(Date.now() - started);
  } catch {
    fail(`edit ${i}: the page did not update within 10 s`);
    break;
  }
  await page.waitForLoadState("load");
  await page.waitForTimeout(100);
  const after = await page.evaluate(() => window.scrollY);
  if (Math.abs(after - before) > 2) fail(`edit ${i}: scroll position lost (${before} → ${after})`);
}

// A file caught half-written (emptied, then written a moment later, as an
// editor saving in place may): the short page in between must not cost the
// reader their place.
{
  await page.evaluate(() => window.scrollTo(0, 400));
  await page.waitForTimeout(50);
  const before = await page.evaluate(() => window.scrollY);
  const marker = `live-rewrite-${Date.now()}`;
  await writeFile(source, "");
  try {
    await page.waitForFunction(() => !document.body.innerText.includes("live-edit-"), null, { timeout: 10000, polling: 5 });
  } catch {
    fail("the emptied page was not shown within 10 s");
  }
  await writeFile(source, `${original}\n\nThe marker ${marker} is here.\n`);
  try {
    await page.waitForFunction((m) => document.body && document.body.innerText.includes(m), marker, { timeout: 10000, polling: 5 });
    await page.waitForLoadState("load");
    await page.waitForTimeout(100);
    const after = await page.evaluate(() => window.scrollY);
    if (Math.abs(after - before) > 2) fail(`rewrite: scroll position lost (${before} → ${after})`);
  } catch {
    fail("rewrite: the page did not update within 10 s");
  }
}

// Break the build: the overlay appears, naming file and line; the page keeps its content.
// The page is made to run right to left first: folio's English messages
// must still read left to right, as on a Hebrew handbook.
await page.evaluate(() => { document.documentElement.dir = "rtl"; });
const broken = original.replace(/^---\n/, "---\ntitle: [unclosed\n");
await writeFile(source, broken);
try {
  await page.waitForSelector("#folio-error-overlay", { timeout: 10000 });
  const text = await page.locator("#folio-error-overlay").innerText();
  if (!/:\d+:\d+/.test(text)) fail(`overlay without file:line: ${text.slice(0, 200)}`);
  report.overlay = text.split("\n").slice(0, 3).join(" | ");
  const direction = await page.$eval("#folio-error-overlay", (o) => getComputedStyle(o).direction);
  if (direction !== "ltr") fail(`the overlay runs ${direction} on a right-to-left page`);
} catch {
  fail("no error overlay after breaking the front matter");
}
await page.evaluate(() => { document.documentElement.dir = "ltr"; });
await writeFile(source, original);
try {
  await page.waitForFunction(() => !document.querySelector("#folio-error-overlay"), null, { timeout: 10000 });
} catch {
  fail("overlay still shown after the fix");
}

// Another page broken: this page still updates in place, and the other
// page's problems stay on it (told again after the update) until fixed.
if (otherSource) {
  const otherOriginal = await readFile(otherSource, "utf8");
  const otherName = otherSource.split("/").pop();
  await writeFile(otherSource, otherOriginal.replace(/^---\n/, "---\ntitle: [unclosed\n"));
  try {
    await page.waitForSelector("#folio-error-overlay", { timeout: 10000 });
    const marker = `live-while-broken-${Date.now()}`;
    await writeFile(source, `${original}\n\nThe marker ${marker} is here.\n`);
    await page.waitForFunction((m) => document.body.innerText.includes(m), marker, { timeout: 10000, polling: 5 });
    await page.waitForFunction((name) => {
      const o = document.querySelector("#folio-error-overlay");
      return o && o.innerText.includes(name);
    }, otherName, { timeout: 10000 });
    await page.waitForTimeout(300);
    const text = await page.locator("#folio-error-overlay").innerText();
    if (!text.includes(otherName)) fail(`the overlay lost ${otherName}: ${text.slice(0, 200)}`);
    report.standing = text.split("\n").slice(0, 2).join(" | ");
  } catch (e) {
    fail(`another page's problems while this one updates (${e.message.split("\n")[0]})`);
  }
  await writeFile(otherSource, otherOriginal);
  try {
    await page.waitForFunction(() => !document.querySelector("#folio-error-overlay"), null, { timeout: 10000 });
  } catch {
    fail("overlay still shown after the other page was fixed");
  }
  await writeFile(source, original);
}

// Another page given a new word: this tab's page does not change, but its
// search, whose index it had loaded, finds the word without a reload.
if (otherSource) {
  const word = `zq${Date.now().toString(36)}`;
  const found = async () => {
    await page.fill(".search-input", "");
    await page.fill(".search-input", word);
    await page.waitForSelector(".search-results:not([hidden]) li", { timeout: 5000 }).catch(() => {});
    return page.$$eval(".search-results a", (as) => as.map((a) => a.getAttribute("href")));
  };
  if ((await found()).length) fail(`search found "${word}" before any page had it`);
  const otherOriginal = await readFile(otherSource, "utf8");
  await writeFile(otherSource, `${otherOriginal}\n\nA new word: ${word}.\n`);
  let hrefs = [];
  for (let t = 0; t < 50 && !hrefs.length; t++) {
    await page.waitForTimeout(200);
    hrefs = await found();
  }
  if (!hrefs.some((h) => h.includes("releasing-folio"))) fail(`search did not find "${word}", written into another page, within 10 s: ${JSON.stringify(hrefs)}`);
  await page.fill(".search-input", "");
  await writeFile(otherSource, otherOriginal);
}

// A link to a page not written yet: the page updates, and a notice in a
// corner names the link, until dismissed.
await writeFile(source, original + "\nSee [a page to come](not-written-yet.md).\n");
try {
  await page.waitForSelector("#folio-warning-notice", { timeout: 10000 });
  const text = await page.locator("#folio-warning-notice").innerText();
  if (!text.includes("not-written-yet.md")) fail(`notice without the link: ${text.slice(0, 200)}`);
  if (!(await page.locator("main").innerText()).includes("a page to come")) fail("the page did not update with its warning");
  report.notice = text.split("\n").slice(0, 2).join(" | ");
  await page.click("#folio-warning-notice button");
  if (await page.$("#folio-warning-notice")) fail("notice still shown after dismissing it");
} catch (e) {
  fail(`no warning notice for a link to a page not written yet (${e.message.split("\n")[0]})`);
}
// The same when the client cannot fetch the page and reloads the tab
// instead: the notice is shown after the reload.
await page.route("**/*", (route, request) =>
  request.resourceType() === "fetch" ? route.abort() : route.continue());
await writeFile(source, original + "\nSee [another](not-written-either.md).\n");
try {
  await page.waitForFunction(() => {
    const n = document.querySelector("#folio-warning-notice");
    return n && n.textContent.includes("not-written-either.md");
  }, null, { timeout: 10000 });
} catch (e) {
  fail(`no warning notice after a full reload (${e.message.split("\n")[0]})`);
}
await page.unroute("**/*");
await writeFile(source, original);

await browser.close();
latencies.sort((a, b) => a - b);
const median = latencies.length ? latencies[Math.floor(latencies.length / 2)] : null;
console.log(JSON.stringify({ latencies, median, ...report, failures }, null, 1));
process.exit(failures.length ? 1 : 0);

