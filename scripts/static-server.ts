// A plain static server for the built site under a sub-path: no COOP/COEP headers (like GitHub
// Pages), Range requests honoured as static hosts do. Used by the end-to-end tests and the benchmark;
// with options it also plays a public bucket on a second origin (CORS, or no Range support).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';

export const SUB_PATH = '/clientele/';
// CLIENTELE_DIST lets several builds be tested side by side (one folder each).
const DIST = process.env.CLIENTELE_DIST ?? resolve(import.meta.dirname, '../dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv',
  '.parquet': 'application/octet-stream',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface StaticServer {
  origin: string;
  url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Honour `Range: bytes=a-b` (and `bytes=-n`) with 206 responses; off, the whole file is sent with 200. Default on. */
  ranges?: boolean;
  /** Send the CORS headers a public bucket sends: any origin, the Range header allowed, Content-Range readable. */
  cors?: boolean;
  /** Called with every request received, before it is answered. */
  onRequest?: (request: { method: string; path: string; range: string | undefined }) => void;
  /** Answers every request this many milliseconds late, like a distant server. */
  delayMs?: number;
}

/** Serves dist/ under SUB_PATH; honours Range requests as static hosts do. */
export async function serveDist(root = DIST): Promise<StaticServer> {
  if (!existsSync(join(root, 'index.html'))) throw new Error(`No build in ${root}: run \`npm run build\` first.`);
  return serveFolder(root, SUB_PATH, {});
}

/** Serves the files in `root` under `subPath` on 127.0.0.1 at a free port; `index.html` for the folder itself. */
export async function serveFolder(root: string, subPath: string, options: ServeOptions): Promise<StaticServer> {
  root = resolve(root);
  const cors = options.cors
    ? { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'range', 'access-control-expose-headers': 'content-range, content-length, accept-ranges' }
    : {};
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    options.onRequest?.({ method: request.method ?? 'GET', path: url.pathname, range: request.headers.range });
    if (options.delayMs) setTimeout(() => answer(request, response, url), options.delayMs);
    else answer(request, response, url);
  });
  function answer(request: IncomingMessage, response: ServerResponse, url: URL) {
    if (request.method === 'OPTIONS') {
      response.writeHead(options.cors ? 204 : 405, { ...cors, 'access-control-allow-methods': 'GET, HEAD' }).end();
      return;
    }
    if (!url.pathname.startsWith(subPath)) {
      response.writeHead(404, cors).end();
      return;
    }
    const relative = decodeURIComponent(url.pathname.slice(subPath.length)) || 'index.html';
    const path = normalize(join(root, relative));
    if (!path.startsWith(root) || !existsSync(path) || statSync(path).isDirectory()) {
      response.writeHead(404, cors).end();
      return;
    }
    const size = statSync(path).size;
    const headers = { ...cors, 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', ...(options.ranges === false ? {} : { 'accept-ranges': 'bytes' }) };
    const range = options.ranges === false ? null : /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
    if (range && (range[1] || range[2])) {
      const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
      const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start > end) {
        response.writeHead(416, { ...headers, 'content-range': `bytes */${size}` }).end();
        return;
      }
      response.writeHead(206, { ...headers, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}` });
      if (request.method === 'HEAD') response.end();
      else createReadStream(path, { start, end }).pipe(response);
      return;
    }
    response.writeHead(200, { ...headers, 'content-length': size });
    if (request.method === 'HEAD') response.end();
    else createReadStream(path).pipe(response);
  }
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, url: origin + subPath, close: () => new Promise((done) => server.close(() => done())) };
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The flags this workplace's Chromium needs: no sandbox as root, and no background requests to Google. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
