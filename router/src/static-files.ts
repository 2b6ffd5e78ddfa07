import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * Serves the built web app: `/playground` is its own page, `/assets/*` are hashed files cached
 * for a year, and any other GET path falls back to `index.html` for client-side routing.
 */
export function webHandler(webDist: string) {
  const root = resolve(webDist);
  const built = existsSync(join(root, 'index.html'));
  return (req: IncomingMessage, res: ServerResponse, path: string): void => {
    if (!built) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`The web UI is not built (${root}/index.html is missing). Run \`npm run build\`.\n`);
      return;
    }
    let file: string;
    if (path === '/playground' || path === '/playground/') file = join(root, 'playground.html');
    else {
      const candidate = resolve(root, '.' + normalize(decodeURIComponent(path)));
      const inside = candidate === root || candidate.startsWith(root + sep);
      file = inside && existsSync(candidate) && statSync(candidate).isFile() ? candidate : join(root, 'index.html');
    }
    const headers: Record<string, string> = {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'cache-control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    };
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  };
}
