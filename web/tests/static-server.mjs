// A plain static file server that honours `Range` (as a CDN or object storage does), for the
// tests of the static site: no ifn process behind it. Logs every request for the assertions.
//
//   node tests/static-server.mjs DIR [PORT]   (prints "listening on http://127.0.0.1:PORT/")

import { createReadStream, promises as fs } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.woff': 'font/woff', '.pbf': 'application/x-protobuf',
  '.pmtiles': 'application/octet-stream', '.gz': 'application/gzip', '.qml': 'application/xml', '.sld': 'application/xml',
};

/** Starts the server on `port` (0: any); resolves `{ url, requests, close }`. */
export function serveStatic(dir, port = 0) {
  const root = resolve(dir);
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    const entry = { path, range: req.headers.range || null, bytes: 0 };
    requests.push(entry);
    if (!file.startsWith(root)) { res.writeHead(400).end(); return; }
    let stat;
    try { stat = await fs.stat(file); } catch { res.writeHead(404).end('not found'); return; }
    if (!stat.isFile()) { res.writeHead(404).end('not found'); return; }
    const headers = { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'accept-ranges': 'bytes', 'access-control-allow-origin': '*' };
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range || '');
    if (m) {
      const start = m[1] === '' ? Math.max(0, stat.size - Number(m[2])) : Number(m[1]);
      const end = m[1] === '' || m[2] === '' ? stat.size - 1 : Math.min(Number(m[2]), stat.size - 1);
      if (start > end || start >= stat.size) { res.writeHead(416, { 'content-range': `bytes */${stat.size}` }).end(); return; }
      entry.bytes = end - start + 1;
      res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${stat.size}`, 'content-length': end - start + 1 });
      createReadStream(file, { start, end }).pipe(res);
      return;
    }
    entry.bytes = stat.size;
    res.writeHead(200, { ...headers, 'content-length': stat.size });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => {
    ok({ url: `http://127.0.0.1:${server.address().port}/`, requests, close: () => new Promise((r) => server.close(r)) });
  }));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [dir, port] = process.argv.slice(2);
  if (!dir) { console.error('usage: node tests/static-server.mjs DIR [PORT]'); process.exit(2); }
  const s = await serveStatic(dir, Number(port || 0));
  console.log(`listening on ${s.url}`);
}
