// Request headers the Recorder did not observe are recorded as `null` ("not observed", as the
// recording format says), never as `[]` ("sent no headers"): otherwise the validator blames a
// correct client for a Last-Event-ID (SSE401) and an Accept header (SSE106) it did send.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createParser, Recorder, validate } from 'ssert';
import { startSseServer } from '../shared/sse-server.js';

const servers = [];
after(() => Promise.all(servers.map((server) => server.close())));

const INTEGER_IDS = { ids: { order: 'integer', consecutive: true } };
const codes = (report) => report.findings.map((finding) => `${finding.code} ${finding.message}`);
const notChecked = (report, code) => report.not_checked.filter((entry) => entry.code === code);

describe('Recorder: request headers it was not given', () => {
  it('record(response) without a request: a correct reconnecting client passes, header rules not checked', async () => {
    const sse = await startSseServer({ total: 6, perConnection: 3, retry: 20 });
    servers.push(sse);
    const recorder = new Recorder();
    const parser = createParser({});
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const headers = { accept: 'text/event-stream' };
      if (parser.lastEventId) headers['last-event-id'] = parser.lastEventId;
      const response = await fetch(sse.url, { headers });
      await recorder.record(response, { onChunk: (bytes) => parser.feed(bytes) });
      parser.end();
      if (response.status === 204) break;
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    parser.free();
    // The client really sent the Last-Event-ID it had.
    assert.deepEqual(sse.requests.map((r) => r.lastEventId), [undefined, '3', '6']);
    const recording = recorder.toJSON();
    assert.deepEqual(recording.connections.map((c) => c.request.headers), [null, null, null]);
    const report = validate(recording, INTEGER_IDS);
    assert.deepEqual(codes(report).filter((line) => /^SSE(401|106) /.test(line)), []);
    assert.equal(report.passed, true, JSON.stringify(report.findings, null, 2));
    for (const code of ['SSE401', 'SSE106']) {
      const skipped = notChecked(report, code);
      assert.ok(skipped.length > 0 && skipped.every((entry) => typeof entry.reason === 'string' && entry.reason !== ''), `${code}: ${JSON.stringify(report.not_checked)}`);
    }
  });

  it('recordStream() and connection({ url }) without headers record null', async () => {
    const recorder = new Recorder();
    await recorder.recordStream([new TextEncoder().encode('data: a\n\n')]);
    await recorder.recordStream([new TextEncoder().encode('data: b\n\n')], { request: { url: 'http://example.test/s' } });
    recorder.connection({ url: 'http://example.test/c' }).end('eof');
    recorder.connection().end('eof');
    assert.deepEqual(recorder.toJSON().connections.map((c) => c.request.headers), [null, null, null, null]);
  });

  it('headers the caller gave are recorded, even none at all', async () => {
    const recorder = new Recorder();
    const given = [new Headers(), {}, [], new Headers({ 'Last-Event-ID': '7' }), { Accept: 'text/event-stream' }, [['x-a', 1]]];
    for (const headers of given) recorder.connection({ url: 'http://example.test/', headers }).end('eof');
    const response = new Response('data: x\n\n', { headers: { 'content-type': 'text/event-stream' } });
    await recorder.record(response, { request: { url: 'http://example.test/r', headers: new Headers() } });
    await recorder.recordStream([new Uint8Array([0x0a])], { request: { url: 'about:stream', headers: { 'last-event-id': '2' } } });
    assert.deepEqual(recorder.toJSON().connections.map((c) => c.request.headers), [
      [],
      [],
      [],
      [['last-event-id', '7']],
      [['Accept', 'text/event-stream']],
      [['x-a', '1']],
      [],
      [['last-event-id', '2']],
    ]);
  });

  it('connect() records the request headers it sent, Last-Event-ID included', async () => {
    const sse = await startSseServer({ total: 4, perConnection: 2, retry: 10 });
    servers.push(sse);
    const { reason, recording } = await connect(sse.url, { headers: { 'X-Trace': 't' } }).done;
    assert.equal(reason, 'no-content');
    assert.deepEqual(recording.connections.map((c) => c.request.headers), [
      [['accept', 'text/event-stream'], ['cache-control', 'no-cache'], ['x-trace', 't']],
      [['accept', 'text/event-stream'], ['cache-control', 'no-cache'], ['x-trace', 't'], ['last-event-id', '2']],
      [['accept', 'text/event-stream'], ['cache-control', 'no-cache'], ['x-trace', 't'], ['last-event-id', '4']],
    ]);
    const report = validate(recording, INTEGER_IDS);
    assert.equal(report.passed, true, JSON.stringify(report.findings, null, 2));
    assert.deepEqual(notChecked(report, 'SSE401'), []);
  });
});
