// Type declarations of the npm package `ssert` (Node and browser entry points).

/** One dispatched event. */
export interface SsertEvent {
  /** The event type: the `event:` field, or `"message"` when the block had none. */
  type: string;
  /** The data buffer: `data:` lines joined by LF (final LF removed). */
  data: string;
  /** The last event ID in force at dispatch (`""` if none), like `MessageEvent.lastEventId`. */
  id: string;
  /** The raw `event:` field value, or `undefined` when the block had none (as in eventsource-parser). */
  event: string | undefined;
}

/** Parser limits; every key optional (defaults: 4 MiB line, 16 MiB event data, 24 MiB buffered). */
export interface ParserOptions {
  /** Longest line in bytes; longer lines are skipped with a `LINE_TOO_LONG` error. */
  maxLineLen?: number;
  /** Largest data buffer in bytes; larger events are dropped with an `EVENT_TOO_LARGE` error. */
  maxEventSize?: number;
  /** Most bytes held across chunks; beyond it `BUFFER_LIMIT` is reported. */
  maxBuffered?: number;
  /** Report invalid UTF-8 as `INVALID_UTF8` errors (decoding still replaces it with U+FFFD). */
  strictUtf8?: boolean;
}

/** Callbacks of `createParser`, called synchronously from `feed()` and `end()`, in stream order. */
export interface ParserCallbacks {
  /** Each dispatched event. */
  onEvent?: (event: SsertEvent) => void;
  /** Each valid `retry` field (milliseconds; a BigInt above 2^53 - 1), whether or not an event follows. */
  onRetry?: (retry: number | bigint) => void;
  /** Each comment line: the text after `:` with one leading space removed. */
  onComment?: (comment: string) => void;
  /** Each problem in the stream; parsing goes on. */
  onError?: (error: ParseError) => void;
}

/** A push parser: feed chunks in any split, get the same callbacks as for the whole stream. */
export interface EventStreamParser {
  /** Parses the next chunk: bytes (split anywhere) or a string (its UTF-8 encoding). */
  feed(chunk: Uint8Array | ArrayBuffer | ArrayBufferView | string): void;
  /** Ends the stream; the parser is then ready for the next stream (a reconnect). */
  end(): void;
  /** Back to a fresh parser (forgets the last event ID and the reconnection time too). */
  reset(): void;
  /** Releases the wasm memory now; the parser cannot be used afterwards. */
  free(): void;
  /** The last event ID committed by a dispatch: what a reconnect sends as `Last-Event-ID`. */
  readonly lastEventId: string;
  /** The last valid `retry` value, or `undefined`. */
  readonly reconnectionTime: number | bigint | undefined;
  /** Bytes fed so far in the current stream (UTF-8 bytes for string chunks). */
  readonly offset: number;
}

/** Creates a push parser; same call shape as eventsource-parser's `createParser`. */
export function createParser(callbacks?: ParserCallbacks & ParserOptions): EventStreamParser;

/** Options of `EventStreamParserStream`. */
export interface ParserStreamOptions extends ParserOptions {
  /** `'terminate'` errors the stream on the first parse error; a function receives each; default: ignored. */
  onError?: 'terminate' | ((error: ParseError) => void);
  onRetry?: (retry: number | bigint) => void;
  onComment?: (comment: string) => void;
}

/** A `TransformStream` from bytes (a `fetch` body) or strings to events. */
export class EventStreamParserStream extends TransformStream<Uint8Array | ArrayBuffer | string, SsertEvent> {
  constructor(options?: ParserStreamOptions);
}

/** Options of `parse`. */
export interface ParseOptions extends ParserOptions {
  /** Also return the core's diagnostic trace (one record per line, BOM, ignored fields, discarded tail). */
  trace?: boolean;
}

/** One record of the core's diagnostic trace (the JSON form of `ssert_core::Trace`). */
export type TraceRecord =
  | { type: 'bom'; offset: number }
  | {
      type: 'line';
      start: number;
      end: number;
      terminator: 'cr' | 'lf' | 'crlf' | 'eof';
      kind: 'blank' | 'comment' | 'field' | 'oversized';
      field?: 'data' | 'event' | 'id' | 'retry' | 'unknown';
    }
  | { type: 'ignored_id'; offset: number }
  | { type: 'invalid_retry'; offset: number }
  | { type: 'discarded_tail'; start: number; end: number };

/** Everything `parse` found in a whole stream. */
export interface ParseResult {
  events: SsertEvent[];
  retries: Array<number | bigint>;
  comments: string[];
  errors: ParseError[];
  /** The last event ID after the end of the stream (what a reconnect would send). */
  lastEventId: string;
  /** Present when `trace: true` was passed. */
  trace?: TraceRecord[];
}

/** Parses a whole stream at once (feed + end). */
export function parse(input: Uint8Array | ArrayBuffer | ArrayBufferView | string, options?: ParseOptions): ParseResult;

/** One item of `encode`'s input: an event, or a comment. */
export type EncodeItem =
  | {
      /** Event type; omitted from the wire when undefined. */
      event?: string;
      /** Data; CR, LF and CRLF split it into several `data:` lines. */
      data?: string;
      /** Event ID; `""` writes `id:` (resets the last event ID). */
      id?: string;
      /** Reconnection time in milliseconds. */
      retry?: number | bigint;
      comment?: undefined;
    }
  | {
      /** Comment text; multi-line text becomes several `:` lines. */
      comment: string;
    };

/** Options of `encode`. */
export interface EncodeOptions {
  /** Line ending written after every line (default `"lf"`). */
  lineEnding?: 'lf' | 'crlf';
}

/** Encodes events to the wire format; throws `EncodeError` for an event that cannot be sent. */
export function encode(items: Iterable<EncodeItem>, options?: EncodeOptions): string;

/** Base class of every error ssert reports or throws. */
export class SsertError extends Error {
  /** Stable machine-readable code, e.g. `"INCOMPLETE_EVENT"` (the core's `ErrorKind::code`). */
  readonly code: string;
  /** Byte offset in the stream (or in the encoded value); -1 when there is none. */
  readonly offset: number;
  constructor(code: string, message: string, offset: number);
}

/** A problem in the stream reported by the parser through `onError`; parsing goes on. */
export class ParseError extends SsertError {
  readonly name: 'ParseError';
}

/** Thrown by `encode` for an event whose `event` or `id` cannot be written. */
export class EncodeError extends SsertError {
  readonly name: 'EncodeError';
  /** Index of the failing item. */
  readonly index: number;
  constructor(code: string, message: string, offset: number, index: number);
}

/** Thrown when a parser is used after `free()` (code `PARSER_FREED`). */
export class UsageError extends SsertError {
  readonly name: 'UsageError';
  constructor(code: string, message: string);
}

/**
 * Size in bytes of the wasm engine's linear memory (grows when needed, never shrinks): a flat value
 * over many parser lifetimes shows memory is released.
 */
export function wasmMemoryBytes(): number;
