// A minimal static server over a built site, for the browser checks:
// folders serve index.html, unknown paths the 404 page. It listens on
// 127.0.0.1, port 0, and keeps every path it could not find in
// `notFound`: the pages' assets and what browsers ask for by themselves
// (a favicon) must exist.

import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".png": "image/png",
  ".jpg": "image/jpeg", ".svg": "image/svg+xml", ".webp": "image/webp", ".txt": "text/plain" };

export async function serve(publicDir) {
  const notFound = new Set();
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = normalize(join(publicDir, path));
    if (!file.startsWith(normalize(publicDir) + sep) && file !== normalize(publicDir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" }).end(body);
    } catch {
      notFound.add(path);
      const body = await readFile(join(publicDir, "404.html")).catch(() => "not found");
      res.writeHead(404, { "content-type": TYPES[".html"] }).end(body);
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, notFound, origin: `http://127.0.0.1:${server.address().port}` };
}
