// A tiny static file server on 127.0.0.1 (random port) for the browser tests: serves the
// installed package, the shared vectors and the test page, with the right MIME types
// (`application/wasm` matters: streaming compilation refuses anything else).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** A route handler for an empty HTML page: an origin for a test page to run its code in. */
export const blankPage = (request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>blank</title>');

/**
 * Starts the server. `mounts` maps URL prefixes to directory URLs; `routes` maps exact paths to
 * handlers `(request, response) => void` for dynamic responses.
 */
export async function startStaticServer(mounts, routes = {}) {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url, 'http://127.0.0.1').pathname;
    if (routes[path]) return routes[path](request, response);
    const prefix = Object.keys(mounts).find((p) => path.startsWith(p));
    if (prefix === undefined || path.includes('..')) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(new URL(path.slice(prefix.length), mounts[prefix]));
      response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}
