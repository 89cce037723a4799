// Recorder, connect() and validate() against a real SSE server on loopback that drops
// connections and resumes from Last-Event-ID; plus the shared validator cases
// (testdata/recordings/manifest.json) through the package's validate().
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, EventStreamParserStream, Recorder, RecordingError, recordingFromHAR, recordingFromJSONLines, validate } from 'ssert';
import { sessionWithIds } from '../shared/recordings.js';
import { startScenarioServer, startSseServer } from '../shared/sse-server.js';

const recordingsDir = new URL('../../../testdata/recordings/', import.meta.url);
const servers = [];
after(() => Promise.all(servers.map((server) => server.close())));

async function server(options) {
  const started = await startSseServer(options);
  servers.push(started);
  return started;
}

async function scenarios() {
  const started = await startScenarioServer();
  servers.push(started);
  return started;
}

// A fetch that answers every request with one body in one chunk, and keeps what it was given.
function stubFetch(body = (n) => `retry: 1\nid: ${n}\ndata: x\n\n`) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init });
    return new Response(body(calls.length), { headers: { 'content-type': 'text/event-stream' } });
  };
  return { fetch, calls };
}

const sentLastEventIds = (recording) =>
  recording.connections.map((c) => c.request.headers.filter(([name]) => name.toLowerCase() === 'last-event-id').map(([, value]) => value).join('|') || undefined);

const strictIds = { ids: { order: 'integer', consecutive: true } };

describe('connect()', () => {
  it('reconnects with Last-Event-ID until 204, and the recording validates clean', async () => {
    // Events 25 ms apart, as a live stream sends them: with only a few ms between them a busy
    // machine can deliver a connection's events in one read, which the validator rightly
    // reports as a buffered transport (SSE311).
    const sse = await server({ total: 12, perConnection: 5, gapMs: 25 });
    const received = [];
    const session = connect(sse.url, { onEvent: (event) => received.push(event) });
    const { reason, recording } = await session.done;
    assert.equal(reason, 'no-content');
    assert.deepEqual(received.map((e) => [e.id, e.type, e.data]), sse.events.map((e) => [e.id, e.type, e.data]));
    assert.deepEqual(sse.requests.map((r) => r.lastEventId), [undefined, '5', '10', '12']);
    assert.equal(session.lastEventId, '12');
    assert.equal(recording.connections.length, 4);
    assert.deepEqual(recording.connections.map((c) => c.end.kind), ['network_error', 'eof', 'network_error', 'eof']);
    assert.equal(recording.connections[3].response.status, 204);
    const sentIds = recording.connections.map((c) => c.request.headers.find(([name]) => name === 'last-event-id')?.[1]);
    assert.deepEqual(sentIds, [undefined, '5', '10', '12']);
    // The server's retry (100 ms) is honoured: each reconnect waits at least that long.
    for (let i = 1; i < recording.connections.length; i += 1) {
      assert.ok(recording.connections[i].request.t - recording.connections[i - 1].end.t >= 99, JSON.stringify(recording.connections.map((c) => [c.request.t, c.end.t])));
    }
    const recorder = new Recorder();
    recorder.expect(sse.events);
    const report = validate({ ...recording, expected: recorder.toJSON().expected }, strictIds);
    assert.deepEqual(report.findings, []);
    assert.equal(report.passed, true);
    assert.equal(report.stats.reconnects, 3);
  });

  it('an off-by-one resume server is caught by the validator', async () => {
    const sse = await server({ total: 12, perConnection: 5, offByOne: true });
    const received = [];
    const { recording } = await connect(sse.url, { onEvent: (event) => received.push(event.id), maxConnections: 4 }).done;
    assert.deepEqual(received.slice(0, 7), ['1', '2', '3', '4', '5', '5', '6']);
    const report = validate(recording, strictIds);
    assert.equal(report.passed, false);
    const names = new Set(report.findings.map((f) => f.name));
    assert.ok(names.has('resume-point'), JSON.stringify(report.findings.map((f) => [f.code, f.name, f.message])));
  });

  it('close() and maxEvents stop the session, recorded as client_closed', async () => {
    const sse = await server({ total: 30, perConnection: 30, gapMs: 5 });
    const session = connect(sse.url, { maxEvents: 3 });
    const { reason, recording } = await session.done;
    assert.equal(reason, 'max-events');
    assert.equal(recording.connections.length, 1);
    assert.equal(recording.connections[0].end.kind, 'client_closed');
    assert.equal(session.lastEventId, '3');
  });

  it('accepts a Content-Type whose essence is text/event-stream, and nothing else', async () => {
    const sse = await scenarios();
    for (const type of ['text/event-stream', 'TEXT/Event-Stream; charset=utf-8', 'text/event-stream ;charset=utf-8']) {
      const ids = [];
      const { reason } = await connect(sse.url(`/type/${encodeURIComponent(type)}`), { maxConnections: 1, onEvent: (e) => ids.push(e.id) }).done;
      assert.deepEqual([type, reason, ids], [type, 'max-connections', ['1']]);
    }
    for (const type of ['text/event-stream-x', 'x-text/event-stream', 'text/event-streams', 'text/plain', '']) {
      const ids = [];
      const { reason, recording } = await connect(sse.url(`/type/${encodeURIComponent(type)}`), { maxConnections: 2, onEvent: (e) => ids.push(e.id) }).done;
      // No Content-Type at all (`/type/`): the reason has no trailing space.
      const expected = type === '' ? 'status 200' : `status 200 ${type}`;
      assert.deepEqual([type, reason, ids, recording.connections.length], [type, expected, [], 1]);
      assert.equal(recording.connections[0].end.kind, 'client_closed');
    }
  });

  it('a refused response (500) is cancelled and recorded as client_closed, not eof', async () => {
    const sse = await scenarios();
    const { reason, recording } = await connect(sse.url('/status/500'), { maxConnections: 2 }).done;
    assert.equal(reason, 'status 500 application/json');
    assert.equal(recording.connections.length, 1);
    assert.equal(recording.connections[0].end.kind, 'client_closed');
    assert.match(recording.connections[0].end.message, /status 500/);
  });

  it('a refused response without a Content-Type stops with a clean reason (no trailing space)', async () => {
    for (const status of [500, 404, 200]) {
      const fetch = async () => new Response(new Uint8Array([0x7b, 0x7d]), { status });
      const { reason, recording } = await connect('http://127.0.0.1:1/events', { fetch, maxConnections: 2 }).done;
      assert.equal(recording.connections[0].response.headers.length, 0, 'the stub sends no Content-Type');
      assert.equal(reason, `status ${status}`);
      assert.equal(recording.connections[0].end.message, `not an event stream: status ${status}, Content-Type ""`);
    }
  });

  for (const id of ['café', 'é€1']) {
    it(`sends Last-Event-ID ${id} as its UTF-8 bytes, and records it as sent`, async () => {
      const sse = await scenarios();
      const session = connect(sse.url(`/id/${encodeURIComponent(id)}`), { maxConnections: 3 });
      const { reason, recording } = await session.done;
      assert.equal(reason, 'no-content');
      assert.deepEqual(sse.requests.map((r) => r.lastEventIdHex), [undefined, Buffer.from(id).toString('hex')]);
      assert.deepEqual(sentLastEventIds(recording), [undefined, id]);
      assert.equal(session.lastEventId, id);
      const report = validate(recording);
      assert.ok(!report.findings.some((f) => f.name === 'last-event-id'), JSON.stringify(report.findings));
    });
  }

  it('sends an id with outer spaces or tabs as HTTP carries it, and records what it sent', async () => {
    // fetch drops a header value's outer spaces and tabs; the recording said ' 7\t' before, which
    // was not what went on the wire.
    const sse = await scenarios();
    const session = connect(sse.url(`/id/${encodeURIComponent(' 7\t')}`), { maxConnections: 3 });
    const { reason, recording } = await session.done;
    assert.equal(reason, 'no-content');
    assert.deepEqual(sse.requests.map((r) => r.lastEventIdHex), [undefined, Buffer.from('7').toString('hex')]);
    assert.deepEqual(sentLastEventIds(recording), [undefined, '7']);
    assert.equal(session.lastEventId, ' 7\t');
    // The server cannot resume at ' 7\t' (SSE212); the client did its part (no SSE401).
    const codes = validate(recording).findings.map((f) => f.code);
    assert.ok(codes.includes('SSE212') && !codes.includes('SSE401'), JSON.stringify(codes));
  });

  it('maxEvents stops delivery inside a chunk, and 0 delivers nothing', async () => {
    const fiveEvents = () => [1, 2, 3, 4, 5].map((n) => `id: ${n}\ndata: ${n}\n\n`).join('');
    const two = stubFetch(fiveEvents);
    const ids = [];
    const session = connect('http://127.0.0.1:1/events', { fetch: two.fetch, maxEvents: 2, onEvent: (e) => ids.push(e.id) });
    const { reason, recording } = await session.done;
    assert.deepEqual([reason, ids, session.lastEventId], ['max-events', ['1', '2'], '2']);
    assert.deepEqual(recording.connections.map((c) => c.end.kind), ['client_closed']);

    const none = stubFetch(fiveEvents);
    const seen = [];
    const nothing = await connect('http://127.0.0.1:1/events', { fetch: none.fetch, maxEvents: 0, maxConnections: 1, onEvent: (e) => seen.push(e.id) }).done;
    assert.deepEqual([nothing.reason, seen, none.calls.length, nothing.recording.connections.length], ['max-events', [], 0, 0]);
  });

  it('a throwing callback ends the session: body cancelled, client_closed, done rejects with it', { timeout: 10_000 }, async () => {
    const sse = await scenarios();
    const boom = new Error('boom');
    let calls = 0;
    const session = connect(sse.url('/endless'), { maxConnections: 3, retry: 10, onEvent: () => { calls += 1; throw boom; } });
    await assert.rejects(session.done, (error) => error === boom);
    await sse.closed(); // the server saw the client go away: the body was cancelled
    const { connections } = session.recorder.toJSON();
    assert.deepEqual(connections.map((c) => c.end), [{ kind: 'client_closed', t: connections[0].end.t, message: 'boom' }]);
    assert.deepEqual([calls, sse.requests.length], [1, 1]);

    const opened = new TypeError('not this one');
    const refused = connect(sse.url('/endless'), { maxConnections: 3, retry: 10, onOpen: () => { throw opened; } });
    await assert.rejects(refused.done, (error) => error === opened);
    await sse.closed();
    assert.deepEqual(refused.recorder.toJSON().connections.map((c) => [c.end.kind, c.end.message]), [['client_closed', 'not this one']]);
    assert.equal(sse.requests.length, 2);
  });

  it('Recorder.record: what onChunk throws is not a network error, and the body is cancelled', { timeout: 10_000 }, async () => {
    const sse = await scenarios();
    const response = await fetch(sse.url('/endless'));
    const recorder = new Recorder();
    const boom = new Error('stop reading');
    await assert.rejects(recorder.record(response, { onChunk: () => { throw boom; } }), (error) => error === boom);
    await sse.closed();
    assert.deepEqual(recorder.toJSON().connections.map((c) => [c.end.kind, c.end.message]), [['client_closed', 'stop reading']]);
  });

  it('waiting to reconnect leaves no abort listener behind', async () => {
    const { fetch, calls } = stubFetch();
    const { reason } = await connect('http://127.0.0.1:1/events', { fetch, maxConnections: 20 }).done;
    assert.equal(reason, 'max-connections');
    assert.equal(calls.length, 20);
    assert.equal(getEventListeners(calls[0].init.signal, 'abort').length, 0);
  });

  it('a URL that does not parse (or a bad header) is a TypeError at once, never a request', () => {
    const { fetch, calls } = stubFetch();
    assert.throws(() => connect('not a url', { fetch, maxConnections: 2 }), (error) => error instanceof TypeError && /not a valid URL/.test(error.message));
    assert.throws(() => connect('/events', { fetch, maxConnections: 2 }), TypeError); // no base URL outside a page
    assert.throws(() => connect('http://127.0.0.1:1/events', { fetch, maxConnections: 2, headers: { 'x-id': 'é€1' } }), TypeError);
    assert.equal(calls.length, 0);
  });

  it('a caller Last-Event-ID (any case) is the id the session starts with, never merged with the stream\'s', async () => {
    const sse = await scenarios();
    const { reason, recording } = await connect(sse.url('/ids'), { maxConnections: 4, headers: { 'Last-Event-ID': '0' } }).done;
    assert.equal(reason, 'no-content');
    // 1: the caller's; 2: the id of event 1; 3: none, an `id` line cleared it.
    assert.deepEqual(sse.requests.map((r) => r.lastEventId), ['0', '1', undefined]);
    assert.deepEqual(sentLastEventIds(recording), ['0', '1', undefined]);

    // Until the stream sets another, the caller's id is the one in force (sent again, as the
    // validator expects); it is id text, sent as UTF-8 like any other.
    const seeded = await scenarios();
    const ids = [];
    const session = connect(seeded.url('/noid'), { maxConnections: 4, headers: [['LAST-EVENT-ID', 'é€1']], onEvent: (e) => ids.push(e.id) });
    const resumed = await session.done;
    assert.equal(resumed.reason, 'no-content');
    const utf8 = Buffer.from('é€1').toString('hex');
    assert.deepEqual(seeded.requests.map((r) => r.lastEventIdHex), [utf8, utf8]);
    assert.deepEqual(sentLastEventIds(resumed.recording), ['é€1', 'é€1']);
    assert.deepEqual([ids, session.lastEventId], [['é€1'], 'é€1']);
  });
});

describe('Recorder', () => {
  it('records a fetch Response with timestamped base64 chunks', async () => {
    const sse = await server({ total: 3, perConnection: 3, drop: 'end' });
    const recorder = new Recorder({ source: 'test' });
    const response = await fetch(sse.url, { headers: { accept: 'text/event-stream' } });
    const seen = [];
    const record = await recorder.record(response, {
      request: { url: sse.url, headers: { accept: 'text/event-stream' } },
      onChunk: (bytes) => seen.push(bytes.length),
    });
    assert.equal(record.response.status, 200);
    assert.ok(record.response.headers.some(([name, value]) => name === 'content-type' && value === 'text/event-stream'));
    assert.equal(record.chunks.length, seen.length);
    const body = Buffer.concat(record.chunks.map((c) => Buffer.from(c.data, 'base64'))).toString();
    assert.match(body, /^retry: 100\n\nid: 1\nevent: tick\ndata: \{"n":1\}\n\n/);
    assert.equal(record.end.kind, 'eof');
    const recording = recorder.toJSON();
    assert.equal(recording.format, 'ssert-recording');
    assert.ok(recording.connections[0].chunks.every((c, i, all) => i === 0 || c.t >= all[i - 1].t));
    assert.equal(validate(recording).passed, true);
  });

  it('records any byte stream, and validation sees what is wrong in it', async () => {
    const recorder = new Recorder();
    const body = new Response('id: 1\ndata: a\n\nid: 1\ndata: again\n\ndata: cut').body;
    await recorder.recordStream(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
    const report = validate(recorder.toJSON());
    assert.equal(report.passed, false);
    const names = report.findings.map((f) => f.name);
    assert.ok(names.includes('unterminated-event'), names.join());
  });

  it('signal: aborting ends record() and recordStream(), cancels the body, recorded as client_closed', { timeout: 10_000 }, async () => {
    const recorder = new Recorder();
    // A body that sends one chunk and never ends.
    let cancelled = 0;
    const endless = () =>
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('data: 1\n\n'));
        },
        cancel() {
          cancelled += 1;
        },
      });
    const first = new AbortController();
    const seen = [];
    const streamed = recorder.recordStream(endless(), { signal: first.signal, onChunk: (bytes) => seen.push(bytes.length) });
    setTimeout(() => first.abort(), 50);
    const streamRecord = await streamed;
    assert.deepEqual([streamRecord.end.kind, streamRecord.chunks.length, seen], ['client_closed', 1, [9]]);

    const second = new AbortController();
    const recorded = recorder.record(new Response(endless(), { headers: { 'content-type': 'text/event-stream' } }), { signal: second.signal });
    setTimeout(() => second.abort(), 50);
    assert.equal((await recorded).end.kind, 'client_closed');
    assert.equal(cancelled, 2);

    // An async iterable that never yields again: the pending wait ends too, and it is closed.
    let closed = false;
    async function* stalled() {
      try {
        yield 'data: 2\n\n';
        await new Promise(() => {});
      } finally {
        closed = true;
      }
    }
    const third = new AbortController();
    const iterated = recorder.recordStream(stalled(), { signal: third.signal });
    setTimeout(() => third.abort(), 50);
    assert.deepEqual([(await iterated).end.kind, (await iterated).chunks.length], ['client_closed', 1]);
    // Aborted before it starts: nothing is read.
    const fourth = new AbortController();
    fourth.abort();
    const never = await recorder.recordStream(endless(), { signal: fourth.signal });
    assert.deepEqual([never.end.kind, never.chunks.length, cancelled], ['client_closed', 0, 3]);
    // A generator stuck in an await cannot run its finally; one between reads can.
    async function* twoChunks() {
      try {
        yield 'data: 3\n\n';
        yield 'data: 4\n\n';
      } finally {
        closed = true;
      }
    }
    const fifth = new AbortController();
    const read = await recorder.recordStream(twoChunks(), { signal: fifth.signal, onChunk: () => fifth.abort() });
    assert.deepEqual([read.end.kind, read.chunks.length, closed], ['client_closed', 1, true]);
    assert.ok(validate(recorder.toJSON()).stats !== undefined);
  });

  it('a connection handle refuses an end kind the recording format does not have, and chunks that are not bytes', () => {
    const recorder = new Recorder();
    const handle = recorder.connection({ url: 'http://sse.test/' });
    assert.throws(() => handle.end('closed'), (error) => error instanceof TypeError && /eof, client_closed, network_error, timeout/.test(error.message));
    assert.throws(() => handle.end(), TypeError);
    for (const notBytes of [5, null, undefined, {}, [1, 2], true]) {
      assert.throws(() => handle.chunk(notBytes), (error) => error instanceof TypeError && /a chunk must be/.test(error.message), String(notBytes));
    }
    assert.deepEqual(handle.record.chunks, []);
    assert.equal(handle.record.end, undefined);
    // Bytes in every form: a string (UTF-8), a Uint8Array, an ArrayBuffer, another view.
    handle.chunk('é');
    handle.chunk(new Uint8Array([1]));
    handle.chunk(new Uint8Array([2, 3]).buffer);
    handle.chunk(new Uint16Array([0x0504]));
    assert.deepEqual(
      handle.record.chunks.map((c) => [...Buffer.from(c.data, 'base64')]),
      [[0xc3, 0xa9], [1], [2, 3], [4, 5]],
    );
    handle.end('timeout', 'gave up');
    assert.deepEqual([handle.record.end.kind, handle.record.end.message], ['timeout', 'gave up']);
  });

  it('recordStream: a chunk that is not bytes is the caller\'s error, not a network error', async () => {
    const recorder = new Recorder();
    await assert.rejects(recorder.recordStream([new Uint8Array([0x3a, 0x0a]), 5]), TypeError);
    const [connection] = recorder.toJSON().connections;
    assert.equal(connection.chunks.length, 1);
    assert.equal(connection.end.kind, 'client_closed');
  });
});

describe('validate()', () => {
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', recordingsDir), 'utf8'));
  for (const testCase of manifest.cases) {
    it(`shared case ${testCase.name}`, () => {
      const text = readFileSync(new URL(testCase.recording, recordingsDir), 'utf8');
      let recording = text;
      if (testCase.recording.endsWith('.har')) recording = recordingFromHAR(text);
      if (testCase.recording.endsWith('.jsonl')) recording = recordingFromJSONLines(text);
      const report = validate(recording, testCase.options);
      assert.deepEqual([...new Set(report.findings.map((f) => f.code))].sort(), [...testCase.expect].sort());
    });
  }

  const quiet = { disable: ['x-accel-buffering', 'buffered-transport'] };
  const bySuffix = (a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]);
  const codes = (report) => [...new Set(report.findings.map((f) => f.code))].sort();

  it('idOrder: a JS comparator decides what increasing ids are', () => {
    const inOrder = sessionWithIds(['job-2', 'job-10', 'job-11']);
    // Lexicographically "job-10" < "job-2": the built-in order sees a regression...
    assert.deepEqual(codes(validate(inOrder, { ...quiet, ids: { order: 'lexicographic' } })), ['SSE302']);
    // ...the caller's order does not, and still catches a real one.
    assert.deepEqual(codes(validate(inOrder, { ...quiet, idOrder: bySuffix })), []);
    assert.deepEqual(codes(validate(sessionWithIds(['job-10', 'job-2']), { ...quiet, idOrder: bySuffix })), ['SSE302']);
  });

  it('idOrder: what the comparator throws propagates, and it must be a function', () => {
    const boom = new RangeError('cannot order these ids');
    assert.throws(() => validate(sessionWithIds(['a', 'b']), { ...quiet, idOrder: () => { throw boom; } }), (error) => error === boom);
    assert.throws(() => validate(sessionWithIds(['a']), { idOrder: 'integer' }), TypeError);
  });

  it('idOrder: contradicting an explicit ids.order is an options error; it overrides a profile', () => {
    assert.throws(
      () => validate(sessionWithIds(['job-2']), { ids: { order: 'integer' }, idOrder: bySuffix }),
      (error) => error instanceof RecordingError && error.code === 'INVALID_OPTIONS' && /ids\.order is "integer"/.test(error.message),
    );
    assert.deepEqual(codes(validate(sessionWithIds(['job-10', 'job-2']), { ...quiet, ids: { order: 'custom' }, idOrder: bySuffix })), ['SSE302']);
    // The MCP profile leaves ids unordered; the caller's comparator is the more specific choice.
    const mcp = validate(sessionWithIds(['job-10', 'job-2']), { ...quiet, profile: 'mcp', idOrder: bySuffix });
    assert.ok(mcp.findings.some((f) => f.code === 'SSE302'), JSON.stringify(mcp.findings));
  });

  it('throws a RecordingError for what is not a recording, TypeError-like for bad options', () => {
    const recordingError = (code) => (error) => error instanceof RecordingError && error.name === 'RecordingError' && error.code === code;
    assert.throws(() => validate('{"format":"nope","version":1,"connections":[]}'), recordingError('INVALID_RECORDING'));
    assert.throws(() => validate({ format: 'ssert-recording', version: 1, connections: [] }, { no_such_option: 1 }), recordingError('INVALID_OPTIONS'));
  });
});

it('EventStreamParserStream composes with connect-free fetch of the same server', async () => {
  const sse = await server({ total: 2, perConnection: 2, drop: 'end' });
  const response = await fetch(sse.url);
  const ids = [];
  for await (const event of response.body.pipeThrough(new EventStreamParserStream())) ids.push(event.id);
  assert.deepEqual(ids, ['1', '2']);
});
