// Reads one batch of the wasm engine (layout: bindings-js/src/batch.rs) and calls the handlers in
// stream order. Shared by the wasm-bindgen entry points and the k6 (wasm2js) entry point.
import { ParseError } from './errors.js';

// Record tags, the "no event field" marker and the ASCII-buffer bit: must match src/batch.rs.
const TAG_EVENT = 0;
const TAG_RETRY = 1;
const TAG_COMMENT = 2;
const TAG_ERROR = 3;
const NO_EVENT_FIELD = 0xffffffff;
const ASCII_FLAG = 0x80000000;
const LENGTH_MASK = 0x7fffffff;
const TWO_POW_32 = 4294967296;

/** Rebuilds a 64-bit value from its two words: a number when exact, else a BigInt. */
export function joinU64(low, high) {
  if (high < 0x200000) return high * TWO_POW_32 + low;
  return (BigInt(high) << 32n) | BigInt(low);
}

/**
 * Delivers the records `ops[0..words)` to `handlers` ({ onEvent, onRetry, onComment, onError },
 * each optional), slicing strings out of `utf8` and `ascii`, the batch's two decoded buffers.
 *
 * If a handler throws, the records after the one it was given go to `keep` as a batch of their
 * own (`{ ops, words, utf8, ascii }`, owning its memory) before the exception propagates, so the
 * caller can deliver them later: nothing parsed is lost to a throwing callback.
 */
export function deliver(ops, words, utf8, ascii, handlers, keep) {
  const { onEvent, onRetry, onComment, onError } = handlers;
  let utf8At = 0;
  let asciiAt = 0;
  const take = (word) => {
    const len = word & LENGTH_MASK;
    if (word & ASCII_FLAG) {
      asciiAt += len;
      return ascii.slice(asciiAt - len, asciiAt);
    }
    utf8At += len;
    return utf8.slice(utf8At - len, utf8At);
  };
  let at = 0;
  try {
    while (at < words) {
      switch (ops[at]) {
        case TAG_EVENT: {
          const event = ops[at + 1] === NO_EVENT_FIELD ? undefined : take(ops[at + 1]);
          const data = take(ops[at + 2]);
          const id = take(ops[at + 3]);
          at += 4;
          if (onEvent !== undefined) onEvent({ type: event ?? 'message', data, id, event });
          break;
        }
        case TAG_RETRY: {
          const value = joinU64(ops[at + 1], ops[at + 2]);
          at += 3;
          if (onRetry !== undefined) onRetry(value);
          break;
        }
        case TAG_COMMENT: {
          const comment = take(ops[at + 1]);
          at += 2;
          if (onComment !== undefined) onComment(comment);
          break;
        }
        case TAG_ERROR: {
          const code = take(ops[at + 1]);
          const message = take(ops[at + 2]);
          const offset = joinU64(ops[at + 3], ops[at + 4]);
          at += 5;
          if (onError !== undefined) onError(new ParseError(code, message, Number(offset)));
          break;
        }
        default:
          throw new CorruptBatch(ops[at]);
      }
    }
  } catch (error) {
    // `at`, `utf8At` and `asciiAt` are already past the record whose handler threw.
    if (!(error instanceof CorruptBatch) && at < words && keep !== undefined) {
      keep({ ops: ops.slice(at, words), words: words - at, utf8: utf8.slice(utf8At), ascii: ascii.slice(asciiAt) });
    }
    throw error;
  }
}

/** A record tag the wrapper does not know: engine and wrapper are out of sync. */
class CorruptBatch extends Error {
  constructor(tag) {
    super(`ssert: corrupt batch record tag ${tag} (engine and wrapper out of sync)`);
  }
}

/**
 * Batches parsed but not yet delivered because a handler threw, in stream order. Both parsers
 * (the wasm-bindgen one and the k6 one) keep one, and deliver what it holds before anything new.
 * (Plain properties, no `#private` fields: k6 loads this module too.)
 */
export class UndeliveredBatches {
  constructor() {
    this.batches = [];
  }

  isEmpty() {
    return this.batches.length === 0;
  }

  push(batch) {
    this.batches.push(batch);
  }

  /** Takes the oldest batch out. */
  next() {
    return this.batches.shift();
  }

  clear() {
    this.batches = [];
  }

  /**
   * Delivers `batch` to `handlers`. If one throws, the rest of the batch goes first in line (a
   * rest kept earlier, by a nested feed, comes later in the stream) and the exception propagates.
   */
  deliver({ ops, words, utf8, ascii }, handlers) {
    deliver(ops, words, utf8, ascii, handlers, (rest) => this.batches.unshift(rest));
  }
}
