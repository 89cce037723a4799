// `mockEventStream` of `ssert/playwright`: serves a scripted event stream to a Playwright page,
// streamed for real, in place of the server the page would reach.
//
// `route.fulfill()` hands the browser a whole body at once, so it cannot show a page events one by
// one, split across reads, or a connection that breaks after a while. Instead the route handler
// continues the request to a loopback server that this module starts in the test process, and that
// server plays the script: events written in pieces, pauses, a clean end, a broken connection, a
// 204. The browser does the rest as it would with any server: parsing, reconnecting, and sending
// `Last-Event-ID`, which the script's functions get (a route handler never sees that header).

import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { EncodeError, UsageError } from './errors.js';
import { encode } from './node.js';
import { headerText } from './recording.js';

const ENDS = new Set(['close', 'drop', 'hold']);

function sleep(ms, cancelled) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    cancelled.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// A step as the server plays it: bytes to write, or `{ delay }`. `where` names it in errors, and
// `index` is its place in its list.
function prepareStep(step, where, index) {
  if (step === null || typeof step !== 'object') {
    throw new TypeError(`${where} must be an object, got ${String(step)}`);
  }
  for (const only of ['delay', 'raw']) {
    // `{ delay: 50, data: 'x' }` would otherwise drop the data without a word.
    if (only in step && Object.keys(step).length > 1) throw new TypeError(`${where}: a { ${only} } step has no other fields`);
  }
  if ('delay' in step) {
    if (!(Number.isFinite(step.delay) && step.delay >= 0)) throw new TypeError(`${where}: delay must be a number of ms >= 0`);
    return step;
  }
  if ('raw' in step) return typeof step.raw === 'string' ? Buffer.from(step.raw, 'utf8') : Buffer.from(step.raw);
  // Events and comments go through the safe encoder: an id or type that would break the stream
  // throws an EncodeError here, in the test, instead of confusing the page.
  try {
    return Buffer.from(encode([step]), 'utf8');
  } catch (error) {
    // A field of the wrong type (`retry: '100'`) is the script's mistake too: name the step
    // (instead of encode()'s item 0, the only one it was given).
    if (!(error instanceof EncodeError)) {
      const message = String(error?.message ?? error).replace(/^encode\(\): item 0: /, '');
      throw new TypeError(`${where}: ${message}`, { cause: error });
    }
    const what = error.message.replace(/ \([^)]*\)$/, '');
    throw new EncodeError(error.code, `${where}: ${what}`, error.offset, index);
  }
}

/** Node's request headers (one character per byte) as text. */
function requestHeaderText(headers) {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.map(headerText) : headerText(value)]),
  );
}

function checkConnection(connection, index) {
  const where = `ssert/playwright: mock connection ${index}`;
  if (connection === null || typeof connection !== 'object') throw new TypeError(`${where} must be an object`);
  const { status = 200, end = 'hold', chunkSize, chunkDelay = 0, steps = [] } = connection;
  if (!Number.isInteger(status) || status < 200 || status > 599) throw new TypeError(`${where}: status must be an HTTP status (200-599)`);
  if (!ENDS.has(end)) throw new TypeError(`${where}: end must be 'close', 'drop' or 'hold'`);
  if (chunkSize !== undefined && !(Number.isInteger(chunkSize) && chunkSize > 0)) throw new TypeError(`${where}: chunkSize must be a positive integer`);
  if (!(Number.isFinite(chunkDelay) && chunkDelay >= 0)) throw new TypeError(`${where}: chunkDelay must be a number of ms >= 0`);
  if (!Array.isArray(steps)) throw new TypeError(`${where}: steps must be an array`);
  return { ...connection, status, end, chunkSize, chunkDelay, steps };
}

/**
 * Routes the requests of `target` (a Playwright `Page` or `BrowserContext`) that match `url` to a
 * scripted event stream. `script` is an array (the n-th request gets the n-th connection, a value
 * or a function of the request; requests after the last get a 204, which stops an `EventSource`)
 * or one function of the request for every request. See playwright.d.ts for the step and
 * connection shapes.
 */
export async function mockEventStream(target, url, script) {
  if (typeof target?.route !== 'function' || typeof target?.unroute !== 'function') {
    throw new TypeError('ssert/playwright: mockEventStream needs a Playwright Page or BrowserContext');
  }
  if (!Array.isArray(script) && typeof script !== 'function') {
    throw new TypeError('ssert/playwright: the script must be an array of connections or a function of the request');
  }
  const mock = new EventStreamMock(target, url, script);
  await mock.start();
  return mock;
}

/** What `mockEventStream` returns: the mock in place, its requests and its open connections. */
export class EventStreamMock {
  #target;
  #url;
  #script;
  #server;
  #origin;
  #handler;
  #open = new Set();
  #waiters = [];
  #failures = [];

  /** Every request the mock has answered, in order: `{ index, method, url, lastEventId, headers, body, t }`. */
  requests = [];

  constructor(target, url, script) {
    this.#target = target;
    this.#url = url;
    this.#script = script;
    // Every request is answered once its head is read, while its script runs asynchronously.
    this.#server = createServer((request, response) => {
      this.#serve(request, response).catch((error) => this.#fail(error, response));
    });
    this.#handler = (route) => this.#route(route);
  }

  /** Starts the server and installs the route; `mockEventStream` calls it. */
  async start() {
    await new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', resolve);
    });
    this.#origin = `http://127.0.0.1:${this.#server.address().port}`;
    try {
      await this.#target.route(this.#url, this.#handler);
    } catch (error) {
      await new Promise((resolve) => this.#server.close(resolve));
      throw error;
    }
  }

  #route(route) {
    const original = route.request().url();
    if (!original.startsWith('http:')) {
      // Playwright only lets a request continue to a URL of the same scheme, and the mock
      // server speaks plain HTTP.
      this.#fail(new UsageError('MOCK_NEEDS_HTTP', `ssert/playwright: mockEventStream serves http: URLs only, not ${original}`));
      return route.abort('failed');
    }
    return route.continue({ url: `${this.#origin}/?url=${encodeURIComponent(original)}` });
  }

  #fail(error, response) {
    this.#failures.push(error);
    if (response && !response.headersSent) {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`ssert mock: ${error?.message ?? error}`);
    } else {
      response?.destroy();
    }
  }

  #connectionFor(request) {
    if (typeof this.#script === 'function') return this.#script(request);
    const entry = this.#script[request.index];
    if (entry === undefined) return { status: 204 };
    return typeof entry === 'function' ? entry(request) : entry;
  }

  async #serve(incoming, response) {
    const headers = requestHeaderText(incoming.headers);
    const lastEventId = headers['last-event-id'];
    const t = Date.now();
    // A streaming fetch() client may POST (a chat prompt, say): the script gets the body.
    const body = [];
    for await (const piece of incoming) body.push(piece);
    const request = {
      index: this.requests.length,
      method: incoming.method,
      url: new URL(incoming.url, this.#origin).searchParams.get('url'),
      lastEventId: typeof lastEventId === 'string' ? lastEventId : null,
      headers,
      body: Buffer.concat(body).toString('utf8'),
      t,
    };
    this.requests.push(request);
    this.#waiters = this.#waiters.filter((waiter) => !waiter(this.requests.length));

    const connection = checkConnection(await this.#connectionFor(request), request.index);
    // Prepared before anything is sent, so a bad step fails the request as a whole.
    const steps = connection.steps.map((step, at) => prepareStep(step, `ssert/playwright: mock connection ${request.index}, step ${at}`, at));
    const origin = headers.origin;
    const responseHeaders = {
      // What a well-behaved SSE endpoint sends (ssert's validator checks for each).
      ...(connection.status === 204 ? {} : { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' }),
      // The browser checks CORS against the page's original request, which may be cross-origin.
      ...(origin ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' } : {}),
      // Header names are case-insensitive: `Content-Type` replaces the default, not joins it.
      ...Object.fromEntries(Object.entries(connection.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
    };
    response.socket.setNoDelay(true);
    response.writeHead(connection.status, responseHeaders);
    if (connection.status === 204) {
      response.end();
      return;
    }
    response.flushHeaders();

    let markClosed;
    const live = {
      response,
      connection,
      isClosed: false,
      closed: new Promise((resolve) => (markClosed = resolve)),
      // The connection's writes in order: the script, then what `send()` and `end()` add.
      queue: Promise.resolve(),
    };
    response.once('close', () => {
      live.isClosed = true;
      this.#open.delete(live);
      markClosed();
    });
    this.#open.add(live);
    await this.#enqueue(live, () => this.#play(live, steps));
    if (connection.end !== 'hold') await this.#enqueue(live, () => this.#finish(live, connection.end));
  }

  #enqueue(live, work) {
    live.queue = live.queue.then(() => (live.isClosed ? undefined : work()));
    return live.queue;
  }

  async #play(live, steps) {
    for (const step of steps) {
      if (live.isClosed) return;
      if (Buffer.isBuffer(step)) await this.#write(live, step);
      else await sleep(step.delay, live.closed);
    }
  }

  async #write(live, bytes) {
    const { chunkSize, chunkDelay } = live.connection;
    const size = chunkSize ?? bytes.length;
    for (let at = 0; at < bytes.length; at += size) {
      if (at > 0 && chunkDelay > 0) await sleep(chunkDelay, live.closed);
      if (live.isClosed) return;
      live.response.write(bytes.subarray(at, at + size));
    }
  }

  #finish(live, how) {
    this.#open.delete(live);
    if (how === 'close') {
      live.response.end();
    } else {
      // The socket ends without the body's last chunk: the browser sees a connection that broke
      // mid-stream (an incomplete chunked body), after every byte written so far has arrived.
      live.response.socket?.end();
    }
  }

  /**
   * Writes steps to every connection still open (the `'hold'` ones), after what each is already
   * writing. Resolves with how many connections it wrote to, once written.
   */
  async send(...steps) {
    const prepared = steps.map((step, at) => prepareStep(step, `ssert/playwright: send() step ${at}`, at));
    const open = [...this.#open];
    await Promise.all(open.map((live) => this.#enqueue(live, () => this.#play(live, prepared))));
    return open.length;
  }

  /**
   * Ends every open connection, after what each is already writing: `'close'` (a clean end, the
   * default) or `'drop'` (broken mid-stream). Resolves with how many.
   */
  async end(how = 'close') {
    if (how !== 'close' && how !== 'drop') throw new TypeError("ssert/playwright: end() takes 'close' or 'drop'");
    const open = [...this.#open];
    await Promise.all(open.map((live) => this.#enqueue(live, () => this.#finish(live, how))));
    return open.length;
  }

  /** Resolves with `requests` once there are at least `count`; rejects after `timeout` ms (default 5000). */
  waitForRequests(count, { timeout = 5000 } = {}) {
    if (this.requests.length >= count) return Promise.resolve(this.requests);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter !== check);
        reject(new UsageError('MOCK_TIMEOUT', `ssert/playwright: ${this.requests.length} of ${count} requests after ${timeout} ms`));
      }, timeout);
      const check = (seen) => {
        if (seen < count) return false;
        clearTimeout(timer);
        resolve(this.requests);
        return true;
      };
      this.#waiters.push(check);
    });
  }

  /**
   * Removes the route, breaks the open connections and stops the server. Rejects with the first
   * failure of the mock (a script that threw, a bad step, an https: request), if there was one.
   */
  async dispose() {
    try {
      await this.#target.unroute(this.#url, this.#handler);
    } catch {
      // The page or context is already closed, and its routes with it.
    }
    // Open streams included: their 'close' handlers take them out of `#open`.
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
    if (this.#failures.length > 0) throw this.#failures[0];
  }
}
