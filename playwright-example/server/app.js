// The example app: a live orders dashboard fed by one Server-Sent Events stream, served with
// node:http and nothing else so that what goes on the wire is plain to see.
//
// GET /api/orders/stream publishes a fixed log of events 1..total (`order_update` events, and an
// `alert` with two-line data every fifth id) and follows the rules a resumable stream must keep:
// `id` on every event, a `retry` hint, resume *after* the Last-Event-ID the browser sends, and a
// 204 once the browser has everything (which tells EventSource to stop reconnecting).
// Query parameters shape one connection, so every spec picks its scenario without a restart:
//   total=12      events in the log
//   drop=4        the server drops the connection after this many events (0: never)
//   retry=250     the `retry` hint in ms
//   pause=15      ms between events
//   heartbeat=0   ms between `: keep-alive` comments while the stream idles (0: none)
//   idle=0        ms the stream stays open after the log's last event, before the server ends it
//   delay=0       ms before the response head is sent (the browser stays CONNECTING meanwhile)
//   resume=after  `at` resends the Last-Event-ID's own event: the off-by-one replay bug
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';

const PUBLIC = new URL('../public/', import.meta.url);
const STATIC = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/dashboard.js': ['dashboard.js', 'text/javascript; charset=utf-8'],
};
const STATUSES = ['placed', 'packed', 'shipped', 'delivered'];

/** Waits `ms`, or less if the client goes away first (so no timer outlives its connection). */
function wait(response, ms) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      response.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    response.on('close', done);
  });
}

/** Event `id` of the orders log: what the server publishes, in order. */
export function orderEvent(id) {
  if (id % 5 === 0) {
    return { id: String(id), type: 'alert', data: `Warehouse ${id / 5} is running late\nExpect a delay of ${id} minutes` };
  }
  const order = `o-${100 + Math.ceil(id / 4)}`;
  return { id: String(id), type: 'order_update', data: JSON.stringify({ orderId: order, status: STATUSES[(id - 1) % 4] }) };
}

/** The whole log of `total` events: what the recording's `expect()` is given. */
export function ordersLog(total = 12) {
  return Array.from({ length: total }, (_, i) => orderEvent(i + 1));
}

function wireFormat({ id, type, data }) {
  return `id: ${id}\nevent: ${type}\n${data.split('\n').map((line) => `data: ${line}\n`).join('')}\n`;
}

function intParam(params, name, fallback) {
  const value = params.get(name);
  return value === null ? fallback : Number.parseInt(value, 10);
}

async function ordersStream(request, response, params) {
  const total = intParam(params, 'total', 12);
  const drop = intParam(params, 'drop', 0);
  const retry = intParam(params, 'retry', 250);
  const pause = intParam(params, 'pause', 15);
  const heartbeat = intParam(params, 'heartbeat', 0);
  const idle = intParam(params, 'idle', 0);
  const delay = intParam(params, 'delay', 0);
  const resumeAt = params.get('resume') === 'at';
  const lastEventId = Number.parseInt(request.headers['last-event-id'] ?? '0', 10) || 0;
  const first = resumeAt ? Math.max(lastEventId, 1) : lastEventId + 1;

  if (!resumeAt && first > total) {
    response.writeHead(204).end();
    return;
  }
  if (delay > 0) await wait(response, delay);
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  response.write(`retry: ${retry}\n\n`);
  let sent = 0;
  for (let id = first; id <= total && !response.destroyed; id += 1) {
    if (sent > 0) await wait(response, pause);
    await new Promise((resolve) => response.write(wireFormat(orderEvent(id)), resolve));
    sent += 1;
    if (drop > 0 && sent === drop && id < total) {
      // Mid-stream loss, as a proxy timeout or a deploy would cause it, between two events. Bytes
      // still in flight then can be lost (the browser may read them with the reset and drop
      // them); waiting a little makes that rare, and a correct resume sends them again.
      await wait(response, Math.max(pause, 50));
      response.destroy();
      return;
    }
  }
  const step = heartbeat > 0 ? heartbeat : idle;
  for (let waited = 0; waited < idle && !response.destroyed; ) {
    const span = Math.min(step, idle - waited);
    await wait(response, span);
    waited += span;
    if (heartbeat > 0 && waited < idle) response.write(': keep-alive\n\n');
  }
  response.end();
}

/**
 * Starts the example app on 127.0.0.1 (`port` 0: any free port). Resolves with its `origin`,
 * the `requests` it served (path and the Last-Event-ID header), and `close()`.
 */
export async function startExampleServer({ port = 0 } = {}) {
  const requests = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://localhost');
    requests.push({ path: url.pathname, query: url.search, lastEventId: request.headers['last-event-id'] });
    try {
      if (url.pathname === '/api/orders/stream') return await ordersStream(request, response, url.searchParams);
      if (url.pathname === '/api/ping') return response.writeHead(200, { 'content-type': 'text/plain' }).end('pong');
      if (url.pathname === '/api/broken') return response.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      if (url.pathname === '/api/not-a-stream') {
        return response.writeHead(200, { 'content-type': 'application/json' }).end('{"orders":[]}');
      }
      const asset = STATIC[url.pathname];
      if (asset === undefined) return response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      const body = await readFile(new URL(asset[0], PUBLIC));
      return response.writeHead(200, { 'content-type': asset[1] }).end(body);
    } catch (error) {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}
