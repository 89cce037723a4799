// `mockEventStream` of `ssert/playwright` in a real Chromium: a page's own EventSource reads a
// scripted stream (pieces, pauses, clean and broken ends, 204) and reconnects with Last-Event-ID.
import { afterEach, it } from 'node:test';
import assert from 'node:assert/strict';
import { EncodeError, UsageError, parse, validate } from 'ssert';
import { mockEventStream, observeEventSources, recordEventStreams } from 'ssert/playwright';
import { serverAndChromium } from '../shared/browser.js';
import { blankPage } from '../shared/static-server.js';

const setup = serverAndChromium({ routes: { '/blank': blankPage } });
let page;

afterEach(async () => {
  await page?.close();
});

async function freshPage() {
  page = await setup.browser.newPage();
  await page.goto(`${setup.server.origin}/blank`);
  return page;
}

/** Opens an EventSource on `path` in the page; resolves once the browser has given up (CLOSED). */
function readUntilClosed(path) {
  return page.evaluate(
    (url) =>
      new Promise((resolve, reject) => {
        const source = new EventSource(url);
        source.addEventListener('error', () => {
          if (source.readyState === EventSource.CLOSED) resolve();
        });
        setTimeout(() => reject(new Error('EventSource still open after 10 s')), 10_000);
      }),
    path,
  );
}

const messages = (entries) => entries.filter((entry) => entry.kind === 'message');

it('streams a script in pieces and with pauses, and each reconnect sends the Last-Event-ID', async () => {
  await freshPage();
  const observer = await observeEventSources(page);
  const recording = await recordEventStreams(page, { match: '/api/' });
  const mock = await mockEventStream(page, '**/api/feed', [
    {
      // 3-byte writes 10 ms apart (a busy machine merges writes closer than that into one read):
      // the UTF-8 of "é" and the blank line that ends an event are split.
      steps: [{ retry: 100 }, { id: '1', data: 'caf\u00e9' }, { delay: 300 }, { id: '2', event: 'message', data: 'two\nlines' }],
      chunkSize: 3,
      chunkDelay: 10,
      end: 'close',
    },
    (request) => ({ steps: [{ id: '3', data: `resumed after ${request.lastEventId}` }], end: 'drop' }),
  ]);

  await readUntilClosed('/api/feed');
  await mock.dispose();

  const seen = messages(await observer.entries());
  assert.deepEqual(
    seen.map(({ lastEventId, data }) => [lastEventId, data]),
    [['1', 'caf\u00e9'], ['2', 'two\nlines'], ['3', 'resumed after 2']],
  );
  // The pause is the server's: the page saw the second event well after the first.
  assert.ok(seen[1].t - seen[0].t >= 200, `events ${seen[1].t - seen[0].t} ms apart`);
  assert.deepEqual(mock.requests.map((request) => request.lastEventId), [null, '2', '3']);
  assert.ok(mock.requests.every((request) => request.url === `${setup.server.origin}/api/feed`));

  // The browser's own network view: the first connection's bytes came in many reads, and the
  // whole session (retry honoured, resumes after the last id, 204 at the end) validates clean.
  await recording.stop();
  const document = await recording.recording();
  assert.equal(document.connections.length, 3);
  assert.ok(document.connections[0].chunks.length >= 10, `${document.connections[0].chunks.length} reads`);
  const report = validate(document, { ids: { order: 'integer', consecutive: true }, reconnect: { slack_ms: 10 }, disable: ['buffered-transport'] });
  assert.deepEqual(report.findings, []);
});

it('send() writes to an open connection, and end("drop") makes the browser reconnect', async () => {
  await freshPage();
  const observer = await observeEventSources(page);
  const mock = await mockEventStream(page, '**/api/live', [{ steps: [{ retry: 100 }] }, { status: 204 }]);
  const closed = readUntilClosed('/api/live');
  await mock.waitForRequests(1);
  await expectEventually(async () => (await observer.entries()).some((entry) => entry.kind === 'open'));

  assert.equal(await mock.send({ id: '7', event: 'message', data: 'pushed' }, { comment: 'keep-alive' }), 1);
  await expectEventually(async () => messages(await observer.entries()).length === 1);
  assert.equal(await mock.end('drop'), 1);
  await closed;
  await mock.dispose();

  assert.deepEqual(messages(await observer.entries()).map(({ data }) => data), ['pushed']);
  assert.deepEqual(mock.requests.map((request) => request.lastEventId), [null, '7']);
});

it('streams to a fetch() client that POSTs, token by token, and the script reads the body', async () => {
  await freshPage();
  // A chat completion endpoint: the reply depends on the prompt the page sends.
  const mock = await mockEventStream(page, '**/api/chat', (request) => {
    const { prompt } = JSON.parse(request.body);
    const tokens = ['You', ' said', `: ${prompt}`];
    return {
      steps: [...tokens.flatMap((token) => [{ event: 'token', data: JSON.stringify({ token }) }, { delay: 40 }]), { event: 'done', data: '[DONE]' }],
      end: 'close',
    };
  });
  const reads = await page.evaluate(async () => {
    const response = await fetch('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'h\u00e9llo' }) });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const texts = [];
    for (let read = await reader.read(); !read.done; read = await reader.read()) texts.push(read.value);
    return texts;
  });
  await mock.dispose();

  assert.equal(mock.requests[0].method, 'POST');
  assert.deepEqual(JSON.parse(mock.requests[0].body), { prompt: 'h\u00e9llo' });
  const { events, errors } = parse(reads.join(''));
  assert.deepEqual(errors, []);
  assert.deepEqual(events.map(({ type, data }) => [type, data]), [
    ['token', '{"token":"You"}'],
    ['token', '{"token":" said"}'],
    ['token', '{"token":": h\u00e9llo"}'],
    ['done', '[DONE]'],
  ]);
  // The pauses are real: the page read the tokens apart.
  assert.ok(reads.length >= 3, `${reads.length} reads`);
});

it('serves a cross-origin stream, credentials included, with the CORS headers it needs', async () => {
  await freshPage();
  const mock = await mockEventStream(page, 'http://api.invalid/**', (request) => ({
    steps: [{ id: String(request.index), data: `${request.method} ${request.body}` }],
    end: 'close',
  }));
  const received = await page.evaluate(async () => {
    const fromEventSource = await new Promise((resolve) => {
      const source = new EventSource('http://api.invalid/events', { withCredentials: true });
      source.onmessage = (event) => {
        source.close();
        resolve(event.data);
      };
      source.onerror = () => {
        source.close();
        resolve('error');
      };
    });
    const response = await fetch('http://api.invalid/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"q":1}' });
    return [fromEventSource, await response.text()];
  });
  await mock.dispose();

  assert.deepEqual(received, ['GET ', 'id: 1\ndata: POST {"q":1}\n\n']);
  assert.deepEqual(mock.requests.map(({ headers }) => headers.origin), [setup.server.origin, setup.server.origin]);
});

it('a step that cannot be encoded fails the request, and dispose() reports it', async () => {
  await freshPage();
  const mock = await mockEventStream(page, '**/api/bad', () => ({ steps: [{ data: 'ok' }, { id: 'line\nbreak', data: 'x' }] }));
  const status = await page.evaluate(async () => (await fetch('/api/bad')).status);
  assert.equal(status, 500);
  await assert.rejects(mock.dispose(), (error) => {
    assert.ok(error instanceof EncodeError);
    assert.equal(error.code, 'ID_HAS_NEWLINE');
    assert.match(error.message, /^ssert\/playwright: mock connection 0, step 1: .* \(ID_HAS_NEWLINE at byte 4 of item 1\)$/);
    assert.equal(error.index, 1);
    return true;
  });
});

it('refuses to mock an https: URL, loudly', async () => {
  await freshPage();
  const mock = await mockEventStream(page, 'https://stream.invalid/**', [{ steps: [{ data: 'never' }] }]);
  const failed = await page.evaluate(() => fetch('https://stream.invalid/events').then(() => false, () => true));
  assert.equal(failed, true);
  await assert.rejects(mock.dispose(), (error) => error instanceof UsageError && error.code === 'MOCK_NEEDS_HTTP');
});

it('checks its arguments', async () => {
  await freshPage();
  await assert.rejects(mockEventStream({}, '**', []), TypeError);
  await assert.rejects(mockEventStream(page, '**', 'data: x\n\n'), TypeError);
  const mock = await mockEventStream(page, '**/api/odd', [{ end: 'later' }, { steps: [{ delay: 10, data: 'lost' }] }]);
  assert.equal(await page.evaluate(async () => (await fetch('/api/odd')).status), 500);
  assert.equal(await page.evaluate(async () => (await fetch('/api/odd')).status), 500);
  await assert.rejects(mock.dispose(), /end must be 'close', 'drop' or 'hold'/);
  // dispose() reports the first failure; the second request failed on its own.
  const held = await mockEventStream(page, '**/api/held', [{}]);
  await page.evaluate(() => void new EventSource('/api/held'));
  await held.waitForRequests(1);
  await assert.rejects(held.send({ delay: 10, data: 'lost' }), /a \{ delay \} step has no other fields/);
  // A field of the wrong type names its step too.
  await assert.rejects(held.send({ data: 'x' }, { retry: '100' }), (error) =>
    error instanceof TypeError && /^ssert\/playwright: send\(\) step 1: retry must be .*, got string "100"$/.test(error.message),
  );
  await held.dispose();
});

it('a capitalised header replaces its default, and a non-ASCII Last-Event-ID reaches the script as text', async () => {
  await freshPage();
  const observer = await observeEventSources(page);
  const recording = await recordEventStreams(page, { match: '/api/' });
  const mock = await mockEventStream(page, '**/api/prices', [
    { headers: { 'Content-Type': 'text/event-stream; charset=utf-8' }, steps: [{ retry: 100 }, { id: 'caf\u00e9-\u20ac', data: 'one' }], end: 'close' },
    (request) => ({ steps: [{ id: 'next', data: `after ${request.lastEventId}` }], end: 'close' }),
  ]);
  await readUntilClosed('/api/prices');
  await mock.dispose();
  await recording.stop();

  assert.deepEqual(mock.requests.map((request) => request.lastEventId), [null, 'caf\u00e9-\u20ac', 'next']);
  assert.equal(mock.requests[1].headers['last-event-id'], 'caf\u00e9-\u20ac');
  assert.deepEqual(messages(await observer.entries()).map(({ data }) => data), ['one', 'after caf\u00e9-\u20ac']);
  const document = await recording.recording();
  const contentTypes = document.connections[0].response.headers.filter(([name]) => name === 'content-type');
  assert.deepEqual(contentTypes, [['content-type', 'text/event-stream; charset=utf-8']]);
  const report = validate(document, { reconnect: { slack_ms: 10 }, disable: ['buffered-transport'] });
  assert.deepEqual(report.findings.map((finding) => `${finding.code} ${finding.message}`), []);
});

async function expectEventually(condition, timeout = 5000) {
  const deadline = Date.now() + timeout;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
