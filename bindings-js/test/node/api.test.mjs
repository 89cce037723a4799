// The public API beyond the vectors: the stream adapter, encode(), typed errors, lifecycle.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createParser,
  EncodeError,
  encode,
  EventStreamParserStream,
  parse,
  ParseError,
  SsertError,
  UsageError,
} from 'ssert';

const bytes = (text) => new TextEncoder().encode(text);

describe('createParser', () => {
  it('delivers retries, comments, events and errors in stream order', () => {
    const calls = [];
    const parser = createParser({
      onEvent: (event) => calls.push(['event', event]),
      onRetry: (retry) => calls.push(['retry', retry]),
      onComment: (text) => calls.push(['comment', text]),
      onError: (error) => calls.push(['error', error.code, error.offset]),
    });
    parser.feed(': hello\nretry: 1500\nevent: tick\nid: 7\ndata: a\ndata: b\n\nretry: x\n');
    parser.feed('data: cut');
    parser.end();
    assert.deepEqual(calls, [
      ['comment', 'hello'],
      ['retry', 1500],
      ['event', { type: 'tick', data: 'a\nb', id: '7', event: 'tick' }],
      // The discarded block starts at its first field line, the invalid `retry: x`.
      ['error', 'INCOMPLETE_EVENT', 55],
    ]);
    assert.equal(parser.lastEventId, '7');
    assert.equal(parser.reconnectionTime, 1500);
  });

  it('gives retry values above 2^53 - 1 exactly, as BigInt', () => {
    const retries = [];
    const parser = createParser({ onRetry: (value) => retries.push(value) });
    parser.feed('retry: 9007199254740991\nretry: 9007199254740993\n');
    assert.deepEqual(retries, [9007199254740991, 9007199254740993n]);
    assert.equal(parser.reconnectionTime, 9007199254740993n);
  });

  it('end() readies the parser for the next stream and keeps the last event ID', () => {
    const events = [];
    const parser = createParser({ onEvent: (event) => events.push(event) });
    parser.feed('id: 41\ndata: a\n\n');
    parser.end();
    assert.equal(parser.offset, 0);
    parser.feed('\uFEFFdata: b\n\n');
    assert.deepEqual(events.map((e) => [e.data, e.id]), [['a', '41'], ['b', '41']]);
    parser.reset();
    assert.equal(parser.lastEventId, '');
    assert.equal(parser.reconnectionTime, undefined);
  });

  it('lastEventId can be set: the id a resuming client starts with, until the stream sets one', () => {
    const ids = [];
    const parser = createParser({ onEvent: (event) => ids.push(event.id) });
    parser.lastEventId = 'café';
    parser.feed('data: a\n\nid: 2\ndata: b\n\n');
    assert.deepEqual(ids, ['café', '2']);
    assert.equal(parser.lastEventId, '2');
    parser.free();
  });

  it('joins a surrogate pair split across two string chunks', () => {
    const events = [];
    const parser = createParser({ onEvent: (event) => events.push(event.data) });
    const text = 'data: \u{1F600}\n\n';
    parser.feed(text.slice(0, 7));
    parser.feed(text.slice(7));
    assert.deepEqual(events, ['\u{1F600}']);
  });

  it('accepts ArrayBuffer and other views', () => {
    const events = [];
    const parser = createParser({ onEvent: (event) => events.push(event.data) });
    parser.feed(bytes('data: a\n\n').buffer);
    const wide = bytes('xxdata: b\n\nyy');
    parser.feed(new DataView(wide.buffer, 2, wide.length - 4));
    assert.deepEqual(events, ['a', 'b']);
    assert.throws(() => parser.feed(42), TypeError);
  });

  it('rejects callbacks that are not functions and bad options', () => {
    assert.throws(() => createParser({ onEvent: 'nope' }), TypeError);
    assert.throws(() => createParser({ maxLineLen: 'big' }));
  });

  it('reports limits as ParseError with the core code and offset', () => {
    const errors = [];
    const parser = createParser({ maxLineLen: 8, onError: (error) => errors.push(error) });
    parser.feed('data: 0123456789\n\ndata: ok\n\n');
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof ParseError && errors[0] instanceof SsertError && errors[0] instanceof Error);
    assert.equal(errors[0].name, 'ParseError');
    assert.equal(errors[0].code, 'LINE_TOO_LONG');
    assert.equal(errors[0].offset, 0);
  });

  it('a callback that feeds the parser does not corrupt the batch being delivered', () => {
    const seen = [];
    const inner = createParser({ onEvent: (event) => seen.push(`inner ${event.data}`) });
    const outer = createParser({
      onEvent: (event) => {
        seen.push(`outer ${event.data}`);
        inner.feed(`data: ${'x'.repeat(3 << 20)}\n\n`.slice(0, 20) + '\n\n');
      },
    });
    outer.feed('data: 1\n\ndata: 2\n\n');
    assert.deepEqual(seen, ['outer 1', `inner ${'x'.repeat(14)}`, 'outer 2', `inner ${'x'.repeat(14)}`]);
  });

  it('a throwing callback loses nothing: the rest comes first from the next feed() or end()', () => {
    const seen = [];
    let throwOn = new Set(['a', 'retry 5', 'c']);
    const once = (what) => {
      seen.push(what);
      if (throwOn.delete(what)) throw new Error(`boom at ${what}`);
    };
    const parser = createParser({
      onEvent: (event) => once(event.data),
      onRetry: (ms) => once(`retry ${ms}`),
      onComment: (text) => once(`: ${text}`),
      onError: (error) => once(error.code),
    });
    assert.throws(() => parser.feed('data: a\n\nretry: 5\n: note\ndata: b\n\ndata: c'), /boom at a/);
    // The retry record throws in turn: the next call stops there too, and keeps the rest again.
    assert.throws(() => parser.feed(new TextEncoder().encode('\n\ndata: d\n\n')), /boom at retry 5/);
    assert.throws(() => parser.end(), /boom at c/);
    parser.feed('data: e\n\ndata: cut');
    parser.end();
    assert.deepEqual(seen, ['a', 'retry 5', ': note', 'b', 'c', 'd', 'e', 'INCOMPLETE_EVENT']);

    // reset() forgets what is undelivered, as it forgets buffered input.
    seen.length = 0;
    throwOn = new Set(['x']);
    assert.throws(() => parser.feed('data: x\n\ndata: y\n\n'));
    parser.reset();
    parser.feed('data: z\n\n');
    assert.deepEqual(seen, ['x', 'z']);
  });

  it('a callback may feed the same parser again: both batches arrive whole, in stream order', () => {
    const seen = [];
    let fedAgain = false;
    const parser = createParser({
      onEvent: (event) => {
        seen.push(`${event.type} ${event.data} #${event.id}`);
        if (!fedAgain) {
          fedAgain = true;
          parser.feed('event: nested\nid: n1\ndata: aaa\n\nid: n2\ndata: bbbbbbb\n\n');
          // Queued behind the rest of the outer chunk, which comes first in the stream.
          seen.push('nested feed returned');
        }
      },
    });
    parser.feed('id: 1\ndata: first\n\nid: 2\ndata: second event\n\ndata: third\n\n');
    parser.feed('data: later\n\n');
    assert.deepEqual(seen, [
      'message first #1',
      'nested feed returned',
      'message second event #2',
      'message third #2',
      'nested aaa #n1',
      'message bbbbbbb #n2',
      'message later #n2',
    ]);
  });

  it('feed() and end() from a callback keep stream order, also with throws and string chunks', () => {
    const seen = [];
    const parser = createParser({
      onEvent: (event) => {
        seen.push(event.data);
        if (event.data === '1') parser.feed('data: 4\n\n');
        if (event.data === '4') {
          parser.feed('data: 5\n\ndata: 6'); // cut off by the end() that follows
          parser.end();
        }
        if (event.data === '2') throw new Error('boom at 2');
      },
      onError: (error) => seen.push(error.code),
    });
    assert.throws(() => parser.feed(new TextEncoder().encode('data: 1\n\ndata: 2\n\ndata: 3\n\n')), /boom at 2/);
    assert.deepEqual(seen, ['1', '2']);
    // The rest of the first chunk, then the chunks in the order they were fed: "data: 4" (from
    // the callback), "data: 7" (this call), then "data: 5..." (fed by the callback of 4, which
    // runs in this call, after "data: 7" was parsed) and the end of that stream.
    parser.feed('data: 7\n\n');
    assert.deepEqual(seen, ['1', '2', '3', '4', '7', '5', 'INCOMPLETE_EVENT']);
  });
});

describe('EventStreamParserStream', () => {
  it('turns a byte stream split anywhere into events', async () => {
    const wire = bytes('retry: 10\ndata: \u00e9t\u00e9\r\n\r\nevent: end\ndata:\n\n');
    const body = new ReadableStream({
      start(controller) {
        for (let i = 0; i < wire.length; i += 3) controller.enqueue(wire.slice(i, i + 3));
        controller.close();
      },
    });
    const retries = [];
    const events = [];
    for await (const event of body.pipeThrough(new EventStreamParserStream({ onRetry: (r) => retries.push(r) }))) {
      events.push(event);
    }
    assert.deepEqual(events, [
      { type: 'message', data: '\u00e9t\u00e9', id: '', event: undefined },
      { type: 'end', data: '', id: '', event: 'end' },
    ]);
    assert.deepEqual(retries, [10]);
  });

  it("onError: 'terminate' errors the stream with the ParseError", async () => {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(bytes('data: a\n\ndata: unterminated'));
        controller.close();
      },
    });
    const events = [];
    await assert.rejects(async () => {
      for await (const event of body.pipeThrough(new EventStreamParserStream({ onError: 'terminate' }))) events.push(event);
    }, { name: 'ParseError', code: 'INCOMPLETE_EVENT', offset: 9 });
    assert.deepEqual(events.map((e) => e.data), ['a']);
  });
});

describe('parse', () => {
  it('returns events, retries, comments, errors and the last event ID', () => {
    const result = parse(bytes(':c\nretry: 5\nid: 1\ndata: x\n\nid: 2\n\n'));
    assert.deepEqual(result.events, [{ type: 'message', data: 'x', id: '1', event: undefined }]);
    assert.deepEqual(result.retries, [5]);
    assert.deepEqual(result.comments, ['c']);
    assert.deepEqual(result.errors, []);
    assert.equal(result.lastEventId, '2');
    assert.equal(result.trace, undefined);
  });

  it('returns the core trace on request', () => {
    const { trace } = parse('\uFEFFdata: x\n\n', { trace: true });
    assert.deepEqual(trace[0], { type: 'bom', offset: 0 });
    assert.deepEqual(trace[1], { type: 'line', start: 3, end: 10, terminator: 'lf', kind: 'field', field: 'data' });
  });
});

describe('encode', () => {
  it('writes events that parse back to themselves', () => {
    const items = [
      { event: 'update', data: 'line 1\nline 2\r\nline 3', id: '1', retry: 2500 },
      { comment: 'keep-alive\nsecond line' },
      { data: '' },
      { data: '{"a":1}', id: '' },
    ];
    const wire = encode(items);
    assert.equal(
      wire,
      'event: update\nid: 1\nretry: 2500\ndata: line 1\ndata: line 2\ndata: line 3\n\n: keep-alive\n: second line\ndata:\n\nid:\ndata: {"a":1}\n\n',
    );
    const back = parse(wire);
    assert.deepEqual(back.events.map((e) => [e.type, e.data, e.id]), [
      ['update', 'line 1\nline 2\nline 3', '1'],
      ['message', '', '1'],
      ['message', '{"a":1}', ''],
    ]);
    assert.deepEqual(back.comments, ['keep-alive', 'second line']);
    assert.deepEqual(back.retries, [2500]);
  });

  it('writes CRLF line endings on request', () => {
    assert.equal(encode([{ data: 'a' }], { lineEnding: 'crlf' }), 'data: a\r\n\r\n');
    assert.throws(() => encode([{ data: 'a' }], { lineEnding: 'cr' }), TypeError);
  });

  it('refuses, with a TypeError, an item it could only write by dropping part of it', () => {
    // A field of the wrong type (serde's bare Error before), and a comment with event fields.
    // (argument-errors.test.mjs has the other fields and values.)
    assert.throws(() => encode([{ data: 'x', retry: '100' }]), { name: 'TypeError', message: /^encode\(\): item 0: retry must be .*, got string "100"$/ });
    assert.throws(() => encode([{ data: 5 }]), { name: 'TypeError', message: 'encode(): item 0: data must be a string, got number 5' });
    assert.throws(() => encode([{ data: 'ok' }, { comment: 'heartbeat', id: '7', data: 'payload' }]), {
      name: 'TypeError',
      message: 'encode(): item 1: a comment item has no event, data, id or retry',
    });
    assert.equal(encode([{ comment: 'heartbeat' }]), ': heartbeat\n');
  });

  it('throws a typed EncodeError for an id or event type that cannot be sent', () => {
    assert.throws(() => encode([{ data: 'ok' }, { id: 'a\nb', data: 'x' }]), (error) => {
      assert.ok(error instanceof EncodeError && error instanceof SsertError);
      assert.equal(error.name, 'EncodeError');
      assert.equal(error.code, 'ID_HAS_NEWLINE');
      assert.equal(error.offset, 1);
      assert.equal(error.index, 1);
      return true;
    });
    assert.throws(() => encode([{ id: 'a\0', data: 'x' }]), { code: 'ID_HAS_NUL', offset: 1, index: 0 });
    assert.throws(() => encode([{ event: 'a\rb', data: 'x' }]), { code: 'EVENT_TYPE_HAS_NEWLINE', offset: 1 });
    for (const data of [undefined, null]) {
      assert.throws(() => encode([{ data: 'ok' }, { event: 'ping', data }]), {
        name: 'EncodeError',
        code: 'EVENT_TYPE_WITHOUT_DATA',
        offset: 0,
        index: 1,
      });
    }
  });

  it('sends the id and retry of an item without data, and no event', () => {
    const wire = encode([{ retry: 3000 }, { id: '7', data: null }, { data: 'after' }, { event: 'ping', data: '' }]);
    assert.equal(wire, 'retry: 3000\n\nid: 7\n\ndata: after\n\nevent: ping\ndata:\n\n');
    const back = parse(wire);
    assert.deepEqual(
      back.events.map((e) => [e.type, e.data, e.id]),
      [
        ['message', 'after', '7'],
        ['ping', '', '7'],
      ],
    );
    assert.deepEqual(back.retries, [3000]);
  });

  it('throws a TypeError for items that are not iterable, instead of encoding nothing', () => {
    for (const items of [{ data: 'x' }, 5, null, undefined, true]) {
      assert.throws(() => encode(items), { name: 'TypeError', message: /^encode\(\): expected an iterable of items/ });
    }
    // Any iterable is fine: a generator, a Set.
    assert.equal(encode((function* () { yield { data: 'a' }; })()), 'data: a\n\n');
    assert.equal(encode(new Set([{ data: 'b' }])), 'data: b\n\n');
    assert.equal(encode([]), '');
  });

  it('keeps retry values above 2^53 exact when given as BigInt', () => {
    assert.equal(encode([{ retry: 18446744073709551615n, data: 'x' }]), 'retry: 18446744073709551615\ndata: x\n\n');
  });
});

it('UsageError is an SsertError', () => {
  assert.ok(new UsageError('PARSER_FREED', 'x') instanceof SsertError);
});
