// bench/search-latency's browser half: one corpus's rows (see the script).
import { chromium } from "../tests/browser/node_modules/playwright-core/index.mjs";

const [url, pages, bytes, queryList] = process.argv.slice(2);
const queries = queryList.split(",");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const page = await browser.newPage();
// LATENCY=ms: each request waits that long, as over a real network.
if (process.env.LATENCY) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions",
    { offline: false, latency: Number(process.env.LATENCY), downloadThroughput: -1, uploadThroughput: -1 });
}
await page.goto(url);
const first = await page.evaluate(async () => {
  const input = document.querySelector(".search-input");
  const list = document.querySelector(".search-results");
  const t0 = performance.now();
  input.focus();
  input.value = "d";
  input.dispatchEvent(new Event("input"));
  while (list.hidden) await new Promise((r) => setTimeout(r, 1));
  return performance.now() - t0;
});
// Each query five times, from an empty box each time: typed one character
// at a time (the time of its last keystroke), and pasted whole (one input
// event). Medians.
const each = await page.evaluate((qs) => {
  const input = document.querySelector(".search-input");
  function set(value) {
    input.value = value;
    const t0 = performance.now();
    input.dispatchEvent(new Event("input"));
    return performance.now() - t0;
  }
  const median = (times) => times.sort((a, b) => a - b)[2];
  return qs.map((q) => {
    const typed = [];
    const pasted = [];
    for (let k = 0; k < 5; k++) {
      set("");
      let last = 0;
      for (let i = 1; i <= q.length; i++) last = set(q.slice(0, i));
      typed.push(last);
      set("");
      pasted.push(set(q));
    }
    set("");
    return [median(typed), median(pasted)];
  });
}, queries);
await browser.close();
const ms = (t) => `${t.toFixed(1)} ms`;
console.log(`| pages | query | search-index.js | focus → first results | ${queries.map((q) => `"${q}"`).join(" | ")} |`);
console.log(`|---:|---|---:|---:|${queries.map(() => "---:|").join("")}`);
const size = `${(bytes / 1048576).toFixed(1)} MiB`;
console.log(`| ${pages} | typed | ${size} | ${ms(first)} | ${each.map((e) => ms(e[0])).join(" | ")} |`);
console.log(`| ${pages} | pasted | | | ${each.map((e) => ms(e[1])).join(" | ")} |`);
