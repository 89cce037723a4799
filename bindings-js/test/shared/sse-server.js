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
    if (how === 'destroy') response.destroy();
    else response.end();
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
