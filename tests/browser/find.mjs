// Searches a built site in headless Chromium, run by tests/integration.rs.
//
//   node tests/browser/find.mjs <public-dir> <page> <query> [<query> ...]
//
// Opens <page>, types each query into the search box as a reader would
// (a key at a time, from an empty box) and prints the results' paths of
// each as JSON: {"<query>": ["/a/", ...]}.

import { launch } from "./chromium.mjs";
import { serve } from "./serve.mjs";

const [publicDir, path, ...queries] = process.argv.slice(2);
if (!publicDir || !path || queries.length === 0) {
  console.error("usage: find.mjs <public-dir> <page> <query> [<query> ...]");
  process.exit(2);
}
const { server, origin } = await serve(publicDir);
const browser = await launch();
const page = await browser.newPage();
await page.goto(origin + path, { waitUntil: "load" });
await page.focus(".search-input");
await page.waitForFunction(() => !!window.folioSearchIndex && !!window.folioSearch, null, { timeout: 5000 });
const found = {};
for (const query of queries) {
  await page.fill(".search-input", "");
  await page.type(".search-input", query);
  await page.waitForSelector(".search-results:not([hidden]) li", { timeout: 5000 }).catch(() => {});
  found[query] = await page.$$eval(".search-results a", (as) => as.map((a) => new URL(a.href).pathname));
}
console.log(JSON.stringify(found));
await browser.close();
server.close();
