/**
 * Web mode's static files (transport/web.ts): the built renderer from dist/renderer with a strict
 * CSP; `/` and extension-less paths get index.html (client-side routes), nothing outside the root.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Mantine sets style attributes and injects <style> at runtime
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const headers = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** index.html with `extra` (markup from this server, never from a request) at the end of its head. */
function indexWith(file: string, extra: string): Buffer {
  const html = readFileSync(file, 'utf8');
  const head = html.search(/<\/head>/i);
  // No </head>: right after the doctype (markup before it would switch the page to quirks mode).
  const at = head >= 0 ? head : (/^\s*<!doctype[^>]*>/i.exec(html)?.[0].length ?? 0);
  return Buffer.from(html.slice(0, at) + extra + html.slice(at));
}

/**
 * Serve `pathname` from `staticRoot` (an absolute, resolved path), or index.html for a route;
 * `indexHead` is added to index.html's head (the preload links of a signed-in page).
 */
export function serveStatic(staticRoot: string | undefined, pathname: string, res: ServerResponse, head: boolean, indexHead = ''): void {
  const index = staticRoot && join(staticRoot, 'index.html');
  if (!staticRoot || !index || !existsSync(index)) {
    res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
    return void res.end('The Lifeboat renderer is not built. Run `npm run build`, then reload.\n');
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    res.writeHead(400, headers);
    return void res.end();
  }
  let file = normalize(join(staticRoot, decoded));
  if (file !== staticRoot && !file.startsWith(staticRoot + sep)) {
    res.writeHead(403, headers);
    return void res.end();
  }
  if (decoded === '/' || !existsSync(file) || statSync(file).isDirectory()) {
    if (extname(decoded) && decoded !== '/') {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('Not found\n');
    }
    file = index; // client-side routes
  }
  const isIndex = file === index;
  const body = isIndex && indexHead ? indexWith(file, indexHead) : undefined;
  res.writeHead(200, {
    ...headers,
    'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': body ? body.length : statSync(file).size,
    'cache-control': isIndex ? 'no-store' : 'public, max-age=3600',
  });
  if (head) return void res.end();
  if (body) return void res.end(body);
  createReadStream(file).pipe(res);
}
