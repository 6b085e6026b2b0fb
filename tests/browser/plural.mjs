// The theme script's plural forms against folio's, run by tests/integration.rs.
//
//   node tests/browser/plural.mjs <folio.js> <cases.json>
//
// folio picks a word's form by count when it builds (strings::PluralRule),
// and folio.js picks one when search counts its results, with the
// browser's Intl.PluralRules: both must pick the same. Takes the script's
// `form` function out of folio.js and runs it for each case:
// {"lang": "ru", "forms": 3, "counts": [0, 1, ...], "want": [2, 0, ...]},
// `want` being the index of the form folio picks. Prints the cases that
// differ as JSON; exits 1 when any does.

import { readFile } from "node:fs/promises";

const [script, casesFile] = process.argv.slice(2);
const source = await readFile(script, "utf8");
const start = source.indexOf("var plural = null;");
const end = source.indexOf("function word(");
if (start < 0 || end < start) {
  console.error(`no form function in ${script}`);
  process.exit(2);
}
const cases = JSON.parse(await readFile(casesFile, "utf8"));
const differ = [];
for (const c of cases) {
  const form = new Function("root", `${source.slice(start, end)}; return form;`)({ lang: c.lang });
  const forms = Array.from({ length: c.forms }, (_, i) => i);
  const got = c.counts.map((n) => form(forms, n));
  c.counts.forEach((n, i) => {
    if (got[i] !== c.want[i]) differ.push({ lang: c.lang, forms: c.forms, count: n, script: got[i], folio: c.want[i] });
  });
}
console.log(JSON.stringify({ cases: cases.length, differ: differ.slice(0, 20) }, null, 1));
process.exit(differ.length ? 1 : 0);
