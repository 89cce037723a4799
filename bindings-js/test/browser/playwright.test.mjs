// `ssert/playwright` in a real Chromium: a page's own EventSource (and a fetch stream) against
// real servers on 127.0.0.1, recorded from the browser's network stack and validated.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { parse, validate } from 'ssert';
import { matchers, observeEventSources, recordEventStreams } from 'ssert/playwright';
import { serverAndChromium } from '../shared/browser.js';
import { sseHandler } from '../shared/sse-server.js';
import { blankPage } from '../shared/static-server.js';

const good = sseHandler({ total: 12, perConnection: 5, retry: 100 });
const offByOne = sseHandler({ total: 12, perConnection: 5, retry: 100, offByOne: true });
const second = sseHandler({ total: 6, perConnection: 3, retry: 100 });
// Two clients on one URL are told apart by the Last-Event-ID of their reconnects: with clean ends
// (no reset that could lose a client's last event) both stay in step, as the test expects.
const shared = sseHandler({ total: 6, perConnection: 3, retry: 100, drop: 'end' });
// The events of a connection are written 2 ms apart; on a busy machine a connection's last two can
// reach the browser in one read, which the buffered-transport rule (meant for proxies) reports.
// The browser times a connection's end and the next request in different processes: a reconnect
// can appear a few ms before `retry` has passed (97 ms for 100 seen here), hence the slack.
const rules = { ids: { order: 'integer', consecutive: true }, disable: ['buffered-transport'], reconnect: { slack_ms: 10 } };
// Bytes a fetch stream gets in three delayed writes: a UTF-8 sequence and a CRLF are split.
const wire = Buffer.from('retry: 250\r\ndata: caf\u00e9\r\n\r\nevent: end\ndata: bye\n\n');
let page;
const setup = serverAndChromium({
  routes: {
    '/blank': blankPage,
    '/good': good.handle,
    '/off-by-one': offByOne.handle,
    '/second': second.handle,
    '/shared': shared.handle,
    // One event with a non-ASCII id; the reconnect (which sends it back) gets a 204.
    '/utf8-id': (request, response) => {
      if (request.headers['last-event-id'] !== undefined) return response.writeHead(204).end();
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
      return response.end('retry: 100\n\nid: caf\u00e9-\u20ac\nevent: tick\ndata: one\n\n');
    },
    // Events named like the EventSource's own `error` and `open`, then a 204 on the reconnect.
    '/named': (request, response) => {
      if (request.headers['last-event-id'] !== undefined) return response.writeHead(204).end();
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
      return response.end('retry: 50\n\nid: 1\nevent: error\ndata: quota\n\nid: 2\nevent: open\ndata: door\n\n');
    },
    // One event, then the connection stays open until the client goes.
    '/endless': (request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
      response.write('id: 1\ndata: hello\n\n');
    },
    '/wire': async (request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const piece of [wire.subarray(0, 20), wire.subarray(20, 21), wire.subarray(21)]) {
        response.write(piece);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      response.end();
    },
  },
  async open({ browser, server }) {
    page = await browser.newPage();
    await page.goto(`${server.origin}/blank`);
  },
});

/**
 * Opens an EventSource in the page and resolves with the ids it dispatched, once the browser gave
 * up (after a 204) or once the page closed it after `maxEvents` events.
 */
function eventSourceIds(path, maxEvents = Infinity) {
  return page.evaluate(
    ([url, max]) =>
      new Promise((resolve, reject) => {
        const ids = [];
        const source = new EventSource(url);
        source.addEventListener('tick', (event) => {
          ids.push(event.lastEventId);
          if (ids.length >= max) {
            source.close();
            resolve(ids);
          }
        });
        // A 204 makes the browser stop reconnecting: readyState CLOSED after the error.
        source.onerror = () => source.readyState === EventSource.CLOSED && resolve(ids);
        setTimeout(() => reject(new Error(`EventSource still open after 10 s, ids so far ${ids}`)), 10_000);
      }),
    [path, maxEvents === Infinity ? Number.MAX_SAFE_INTEGER : maxEvents],
  );
}

// The recorder's result once it has stopped: the recording of its one stream.
async function stopped(recorder) {
  await recorder.stop();
  return recorder.recording();
}

const header = (connection, name) => connection.request.headers.find(([key]) => key.toLowerCase() === name)?.[1];
const bodyOf = (connection) => Buffer.concat(connection.chunks.map((chunk) => Buffer.from(chunk.data, 'base64')));

it("records the page's EventSource across reconnects, as the browser sent and received it", async () => {
  const recorder = await recordEventStreams(page, { match: '/good' });
  const elsewhere = await recordEventStreams(page, { match: /\/never-requested$/ });
  const ids = await eventSourceIds('/good');
  const recording = await stopped(recorder);
  assert.deepEqual(ids, ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);

  // One connection per request the server saw, with the Last-Event-ID the browser really sent.
  assert.deepEqual(good.requests.map((request) => request.lastEventId), [undefined, '5', '10', '12']);
  assert.deepEqual(recording.connections.map((connection) => header(connection, 'last-event-id')), [undefined, '5', '10', '12']);
  assert.deepEqual(recording.connections.map((connection) => connection.response.status), [200, 200, 200, 204]);
  // The recorded bytes are the events the server wrote on each connection.
  assert.deepEqual(
    recording.connections.map((connection) => parse(bodyOf(connection)).events.map((event) => event.id)),
    [['1', '2', '3', '4', '5'], ['6', '7', '8', '9', '10'], ['11', '12'], []],
  );
  for (const connection of recording.connections) {
    assert.ok(connection.end !== undefined, 'every connection has ended');
    assert.ok(connection.chunks.every((chunk, i, all) => i === 0 || chunk.t >= all[i - 1].t), 'chunk times never go back');
  }
  assert.deepEqual(recorder.warnings, []);

  const report = validate(recording, rules);
  assert.deepEqual(report.findings.map((finding) => `${finding.code} ${finding.message}`), []);
  assert.equal(report.passed, true);

  assert.equal(elsewhere.connections, 0);
  assert.deepEqual((await stopped(elsewhere)).connections, []);
});

it("catches a server that resumes at the Last-Event-ID instead of after it, in the browser's own session", async () => {
  const recorder = await recordEventStreams(page, { match: '/off-by-one' });
  // This server never says 204 (it resumes at 12 for ever): the page stops after 12 events.
  const ids = await eventSourceIds('/off-by-one', 12);
  const recording = await stopped(recorder);
  // The browser dispatched events 5 and 9 twice: what the user of this page sees.
  assert.deepEqual(ids, ['1', '2', '3', '4', '5', '5', '6', '7', '8', '9', '9', '10']);
  assert.deepEqual(recording.connections.map((connection) => header(connection, 'last-event-id')), [undefined, '5', '9']);
  assert.equal(recording.connections.at(-1).end.kind, 'client_closed');
  const report = validate(recording, rules);
  assert.equal(report.passed, false);
  const names = new Set(report.findings.map((finding) => finding.name));
  assert.ok(names.has('resume-point'), JSON.stringify(report.findings.map((f) => [f.code, f.name])));
});

it('records a fetch stream byte for byte when asked for Fetch resources', async () => {
  const recorder = await recordEventStreams(page, { types: ['Fetch'], match: '/wire' });
  const text = await page.evaluate(async () => {
    const response = await fetch('/wire');
    return response.text();
  });
  const recording = await stopped(recorder);
  assert.equal(text, wire.toString('utf8'));
  assert.equal(recording.connections.length, 1);
  const [connection] = recording.connections;
  assert.deepEqual(bodyOf(connection), wire);
  assert.ok(connection.chunks.length >= 2, `the delayed writes arrive as separate chunks (got ${connection.chunks.length})`);
  assert.equal(connection.end.kind, 'eof');
  assert.equal(header(connection, 'accept'), '*/*');
});

// The README tells users to test reconnects against a real server because of this; if a
// Playwright or Chromium update changes it, this test fails and the README must change too.
it('a page.route() handler does not see the Last-Event-ID the browser sends on reconnect', async () => {
  const routed = await setup.browser.newPage();
  const seen = [];
  await routed.route('**/routed-events', async (route) => {
    seen.push((await route.request().allHeaders())['last-event-id']);
    if (seen.length >= 3) return route.fulfill({ status: 204 });
    return route.fulfill({ status: 200, contentType: 'text/event-stream', body: `retry: 20\n\nid: ${seen.length}\ndata: x\n\n` });
  });
  await routed.goto(`${setup.server.origin}/blank`);
  const ids = await routed.evaluate(
    () =>
      new Promise((resolve) => {
        const ids = [];
        const source = new EventSource('/routed-events');
        source.onmessage = (event) => ids.push(event.lastEventId);
        source.onerror = () => source.readyState === EventSource.CLOSED && resolve(ids);
      }),
  );
  await routed.close();
  assert.deepEqual(ids, ['1', '2']); // the page did commit ids 1 and 2...
  assert.deepEqual(seen, [undefined, undefined, undefined]); // ...but the route never saw them sent
});

it("observes what the page's own code sees of its EventSource: states, events, reconnects", async () => {
  const observed = await setup.browser.newPage();
  const observer = await observeEventSources(observed);
  await observed.goto(`${setup.server.origin}/blank`);
  const ids = await observed.evaluate(
    () =>
      new Promise((resolve) => {
        const ids = [];
        const source = new EventSource('/good');
        source.addEventListener('tick', (event) => ids.push(event.lastEventId));
        // After the 204 the browser gives up; the page then closes the source as well.
        source.onerror = () => {
          if (source.readyState !== EventSource.CLOSED) return;
          source.close();
          resolve(ids);
        };
      }),
  );
  const entries = await observer.entries();
  await observed.close();

  assert.equal(ids.length, 12);
  assert.ok(entries.every((entry) => entry.source === 0 && entry.url.endsWith('/good')));
  // Three streams of events (5, 5, 2), a reconnect after each, then the 204 and close().
  const ticks = (n) => Array(n).fill('message 1');
  assert.deepEqual(entries.map((entry) => `${entry.kind} ${entry.readyState}`), [
    'created 0',
    'open 1', ...ticks(5), 'error 0',
    'open 1', ...ticks(5), 'error 0',
    'open 1', ...ticks(2), 'error 0',
    'error 2',
    'close 2',
  ]);
  const messages = entries.filter((entry) => entry.kind === 'message');
  assert.deepEqual(messages.map((entry) => entry.lastEventId), ids);
  assert.deepEqual(messages[0], { ...messages[0], type: 'tick', data: '{"n":1}' });
  assert.ok(entries.every((entry, i) => i === 0 || entry.t >= entries[i - 1].t), 'times never go back');
  // The page waited the server's `retry` (100 ms) between an error and the next open.
  const opens = entries.filter((entry) => entry.kind === 'open');
  const errors = entries.filter((entry) => entry.kind === 'error');
  for (let i = 1; i < opens.length; i += 1) assert.ok(opens[i].t - errors[i - 1].t >= 90, `${opens[i].t - errors[i - 1].t} ms`);

  // Events the server named `error` and `open` are events, with their data, not state changes.
  const named = await setup.browser.newPage();
  const namedObserver = await observeEventSources(named);
  await named.goto(`${setup.server.origin}/blank`);
  await named.evaluate(
    () =>
      new Promise((resolve) => {
        const source = new EventSource('/named');
        source.onerror = () => source.readyState === EventSource.CLOSED && resolve();
      }),
  );
  const namedEntries = await namedObserver.entries();
  await named.close();
  assert.deepEqual(
    namedEntries.map(({ kind, type, data, lastEventId, readyState }) => [kind, type, data, lastEventId, readyState]),
    [
      ['created', undefined, undefined, undefined, 0],
      ['open', undefined, undefined, undefined, 1],
      ['message', 'error', 'quota', '1', 1],
      ['message', 'open', 'door', '2', 1],
      ['error', undefined, undefined, undefined, 0],
      ['error', undefined, undefined, undefined, 2],
    ],
  );

  // Installed in the current document too, and only once however often it is asked.
  const again = await observeEventSources(page);
  await observeEventSources(page);
  assert.deepEqual(await again.entries(), []);
  assert.equal(await page.evaluate(() => EventSource.CLOSED), 2);
});

it('records each EventSource of a page as its own stream, two on one URL included', async () => {
  // A global RegExp as the filter: its `lastIndex` must not make it skip connections.
  const recorder = await recordEventStreams(page, { match: /\/(good|second|shared)$/g });
  const ids = await page.evaluate(() => {
    const ids = {};
    const closed = ['/good', '/second', '/shared', '/shared'].map(
      (url, n) =>
        new Promise((resolve) => {
          const source = new EventSource(url);
          ids[`${n} ${url}`] = [];
          source.addEventListener('tick', (event) => ids[`${n} ${url}`].push(event.lastEventId));
          source.onerror = () => source.readyState === EventSource.CLOSED && resolve();
        }),
    );
    return Promise.all(closed).then(() => ids);
  });
  await recorder.stop();
  const upTo = (n) => Array.from({ length: n }, (_, i) => String(i + 1));
  assert.deepEqual(ids, { '0 /good': upTo(12), '1 /second': upTo(6), '2 /shared': upTo(6), '3 /shared': upTo(6) });

  const recordings = await recorder.recordings();
  assert.deepEqual(recordings.map((recording) => recording.connections.length).sort(), [3, 3, 3, 4]);
  assert.equal(recorder.connections, 13);
  for (const recording of recordings) {
    const url = recording.connections[0].request.url;
    assert.ok(recording.connections.every((connection) => connection.request.url === url));
    const report = validate(recording, rules);
    assert.deepEqual(report.findings.map((finding) => `${url} ${finding.code} ${finding.message}`), []);
  }
  assert.equal((await matchers.toBeValidEventStream(recorder, rules)).pass, true);
  await assert.rejects(recorder.recording(), (error) => error.name === 'UsageError' && error.code === 'SEVERAL_STREAMS' && /4 event streams/.test(error.message));
});

it('records a non-ASCII Last-Event-ID as the text the browser sent (its UTF-8 bytes)', async () => {
  const recorder = await recordEventStreams(page, { match: '/utf8-id' });
  const lastIds = await eventSourceIds('/utf8-id');
  const recording = await stopped(recorder);
  assert.deepEqual(lastIds, ['caf\u00e9-\u20ac']);
  assert.deepEqual(recording.connections.map((connection) => header(connection, 'last-event-id')), [undefined, 'caf\u00e9-\u20ac']);
  const report = validate(recording, { disable: ['buffered-transport'], reconnect: { slack_ms: 10 } });
  assert.deepEqual(report.findings.map((finding) => `${finding.code} ${finding.message}`), []);
});

it('ends the streams of a document the page navigated away from, and records the next document apart', async () => {
  const navigating = await setup.browser.newPage();
  await navigating.goto(`${setup.server.origin}/blank`);
  const recorder = await recordEventStreams(navigating, { match: '/endless' });
  const firstEvent = () =>
    navigating.evaluate(
      () =>
        new Promise((resolve) => {
          new EventSource('/endless').onmessage = (event) => resolve(event.data);
        }),
    );
  assert.equal(await firstEvent(), 'hello');
  // What the page has seen is taken in before it navigates: the DevTools notifications a document
  // still had queued can go with it (seen once in CI: the first connection came without its
  // response head). The navigation is what this test checks, so it does not race that.
  const [beforeNavigation] = await recorder.recordings();
  assert.equal(beforeNavigation.connections[0].response?.status, 200, JSON.stringify(beforeNavigation.connections));
  await navigating.goto(`${setup.server.origin}/blank?again`);
  assert.equal(await firstEvent(), 'hello');
  const recordings = await recorder.recordings();
  await recorder.stop();
  await navigating.close();
  assert.equal(recordings.length, 2);
  const [left, current] = recordings.map((recording) => recording.connections);
  assert.equal(left.length, 1);
  assert.deepEqual({ ...left[0].end, t: 0 }, { kind: 'client_closed', message: 'the page navigated away', t: 0 });
  assert.ok(left[0].end.t >= left[0].response.t, JSON.stringify(left[0]));
  assert.equal(current.length, 1);
  assert.equal(current[0].end, undefined);
});

it('rejects what is not a page of a Chromium browser with a UsageError', async () => {
  const notChromium = { context: () => ({ newCDPSession: async () => { throw new Error('CDP session is only available in Chromium'); } }) };
  await assert.rejects(recordEventStreams(notChromium), (error) => error.name === 'UsageError' && error.code === 'CDP_UNAVAILABLE');
  await assert.rejects(recordEventStreams(page, { types: [] }), TypeError);
  await assert.rejects(recordEventStreams(page, { match: 42 }), TypeError);
});
