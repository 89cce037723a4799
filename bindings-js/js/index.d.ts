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
  /**
   * The last event ID committed by a dispatch: what a reconnect sends as `Last-Event-ID`.
   * Settable: a client resuming a stream it read earlier starts out with the id it kept (an `id`
   * field of the stream replaces it as usual). An id with CR, LF or NUL throws an `EncodeError`
   * (`ID_HAS_NEWLINE` or `ID_HAS_NUL`, with its offset), as encoding it would: no stream can set
   * one, and a `Last-Event-ID` header cannot carry CR or LF.
   */
  lastEventId: string;
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
      /**
       * Data; CR, LF and CRLF split it into several `data:` lines, and `''` is an event with empty
       * data. Without data (`undefined` or `null`) the item is no event: only its `id` and `retry`
       * are sent, and an `event` type throws `EVENT_TYPE_WITHOUT_DATA`.
       */
      data?: string | null;
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

/**
 * Encodes events to the wire format; throws `EncodeError` for an event that cannot be sent, and
 * a `TypeError` when `items` is not iterable (a lone item: pass `[item]`).
 */
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

/** Thrown by `encode` for an item that cannot be written: a newline in `event` or `id`, a NUL in `id`, or an `event` without `data`. */
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

// ---- Recording, reconnecting, validating -------------------------------------------------------

/** `[name, value]` pairs, as sent. */
export type HeaderPairs = Array<[string, string]>;

/** How a recorded connection ended. */
export type EndKind = 'eof' | 'client_closed' | 'network_error' | 'timeout';

/** One connection of a recording (shared recording format, version 1). */
export interface RecordedConnection {
  request: { method: string; url: string; t: number; headers: HeaderPairs | null };
  response?: { status: number; t?: number; headers: HeaderPairs };
  /**
   * Body reads: `t` in ms since the session start, `data` the base64 of the bytes (or `text`).
   * `null` when the body was not recorded (a HAR entry without its response text): the validator
   * then reports what depends on the body as not checked instead of reading an empty body.
   */
  chunks: Array<{ t: number; data?: string; text?: string }> | null;
  end?: { kind: EndKind; t: number; message?: string };
}

/** What the server says it published: the source of truth for loss and duplicate checks. */
export interface ExpectedEvent {
  id: string;
  type?: string;
  data?: string;
}

/** A recorded session in the shared, language-neutral recording format (version 1). */
export interface Recording {
  format: 'ssert-recording';
  version: 1;
  timing?: 'monotonic' | 'none';
  source?: string;
  connections: RecordedConnection[];
  /**
   * The events the server published, in order, each id once (a log that repeats an id is a
   * `RecordingError`). Absent: no log. `[]`: the server published nothing, so every event
   * delivered is an SSE407 finding.
   */
  expected?: ExpectedEvent[];
}

/** Handle of one connection being recorded. */
export interface ConnectionHandle {
  readonly record: RecordedConnection;
  response(head: { status: number; headers?: Headers | HeaderPairs | Record<string, string> }): void;
  chunk(bytes: Uint8Array | ArrayBuffer | string): void;
  end(kind: EndKind, message?: string): void;
}

/** Describes a request as sent. */
export interface RequestInfo {
  url: string | URL;
  method?: string;
  /**
   * The request headers as sent (`Last-Event-ID` included). Without them (undefined or null) the
   * recording says `headers: null`, "not observed", and the validator reports the rules that need
   * them as not checked; an empty list says that no header was sent.
   */
  headers?: Headers | HeaderPairs | Record<string, string> | null;
}

/** Records connections into the shared recording format, with monotonic ms timestamps. */
export class Recorder {
  constructor(options?: { source?: string });
  /** Milliseconds since the session started. */
  now(): number;
  /** Starts recording a connection (the request as sent). */
  connection(request?: RequestInfo): ConnectionHandle;
  /** Records a fetch `Response` to its end; `onChunk` sees each chunk as it arrives. */
  record(
    response: Response,
    options?: { request?: RequestInfo; onChunk?: (bytes: Uint8Array) => void; signal?: AbortSignal },
  ): Promise<RecordedConnection>;
  /** Records any byte stream as one connection. */
  recordStream(
    body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>,
    options?: {
      request?: RequestInfo;
      status?: number;
      headers?: Headers | HeaderPairs | Record<string, string>;
      onChunk?: (bytes: Uint8Array) => void;
      signal?: AbortSignal;
    },
  ): Promise<RecordedConnection>;
  /**
   * Adds published events to the recording's `expected` log (ids unique across calls). With no
   * event given at all, the recording has no log.
   */
  expect(events: Iterable<{ id: string | number; type?: string; data?: string }>): void;
  /** The recording (a copy). */
  toJSON(): Recording;
}

/** Options of `connect`. */
export interface ConnectOptions extends ParserCallbacks, ParserOptions {
  /** The fetch to use (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /**
   * Extra request headers (names case-insensitive; they replace the defaults `Accept` and
   * `Cache-Control`). A `Last-Event-ID` is the id the session starts with, as if read earlier:
   * sent on the first request and on reconnects until the stream sets another.
   */
  headers?: Record<string, string> | [string, string][] | Headers;
  /** Reconnection time until the server sends `retry` (default 3000 ms). */
  retry?: number;
  /** Stop after this many connections (default: unlimited). */
  maxConnections?: number;
  /** Close after this many events (default: unlimited); later events, even of the same chunk, are not delivered. `0` connects not at all. */
  maxEvents?: number;
  /** Record into this recorder (default: a new one). */
  recorder?: Recorder;
  /** Called with each response that opens the stream. Like every callback, what it throws ends the session (`done` rejects with it). */
  onOpen?: (response: Response) => void;
  /** Aborting it closes the session. */
  signal?: AbortSignal;
}

/**
 * Why a `connect` session ended; a refused response gives `status <code> <Content-Type>`, or
 * `status <code>` when it had no Content-Type.
 */
export type StopReason = 'no-content' | 'closed' | 'max-events' | 'max-connections' | `status ${string}`;

/** A running `connect` session. */
export interface Connection {
  /** The last event ID seen: what the next reconnect sends as `Last-Event-ID`. */
  readonly lastEventId: string;
  readonly recorder: Recorder;
  /** Stops the session (the open connection is recorded as `client_closed`). */
  close(): void;
  /**
   * Resolves when the session ended, with why and the recording of every connection. Rejects
   * with what a callback threw (the connection is then recorded as `client_closed`; the
   * recording stays in `recorder`).
   */
  readonly done: Promise<{ reason: StopReason; recording: Recording }>;
}

/**
 * Opens an SSE stream with fetch and reconnects like EventSource (Last-Event-ID, retry, 204), recording it.
 * Throws a `TypeError` at once for a URL that does not parse (relative URLs resolve against the
 * page's base URL) or an invalid header.
 */
export function connect(url: string | URL, options?: ConnectOptions): Connection;

/** Severity of a finding. */
export type Severity = 'error' | 'warning' | 'info';

/** One problem the validator found. */
export interface Finding {
  /** Stable rule code, e.g. `"SSE403"`. */
  code: string;
  /** Rule name, e.g. `"resume-point"`. */
  name: string;
  severity: Severity;
  message: string;
  connection: number | null;
  event: number | null;
  offset: number | null;
  /** A time from the recording: a BigInt when beyond `Number.MAX_SAFE_INTEGER`. */
  t: number | bigint | null;
  excerpt: string | null;
}

/**
 * The validator's report (the shared report JSON; `stats` as documented by the core). Every
 * integer is a number, except one beyond `Number.MAX_SAFE_INTEGER`, which is a BigInt so that no
 * digit is lost: such values come only from the recording (a `t`, a `retry` of 2^64 - 1 in
 * `stats`).
 */
export interface Report {
  format: 'ssert-report';
  version: number;
  passed: boolean;
  fail_on: Severity;
  errors: number;
  warnings: number;
  infos: number;
  /** The findings kept, in the order found: at most `window.findings`. */
  findings: Finding[];
  /** Findings counted (in `errors`, `warnings`, `infos`) but not kept. */
  findings_dropped: number;
  /**
   * Rules that could not be checked: every note about the whole session (`connection: null`),
   * and the first `window.findings` notes about one connection.
   */
  not_checked: Array<{ code: string; name: string; connection: number | null; reason: string }>;
  /** Notes about one connection counted but not kept (past `window.findings`). */
  not_checked_dropped: number;
  stats: Record<string, unknown> & { events?: number; reconnects?: number };
}

/** How ids are ordered (`ids.order`). `custom` is the order given by `idOrder`. */
export type IdOrderKind = 'auto' | 'integer' | 'lexicographic' | 'ulid' | 'uuid7' | 'custom' | 'none';

/** Whether a sequence rule looks at each connection alone or at the whole session. */
export type RuleScope = 'connection' | 'session';

/**
 * The validator's options: the shared `ValidateOptions` JSON (snake_case, same in every binding).
 * Every key is optional; an unknown key, at any depth, is rejected with a `RecordingError`
 * (`INVALID_OPTIONS`). Durations are milliseconds, sizes bytes.
 */
export interface ValidateOptions {
  /** A preset for a known protocol; explicit options override it. */
  profile?: 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'mcp' | 'mcp-2025-03-26' | 'mcp-2025-06-18' | 'mcp-2025-11-25';
  /** Lowest severity that makes the report fail (default `error`). */
  fail_on?: Severity;
  /** Rules to turn on, by code (`SSE307`) or name. */
  enable?: string[];
  /** Rules to turn off, by code or name. */
  disable?: string[];
  /** Severity overrides, by rule code or name. */
  severity?: Record<string, Severity>;
  ids?: {
    /** Every event block must carry its own `id` (default true; SSE301). */
    required?: boolean;
    /** The order ids must strictly increase in (default `auto`; SSE302). */
    order?: IdOrderKind;
    /** Integer ids go up by one: gaps are lost events, a resume starts at `Last-Event-ID + 1` (default false). */
    consecutive?: boolean;
  };
  retry?: {
    /** Each 200 connection must send a valid `retry` (default false). */
    required?: boolean;
    /** Smallest acceptable value (default 100). */
    min_ms?: number;
    /** Largest acceptable value (default 600000). */
    max_ms?: number;
  };
  heartbeat?: {
    /** Longest time without any byte on an open connection (default 30000). */
    max_silence_ms?: number;
  };
  time_to_first_event?: {
    /** Longest time from request start to the first event (default 10000). */
    max_ms?: number;
  };
  event_types?: {
    /** The allowed event types (`message` for blocks without `event:`); enables SSE307. */
    allowed?: string[];
  };
  data_json?: {
    /** Only events of these types must carry JSON (default all); enables SSE308. */
    types?: string[];
  };
  grammar?: {
    /** A regular expression over event types; enables SSE309. */
    pattern?: string;
    /** Per connection or per session (default `session`). */
    scope?: RuleScope;
  };
  terminal?: {
    /** Event types after which nothing may follow; enables SSE310. */
    types?: string[];
    /** Per connection or per session (default `session`). */
    scope?: RuleScope;
  };
  reconnect?: {
    /** A reconnect may come this much sooner than `retry` (default 0). */
    slack_ms?: number;
    /** After which connection ends the delay is checked (default `eof`, `network_error`, `timeout`). */
    after?: EndKind[];
  };
  /** The parser's limits while validating (defaults: the parser's). */
  limits?: {
    max_line_len?: number;
    max_event_size?: number;
    max_buffered?: number;
  };
  /** What the streaming validator keeps, so memory stays bounded. */
  window?: {
    /** Opaque ids remembered for duplicate detection, and integer-id ranges (default 100000). */
    ids?: number;
    /** Per-connection stats kept in the report (default 10000). */
    connections?: number;
    /** Findings kept (default 1000; the rest are only counted). */
    findings?: number;
    /** Bytes of recent body kept per connection for excerpts (default 4096). */
    excerpt_bytes?: number;
  };
  /**
   * Orders ids your way (negative: `a` comes first) for the id-order and resume rules, over a
   * profile's order too. `ids.order` must then be unset, `'auto'` or `'custom'`: another order
   * contradicts it (`RecordingError` `INVALID_OPTIONS`). A function, so not part of the JSON
   * options the Rust and Python validators share.
   */
  idOrder?: (a: string, b: string) => number;
}

/** A recording's text: a string, or its UTF-8 bytes (e.g. a `Buffer` from `readFileSync`). */
export type RecordingText = string | ArrayBuffer | ArrayBufferView;

/**
 * Validates a recording (an object, or its JSON, JSON Lines or HAR text) with the core validator.
 * Bytes that are not UTF-8 throw a `RecordingError`; a value that is neither a recording object
 * nor text (`undefined`, a number) a `TypeError`.
 */
export function validate(recording: Recording | RecordingText, options?: ValidateOptions): Report;

/** Reads a JSON Lines recording into a recording object (`TypeError` if `text` is not text). */
export function recordingFromJSONLines(text: RecordingText): Recording;

/**
 * Imports a HAR file as a recording (timing `none`; `TypeError` if `text` is not text). An entry
 * whose body the HAR did not capture is kept with `chunks: null` (body unknown); a browser's
 * `response._error` ends the connection `client_closed` (`net::ERR_ABORTED`) or `network_error`.
 */
export function recordingFromHAR(text: RecordingText): Recording;

/** A recording or validator options that could not be read (`INVALID_RECORDING`, `INVALID_OPTIONS`). */
export class RecordingError extends SsertError {
  readonly name: 'RecordingError';
  /** 1-based line of the input where reading failed, if known. */
  readonly line: number | undefined;
  constructor(code: string, message: string, line?: number);
}
