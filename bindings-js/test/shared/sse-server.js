// A real SSE server on 127.0.0.1 (random port) for the recorder and connect() tests. It
// publishes events 1..total, drops every connection after `perConnection` events (alternately
// by destroying the socket and by ending the response, or always one way with `drop`), resumes after the Last-Event-ID the
// client sends, and answers 204 once everything is delivered. `offByOne` makes it resume AT the
// last id instead of after it: the classic replay bug the validator must catch.
import { createServer } from 'node:http';

export function published(total) {
  return Array.from({ length: total }, (_, i) => ({ id: String(i + 1), type: 'tick', data: JSON.stringify({ n: i + 1 }) }));
}

/** The request handler of the server described above, with its `events` and seen `requests`. */
export function sseHandler({ total = 12, perConnection = 5, offByOne = false, retry = 100, gapMs = 2, drop = 'alternate' } = {}) {
  const events = published(total);
  const requests = [];
  let connections = 0;
  const handle = async (request, response) => {
    const lastEventId = request.headers['last-event-id'];
    requests.push({ lastEventId });
    const last = lastEventId === undefined ? 0 : Number(lastEventId);
    const from = offByOne && last > 0 ? last - 1 : last;
    if (from >= total) {
      response.writeHead(204).end();
      return;
    }
    connections += 1;
    const how = drop === 'alternate' ? (connections % 2 === 1 ? 'destroy' : 'end') : drop;
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    response.write(`retry: ${retry}\n\n`);
    for (const event of events.slice(from, from + perConnection)) {
      response.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${event.data}\n\n`);
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    if (how === 'destroy') {
      // A destroy resets the connection, and bytes the client has not read yet go with it: a
      // busy browser would reconnect from an earlier event than the test expects. The drop comes
      // once the client has had the time to read the last event.
      await new Promise((resolve) => setTimeout(resolve, 30));
      response.destroy();
    } else {
      response.end();
    }
  };
  return { handle, events, requests };
}

export async function startSseServer(options) {
  const { handle, events, requests } = sseHandler(options);
  const server = createServer(handle);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/events`,
    events,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(resolve);
    }),
  };
}

/**
 * A server of fixed scenarios, by path, for the edge cases of connect(); it keeps every request
 * (`{ path, lastEventId, lastEventIdHex }`: the header as Node decodes it, and its raw bytes) and
 * counts the responses still open (`open`; `closed()` resolves once none is).
 *
 * - `/type/<Content-Type, URI-encoded>`: 200 with that type and one event (`/type/` sends none).
 * - `/status/<code>`: that status with a JSON body.
 * - `/id/<id, URI-encoded>`: one event with that id; 204 once the request carries a Last-Event-ID.
 * - `/ids`: `id: 1`, then an event that clears the id, then 204 (what Last-Event-ID to send).
 * - `/noid`: an event without id, then 204.
 * - `/endless`: an event every 10 ms until the client goes away.
 */
export async function startScenarioServer() {
  const requests = [];
  let open = 0;
  const idle = [];
  const handle = (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    const lastEventId = request.headers['last-event-id'];
    requests.push({ path, lastEventId, lastEventIdHex: lastEventId === undefined ? undefined : Buffer.from(lastEventId, 'latin1').toString('hex') });
    open += 1;
    response.on('close', () => {
      open -= 1;
      if (open === 0) for (const resolve of idle.splice(0)) resolve();
    });
    const stream = (body, type = 'text/event-stream') => {
      response.writeHead(200, type === '' ? { 'cache-control': 'no-cache' } : { 'content-type': type, 'cache-control': 'no-cache' });
      response.end(body);
    };
    const [, route, arg] = path.match(/^\/([a-z]+)\/?(.*)$/s) ?? [];
    const n = requests.filter((r) => r.path === path).length - 1;
    if (route === 'type') return stream('id: 1\ndata: a\n\n', arg);
    if (route === 'status') return response.writeHead(Number(arg), { 'content-type': 'application/json' }).end('{"error":"nope"}');
    if (route === 'id') {
      if (lastEventId !== undefined) return response.writeHead(204).end();
      return stream(`retry: 10\nid: ${arg}\ndata: a\n\n`);
    }
    if (route === 'ids') {
      if (n === 0) return stream('retry: 10\nid: 1\ndata: a\n\n');
      if (n === 1) return stream('id\ndata: b\n\n');
      return response.writeHead(204).end();
    }
    if (route === 'noid') {
      if (n === 0) return stream('retry: 10\ndata: a\n\n');
      return response.writeHead(204).end();
    }
    if (route === 'endless') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      let i = 0;
      const timer = setInterval(() => {
        i += 1;
        response.write(`id: ${i}\ndata: ${i}\n\n`);
      }, 10);
      response.on('close', () => clearInterval(timer));
      return undefined;
    }
    return response.writeHead(404).end();
  };
  const server = createServer(handle);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: (path) => `${origin}${path}`,
    requests,
    get open() {
      return open;
    },
    closed: () => (open === 0 ? Promise.resolve() : new Promise((resolve) => idle.push(resolve))),
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(resolve);
    }),
  };
}
