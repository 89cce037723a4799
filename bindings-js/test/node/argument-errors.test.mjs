// Arguments of the wrong type or value are TypeErrors that say which option, item or field is
// wrong and what it got (not serde's "invalid type: floating point `-1.0`, expected usize"), and
// a last event ID that no stream could set and no header could carry is refused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createParser, encode, EncodeError, EventStreamParserStream, parse } from 'ssert';

/** Asserts that `fn` throws a plain TypeError whose message is exactly `message`. */
function throwsTypeError(fn, message) {
  assert.throws(fn, (error) => {
    assert.equal(error.constructor, TypeError);
    assert.equal(error.message, message);
    return true;
  });
}

describe('parser options', () => {
  const LIMIT = 'must be an integer from 0 to 2^32 - 1';
  const cases = [
    [{ maxLineLen: -1 }, `ssert: maxLineLen ${LIMIT}, got number -1`],
    [{ maxEventSize: 1.5 }, `ssert: maxEventSize ${LIMIT}, got number 1.5`],
    [{ maxBuffered: 2 ** 32 }, `ssert: maxBuffered ${LIMIT}, got number 4294967296`],
    [{ maxLineLen: NaN }, `ssert: maxLineLen ${LIMIT}, got number NaN`],
    [{ maxLineLen: '10' }, `ssert: maxLineLen ${LIMIT}, got string "10"`],
    [{ maxLineLen: -1n }, `ssert: maxLineLen ${LIMIT}, got bigint -1n`],
    [{ maxLineLen: true }, `ssert: maxLineLen ${LIMIT}, got boolean true`],
    [{ maxLineLen: {} }, `ssert: maxLineLen ${LIMIT}, got an object`],
    [{ maxLineLen: [1] }, `ssert: maxLineLen ${LIMIT}, got an array`],
    [{ maxLineLen: new Uint8Array(2) }, `ssert: maxLineLen ${LIMIT}, got an object (Uint8Array)`],
    [{ strictUtf8: 1 }, 'ssert: strictUtf8 must be a boolean, got number 1'],
    [{ strictUtf8: 'yes' }, 'ssert: strictUtf8 must be a boolean, got string "yes"'],
    // The first bad one, in the order maxLineLen, maxEventSize, maxBuffered, strictUtf8.
    [{ maxBuffered: 'x', maxLineLen: -1 }, `ssert: maxLineLen ${LIMIT}, got number -1`],
  ];

  it('createParser names the bad option and what it got', () => {
    for (const [options, message] of cases) throwsTypeError(() => createParser(options), message);
  });

  it('parse(), parse(…, { trace }), EventStreamParserStream and connect() say the same', () => {
    for (const [options, message] of cases) {
      throwsTypeError(() => parse('data: x\n\n', options), message);
      throwsTypeError(() => parse('data: x\n\n', { ...options, trace: true }), message);
      throwsTypeError(() => connect('http://127.0.0.1:1/', { ...options, fetch: async () => new Response('') }), message);
    }
    // The stream makes its parser in start(): the TypeError comes out of the constructor.
    throwsTypeError(() => new EventStreamParserStream({ maxLineLen: -1 }), `ssert: maxLineLen ${LIMIT}, got number -1`);
  });

  it('still accepts what it accepted', () => {
    for (const options of [{ maxLineLen: 0 }, { maxLineLen: 2 ** 32 - 1 }, { maxLineLen: 12n }, { maxLineLen: null }, { maxLineLen: -0 }, { strictUtf8: null }, { maxEventSize: 10.0 }]) {
      createParser(options).free();
    }
    assert.equal(parse('data: xyz\n\n', { maxLineLen: 4 }).errors[0].code, 'LINE_TOO_LONG');
  });
});

describe('encode() items and options', () => {
  it('names the item and the field of the wrong type', () => {
    throwsTypeError(() => encode([{ data: 5 }]), 'encode(): item 0: data must be a string, got number 5');
    throwsTypeError(() => encode([{ data: 'ok' }, { data: 'x', event: {} }]), 'encode(): item 1: event must be a string, got an object');
    throwsTypeError(() => encode([{ id: 7, data: 'x' }]), 'encode(): item 0: id must be a string, got number 7');
    throwsTypeError(() => encode([{ comment: ['a'] }]), 'encode(): item 0: comment must be a string, got an array');
    throwsTypeError(() => encode([{ data: Symbol('s') }]), 'encode(): item 0: data must be a string, got a symbol');
    const RETRY = 'retry must be an integer of ms from 0 to 2^53 - 1, or a BigInt up to 2^64 - 1';
    throwsTypeError(() => encode([{ data: 'x', retry: '100' }]), `encode(): item 0: ${RETRY}, got string "100"`);
    throwsTypeError(() => encode([{ retry: -1 }]), `encode(): item 0: ${RETRY}, got number -1`);
    throwsTypeError(() => encode([{ retry: 1.5 }]), `encode(): item 0: ${RETRY}, got number 1.5`);
    throwsTypeError(() => encode([{ retry: 2 ** 53 }]), `encode(): item 0: ${RETRY}, got number 9007199254740992`);
    throwsTypeError(() => encode([{ retry: 2n ** 64n }]), `encode(): item 0: ${RETRY}, got bigint 18446744073709551616n`);
    throwsTypeError(() => encode([{ data: 'a' }, null]), 'encode(): item 1: expected an object such as { data } or { comment }, got null');
    throwsTypeError(() => encode(['data: x']), 'encode(): item 0: expected an object such as { data } or { comment }, got string "data: x"');
    throwsTypeError(() => encode([{ data: 'ok' }, { comment: 'heartbeat', id: '7', data: 'payload' }]), 'encode(): item 1: a comment item has no event, data, id or retry');
  });

  it('names the bad option', () => {
    throwsTypeError(() => encode([{ data: 'a' }], { lineEnding: 'cr' }), 'encode(): options.lineEnding must be "lf" or "crlf", got string "cr"');
    throwsTypeError(() => encode([{ data: 'a' }], { lineEnding: 5 }), 'encode(): options.lineEnding must be "lf" or "crlf", got number 5');
    throwsTypeError(() => encode([{ data: 'a' }], 'crlf'), 'encode(): options must be an object such as { lineEnding: "crlf" }, got string "crlf"');
  });

  it('encodes what it encoded, and an EncodeError is still an EncodeError', () => {
    assert.equal(encode([{ data: 'a', retry: 10.0 }, { retry: 5n }, { data: null, id: undefined }, { comment: 'c' }], { lineEnding: null }), 'retry: 10\ndata: a\n\nretry: 5\n\n\n: c\n');
    assert.equal(encode([{ retry: 2n ** 64n - 1n }]), 'retry: 18446744073709551615\n\n');
    class Item {
      get data() {
        return 'from a getter';
      }
    }
    assert.equal(encode([new Item(), Object.create({ data: 'inherited' })]), 'data: from a getter\n\ndata: inherited\n\n');
    assert.equal(encode([{ data: '\ud800' }]), 'data: \ufffd\n\n');
    assert.throws(() => encode([{ data: 'x' }, { id: 'a\nb', data: 'x' }]), (error) => error instanceof EncodeError && error.index === 1 && error.code === 'ID_HAS_NEWLINE');
    const thrown = new Error('getter');
    assert.throws(() => encode([{ get data() { throw thrown; } }]), (error) => error === thrown);
  });
});

describe('setting the last event ID', () => {
  const refused = [
    ['a\nb', 'ID_HAS_NEWLINE', 1],
    ['a\rb', 'ID_HAS_NEWLINE', 1],
    ['\r\n', 'ID_HAS_NEWLINE', 0],
    ['a\0b', 'ID_HAS_NUL', 1],
    ['x\n', 'ID_HAS_NEWLINE', 1],
  ];

  it('the parser refuses an id with CR, LF or NUL, says why, and keeps the id it had', () => {
    const parser = createParser();
    parser.lastEventId = '41';
    for (const [id, code, offset] of refused) {
      assert.throws(() => {
        parser.lastEventId = id;
      }, (error) => error instanceof EncodeError && error.code === code && error.offset === offset && /header|ignored/.test(error.message) && error.message.includes(JSON.stringify(id)));
      assert.equal(parser.lastEventId, '41');
    }
    parser.free();
  });

  it('valid ids are set as before', () => {
    const ids = [];
    const parser = createParser({ onEvent: (event) => ids.push(event.id) });
    for (const id of ['', '42', ' spaced ', 'café €', 'tab\there', '\u2028']) {
      parser.lastEventId = id;
      assert.equal(parser.lastEventId, id);
      parser.feed('data: x\n\n');
    }
    parser.lastEventId = 7;
    assert.equal(parser.lastEventId, '7');
    assert.deepEqual(ids, ['', '42', ' spaced ', 'café €', 'tab\there', '\u2028']);
    parser.free();
  });

  it('connect() refuses such a Last-Event-ID in its headers, before any request', () => {
    let requests = 0;
    const fetch = async () => {
      requests += 1;
      return new Response('');
    };
    for (const [id] of refused) {
      for (const headers of [{ 'Last-Event-ID': id }, [['last-event-id', id]]]) {
        assert.throws(() => connect('http://127.0.0.1:1/', { fetch, headers }), (error) => error.constructor === TypeError && /Last-Event-ID/.test(error.message));
      }
    }
    assert.equal(requests, 0);
  });
});
