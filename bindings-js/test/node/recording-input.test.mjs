// What validate() and the recording readers accept as input and give back: integers beyond
// 2^53 - 1 in a report, recordings given as bytes, values that are no recording at all, and HAR
// entries that hold less than a whole stream.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse, RecordingError, recordingFromHAR, recordingFromJSONLines, validate } from 'ssert';

const HEAD = [
  ['content-type', 'text/event-stream'],
  ['cache-control', 'no-cache'],
  ['x-accel-buffering', 'no'],
];

function recording(text) {
  return {
    format: 'ssert-recording',
    version: 1,
    connections: [
      {
        request: { t: 0, headers: [['accept', 'text/event-stream']] },
        response: { status: 200, t: 1, headers: HEAD },
        chunks: [{ t: 2, text }],
        end: { kind: 'eof', t: 3 },
      },
    ],
  };
}

const HEADER_LINE = '{"type":"header","format":"ssert-recording","version":1}';
const LINES = `${HEADER_LINE}\n{"type":"request","t":0}\n{"type":"chunk","t":1,"text":"data: a\\n\\n"}\n`;

function harEntry(content, extra = {}) {
  return {
    request: { method: 'GET', url: 'http://127.0.0.1/events', headers: [{ name: 'Accept', value: 'text/event-stream' }] },
    response: {
      status: 200,
      headers: HEAD.map(([name, value]) => ({ name, value })),
      content: { mimeType: 'text/event-stream', ...content },
      ...extra,
    },
  };
}
const har = (...entries) => JSON.stringify({ log: { version: '1.2', entries } });

describe('validate(): integers beyond Number.MAX_SAFE_INTEGER', () => {
  it('a retry above 2^53 - 1 comes back as a BigInt, every other integer as a number', () => {
    for (const [wire, retry] of [
      ['9007199254740993', 9007199254740993n],
      ['18446744073709551615', 18446744073709551615n],
      // Saturated by the parser, as the spec's integer parse would overflow.
      ['99999999999999999999999', 18446744073709551615n],
    ]) {
      const report = validate(recording(`retry: ${wire}\nid: 1\ndata: a\n\n`));
      assert.equal(report.passed, true);
      const stats = report.stats.per_connection[0];
      assert.equal(stats.retry_ms, retry);
      for (const value of [report.errors, report.stats.connections, stats.bytes, stats.duration_ms, stats.events]) {
        assert.equal(typeof value, 'number');
      }
    }
    const safe = validate(recording('retry: 9007199254740991\ndata: a\n\n'));
    assert.equal(safe.stats.per_connection[0].retry_ms, Number.MAX_SAFE_INTEGER);
  });

  it('a recording time of 2^64 - 1 reaches the findings and stats exactly', () => {
    const text = JSON.stringify(recording('id: 1\ndata: a\n\n'))
      .replace('"chunks":[{"t":2', '"chunks":[{"t":18446744073709551615')
      .replace('"end":{"kind":"eof","t":3}', '"end":{"kind":"eof","t":18446744073709551615}');
    const report = validate(text);
    const heartbeat = report.findings.find((f) => f.code === 'SSE305');
    assert.equal(heartbeat.t, 18446744073709551615n);
    assert.equal(report.stats.duration_ms, 18446744073709551615n);
    assert.equal(typeof heartbeat.connection, 'number');
  });

  it('the trace of such a stream is plain numbers', () => {
    const { retries, trace } = parse('retry: 18446744073709551615\ndata: a\n\n', { trace: true });
    assert.deepEqual(retries, [18446744073709551615n]);
    assert.deepEqual(trace[0], { type: 'line', start: 0, end: 27, terminator: 'lf', kind: 'field', field: 'retry' });
  });
});

describe('recording input types', () => {
  const notText = [undefined, null, 5, true, {}, ['a'], new Map()];

  it('recordingFromHAR and recordingFromJSONLines take only text, as a string or bytes', () => {
    for (const value of notText) {
      assert.throws(() => recordingFromHAR(value), { name: 'TypeError', message: /^recordingFromHAR\(\): expected the recording as a string or bytes/ });
      assert.throws(() => recordingFromJSONLines(value), { name: 'TypeError', message: /^recordingFromJSONLines\(\): expected/ });
    }
    const text = har(harEntry({ text: 'id: 1\ndata: a\n\n' }));
    const bytes = new TextEncoder().encode(text);
    const expected = recordingFromHAR(text);
    for (const input of [Buffer.from(text), bytes, bytes.buffer, new DataView(bytes.buffer)]) {
      assert.deepEqual(recordingFromHAR(input), expected);
    }
    assert.deepEqual(recordingFromJSONLines(Buffer.from(LINES)), recordingFromJSONLines(LINES));
    // The parser still works after every refusal (nothing trapped inside wasm).
    assert.equal(parse('data: x\n\n').events.length, 1);
  });

  it('validate() takes a recording object or its text, as a string or bytes', () => {
    for (const value of [undefined, null, 5, true, 5n]) {
      assert.throws(() => validate(value), { name: 'TypeError', message: /^validate\(\): expected a recording object/ });
    }
    const object = recording('id: 1\ndata: a\n\n');
    const text = JSON.stringify(object);
    assert.deepEqual(validate(Buffer.from(text)), validate(object));
    assert.deepEqual(validate(new TextEncoder().encode(LINES)), validate(LINES));
    // Bytes that are no UTF-8 are no JSON recording.
    assert.throws(() => validate(new Uint8Array([0x7b, 0xff, 0x7d])), (error) =>
      error instanceof RecordingError && error.code === 'INVALID_RECORDING' && /not UTF-8/.test(error.message));
  });

  it('a leading byte order mark is ignored in every form', () => {
    const object = recording('id: 1\ndata: a\n\n');
    assert.deepEqual(validate(`\uFEFF${JSON.stringify(object)}`), validate(object));
    assert.deepEqual(recordingFromJSONLines(`\uFEFF${LINES}`), recordingFromJSONLines(LINES));
    const text = har(harEntry({ text: 'id: 1\ndata: a\n\n' }));
    assert.deepEqual(recordingFromHAR(`\uFEFF${text}`), recordingFromHAR(text));
    // As bytes too (EF BB BF), however they are decoded.
    assert.deepEqual(recordingFromHAR(Buffer.from(`\uFEFF${text}`)), recordingFromHAR(text));
  });

  it('auto-detection reports the error of the reader the text is meant for', () => {
    assert.throws(() => validate('{"type":"request","t":0}\n'), (error) =>
      error instanceof RecordingError && error.line === 1 && /`header`/.test(error.message));
    assert.throws(() => validate('{"log":{"entries":{}}}'), (error) =>
      error instanceof RecordingError && error.message === 'HAR `log.entries` is missing or not an array');
  });
});

describe('recordingFromHAR: what a HAR does not hold is not read as a clean stream', () => {
  it('an entry whose body was not captured is kept with its body unknown, not read as an empty body', () => {
    const resumed = harEntry({ text: 'id: 3\ndata: c\n\n' });
    resumed.request.headers.push({ name: 'Last-Event-ID', value: '2' });
    const rec = recordingFromHAR(har(harEntry({ size: 0 }), resumed));
    assert.deepEqual(rec.connections.map((c) => c.chunks === null), [true, false]);
    const report = validate(rec);
    // The resume's Last-Event-ID names an id of the unknown body: not checked, and no SSE401.
    assert.deepEqual(report.findings.map((f) => f.code), []);
    assert.ok(report.not_checked.some((n) => n.code === 'SSE401' && n.connection === 1), JSON.stringify(report.not_checked));
    // The recording round-trips through its JSON form with the body still unknown.
    assert.deepEqual(validate(JSON.stringify(rec)).not_checked, report.not_checked);
  });

  it("a browser's _error ends the connection client_closed or network_error", () => {
    const cut = 'id: 1\ndata: a\n\nid: 2\ndata: b';
    const aborted = recordingFromHAR(har(harEntry({ text: cut }, { _error: 'net::ERR_ABORTED' })));
    assert.deepEqual(aborted.connections[0].end, { kind: 'client_closed', t: 0, message: 'net::ERR_ABORTED' });
    assert.ok(!validate(aborted).findings.some((f) => f.code === 'SSE203'));
    const reset = recordingFromHAR(har(harEntry({ text: cut }, { _error: 'net::ERR_CONNECTION_RESET' })));
    assert.equal(reset.connections[0].end.kind, 'network_error');
  });

  it('reads Base64 in any case, and a status that is no status code is an error naming the entry', () => {
    const rec = recordingFromHAR(har(harEntry({ encoding: 'Base64', text: btoa('id: 1\ndata: a\n\n') })));
    assert.deepEqual(validate(rec).findings.map((f) => f.code), []);
    const bad = harEntry({ text: 'data: a\n\n' });
    bad.response.status = '200';
    assert.throws(() => recordingFromHAR(har(bad)), (error) =>
      error instanceof RecordingError && error.message === 'entry 0: `response.status` is "200", not an HTTP status code');
  });
});
