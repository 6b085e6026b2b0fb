// Headless Chromium as the browser tests run it: Debian's (or $CHROMIUM),
// with nothing of its own going to the network (updates, sync, QUIC), so a
// test sees only the requests its pages make.

import { chromium } from "playwright-core";

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}
