// bench/search-latency's browser half: one corpus's row (see the script).
import { chromium } from "../tests/browser/node_modules/playwright-core/index.mjs";

const [url, pages, bytes] = process.argv.slice(2);
const queries = ["d", "dep", "deploy", "deploy ro", "rollback cache", "runbook owner team"];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const page = await browser.newPage();
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
const each = await page.evaluate((qs) => {
  const input = document.querySelector(".search-input");
  return qs.map((q) => {
    const times = [];
    for (let k = 0; k < 5; k++) {
      input.value = q;
      const t0 = performance.now();
      input.dispatchEvent(new Event("input"));
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return times[2];
  });
}, queries);
await browser.close();
const ms = (t) => `${t.toFixed(1)} ms`;
console.log(`| ${pages} | ${(bytes / 1048576).toFixed(1)} MiB | ${ms(first)} | ${each.map(ms).join(" | ")} |`);
