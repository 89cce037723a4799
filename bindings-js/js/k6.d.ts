// Type declarations of `ssert/k6`, the k6 entry point (same core, translated by wasm2js).
import type { Counter, Rate, Trend } from 'k6/metrics';
import type { ParserCallbacks, ParserOptions, ParseResult, Recording, Report, SsertEvent, ValidateOptions } from './index.js';

export { ParseError, RecordingError, SsertError, UsageError } from './index.js';

/**
 * A push parser for k6 scripts; `feed` returns the events completed by the chunk. Options are
 * checked as `createParser` checks them (a `TypeError` for a bad one).
 *
 * k6 has no finalizers: nothing is freed automatically. Call `free()` for every parser you make,
 * or make one and reuse it (`reset()`).
 */
export class Parser {
  constructor(options?: ParserCallbacks & ParserOptions);
  /** Called from a callback of this parser, returns `[]`: the call under way returns its events. */
  feed(chunk: ArrayBuffer | Uint8Array | ArrayBufferView | string): SsertEvent[];
  end(): SsertEvent[];
  reset(): void;
  /** Releases the parser's memory (never released otherwise); it cannot be used afterwards. */
  free(): void;
  readonly lastEventId: string;
  /** The last valid `retry` value in ms (a BigInt above 2^53 - 1), or `undefined`. */
  readonly reconnectionTime: number | bigint | undefined;
}

/** Parses a whole body at once. */
export function parse(input: ArrayBuffer | Uint8Array | string, options?: ParserOptions): Omit<ParseResult, 'trace'>;

/**
 * Validates a recording with the core validator. `options.idOrder`, as in the main entry point,
 * replaces the built-in id orders; it must not call ssert itself.
 */
export function validate(recording: Recording | string, options?: ValidateOptions): Report;

/**
 * Builds a recording from k6 responses, one connection per response. Timestamps: `Date.now()`
 * (k6 has no monotonic clock) held from ever going back.
 */
export class Recorder {
  constructor(options?: { source?: string });
  /** Milliseconds since the recorder was made, never less than a timestamp already recorded. */
  now(): number;
  /**
   * Records a finished response. The request headers are `request.headers` if given, else k6's
   * `response.request.headers`; with neither they are recorded as `null`, "not observed"
   * (`headers: {}` says none were sent).
   */
  add(
    response: { url: string; status: number; body: ArrayBuffer | string | null; headers: Record<string, string>; timings?: { duration: number; receiving: number }; error_code?: number; request?: { headers?: Record<string, string | string[]> } },
    request?: { method?: string; headers?: Record<string, string> },
  ): Recording['connections'][number];
  toJSON(): Recording;
}

/** The k6 metrics `createMetrics` makes. */
export interface SseMetrics {
  events: Counter;
  violations: Counter;
  passed: Rate;
  timeToFirstEvent: Trend;
  maxEventGap: Trend;
}

/** Makes the SSE metrics (init context): `<prefix>_events`, `_violations` (tagged `severity`), `_validation_passed`, `_time_to_first_event`, `_max_event_gap`. */
export function createMetrics(prefix?: string): SseMetrics;

/** Adds a validation report to the metrics. */
export function recordReport(metrics: SseMetrics, report: Report, tags?: Record<string, string>): void;
