// The expected log as every binding reads it (audit W #5, #7, C3), and the bound on the report's
// not-checked notes (#4): the core decides, the binding passes it through.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Recorder, RecordingError, validate } from 'ssert';

const HEAD = [
  ['content-type', 'text/event-stream'],
  ['cache-control', 'no-cache'],
  ['x-accel-buffering', 'no'],
];

function recording(expected, requestHeaders = [['accept', 'text/event-stream']]) {
  const document = {
    format: 'ssert-recording',
    version: 1,
    connections: [
      {
        request: { t: 0, headers: requestHeaders },
        response: { status: 200, t: 1, headers: HEAD },
        chunks: [{ t: 2, text: 'id: c\ndata: x\n\n' }],
        end: { kind: 'eof', t: 3 },
      },
    ],
  };
  if (expected !== undefined) document.expected = expected;
  return document;
}

const codes = (report) => [...new Set(report.findings.map((finding) => finding.code))].sort();

describe('the expected log', () => {
  it('an empty log says nothing was published: the delivered event is SSE407', () => {
    const report = validate(recording([]));
    assert.deepEqual(codes(report), ['SSE407']);
    assert.equal(report.passed, false);
    assert.deepEqual(codes(validate(recording(undefined))), []);
  });

  it('a log that repeats an id is a RecordingError', () => {
    assert.throws(() => validate(recording([{ id: 'a' }, { id: 'b' }, { id: 'a' }])), (error) =>
      error instanceof RecordingError && error.code === 'INVALID_RECORDING' && /entry 2 repeats the id "a" of entry 0/.test(error.message));
  });

  it('an `expected` line after the first request is a RecordingError at its line', () => {
    const lines = [
      '{"type":"header","format":"ssert-recording","version":1}',
      '{"type":"request","t":0}',
      '{"type":"expected","event":{"id":"1"}}',
    ].join('\n');
    assert.throws(() => validate(lines), (error) =>
      error instanceof RecordingError && error.line === 3 && /`expected` record after the first connection/.test(error.message));
  });

  it('the Recorder writes no log unless given one', () => {
    const recorder = new Recorder();
    assert.equal('expected' in recorder.toJSON(), false);
    recorder.expect([{ id: 1 }]);
    assert.deepEqual(recorder.toJSON().expected, [{ id: '1' }]);
  });
});

describe('not-checked notes', () => {
  it('past window.findings, notes about single connections are counted, not kept', () => {
    // Request headers not recorded: SSE106 on each connection, SSE401 on each reconnect.
    const document = recording(undefined, null);
    document.connections = Array.from({ length: 20 }, () => structuredClone(document.connections[0]));
    const report = validate(document, { window: { findings: 4 } });
    assert.equal(report.not_checked.filter((entry) => entry.connection !== null).length, 4);
    assert.equal(report.not_checked_dropped, 39 - 4);
    assert.equal(report.findings_dropped, report.errors - report.findings.length);
  });
});
