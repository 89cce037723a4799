// Type-checks a k6 script using every export of `ssert/k6` against the hand-written k6.d.ts
// (with k6's own types from @types/k6).
import { check } from 'k6';
import http from 'k6/http';
import {
  createMetrics,
  parse,
  ParseError,
  Parser,
  Recorder,
  RecordingError,
  recordReport,
  SsertError,
  UsageError,
  validate,
  type SseMetrics,
} from 'ssert/k6';

const metrics: SseMetrics = createMetrics('sse');

export default function (): void {
  const parser = new Parser({ maxLineLen: 1024, onError: (error: ParseError) => void error.code });
  const response = http.get('http://127.0.0.1:1/events', { responseType: 'binary' });
  const events = parser.feed(response.body as ArrayBuffer).concat(parser.end());
  const retry: number | bigint | undefined = parser.reconnectionTime;
  const lastId: string = parser.lastEventId;
  parser.reset();
  parser.free();
  const recorder = new Recorder({ source: 'types' });
  recorder.add(response, { headers: { Accept: 'text/event-stream' } });
  try {
    const report = validate(recorder.toJSON(), { disable: ['buffered-transport'], idOrder: (a: string, b: string) => a.length - b.length || (a < b ? -1 : 1) });
    recordReport(metrics, report, { name: 'types' });
  } catch (error) {
    if (error instanceof RecordingError || error instanceof UsageError || error instanceof SsertError) void error.code;
  }
  const whole = parse('data: x\n\n');
  check(whole, { 'one event': (r) => r.events.length === 1 && events.length >= 0 && retry !== 0 && lastId !== 'x' });
}
