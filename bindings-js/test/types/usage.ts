// Type-checks (tsc --noEmit) a program that uses every export of the installed `ssert` package,
// so the hand-written .d.ts files are compiled against real use in CI.
import {
  createParser,
  EncodeError,
  encode,
  EventStreamParserStream,
  parse,
  ParseError,
  SsertError,
  UsageError,
  wasmMemoryBytes,
  connect,
  Recorder,
  RecordingError,
  recordingFromHAR,
  recordingFromJSONLines,
  validate,
  type Connection,
  type Finding,
  type Recording,
  type Report,
  type ValidateOptions,
  type EncodeItem,
  type EventStreamParser,
  type ParseResult,
  type SsertEvent,
  type TraceRecord,
} from 'ssert';

const received: SsertEvent[] = [];
const parser: EventStreamParser = createParser({
  onEvent: (event) => {
    const type: string = event.type;
    const raw: string | undefined = event.event;
    received.push({ type, data: event.data, id: event.id, event: raw });
  },
  onRetry: (retry: number | bigint) => void retry,
  onComment: (comment: string) => void comment,
  onError: (error: ParseError) => void [error.code, error.offset, error.name, error.message],
  maxLineLen: 1024,
  maxEventSize: 4096,
  maxBuffered: 8192,
  strictUtf8: true,
});
parser.feed(new Uint8Array([0x3a, 0x0a]));
parser.feed('data: x\n\n');
parser.feed(new ArrayBuffer(0));
parser.end();
parser.reset();
const lastId: string = parser.lastEventId;
const retry: number | bigint | undefined = parser.reconnectionTime;
const offset: number = parser.offset;
parser.free();

async function readBody(response: Response): Promise<string[]> {
  const data: string[] = [];
  const events = response.body!.pipeThrough(new EventStreamParserStream({ onError: 'terminate', maxLineLen: 64 }));
  const reader = events.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) data.push(next.value.data);
  return data;
}

const result: ParseResult = parse('data: y\n\n', { trace: true, strictUtf8: false });
const trace: TraceRecord[] | undefined = result.trace;
const items: EncodeItem[] = [{ data: 'x', id: '1', event: 'e', retry: 5 }, { comment: 'c' }, { data: 'y', retry: 1n }, { retry: 3000 }, { id: '2', data: null }];
const wire: string = encode(items, { lineEnding: 'crlf' });

function describeError(error: unknown): string {
  if (error instanceof EncodeError) return `${error.code} item ${error.index} byte ${error.offset}`;
  if (error instanceof UsageError) return error.code;
  if (error instanceof SsertError) return `${error.name} ${error.code}`;
  return String(error);
}

const bytes: number = wasmMemoryBytes();

async function session(url: string): Promise<Report> {
  const recorder = new Recorder({ source: 'types' });
  const handle = recorder.connection({ url, headers: { accept: 'text/event-stream' } });
  handle.response({ status: 200, headers: [['content-type', 'text/event-stream']] });
  handle.chunk(new Uint8Array([0x0a]));
  handle.end('eof');
  await recorder.record(await fetch(url), { onChunk: (chunk: Uint8Array) => void chunk.length });
  await recorder.recordStream(new Response('data: x\n\n').body!, { status: 200 });
  recorder.expect([{ id: 1, type: 'tick', data: '{}' }]);
  const live: Connection = connect(url, { maxConnections: 2, maxEvents: 10, retry: 100, recorder, onEvent: (e) => void e.id });
  const { reason, recording } = await live.done;
  const options: ValidateOptions = {
    ids: { order: 'integer', consecutive: true },
    fail_on: 'warning',
    retry: { min_ms: 500 },
    terminal: { types: ['done'], scope: 'connection' },
    reconnect: { after: ['eof', 'network_error'] },
    idOrder: (a: string, b: string) => a.localeCompare(b),
  };
  const report: Report = validate(recording, options);
  // Nested options are typed as strictly as the validator reads them.
  // @ts-expect-error misspelt nested option
  validate(recording, { retry: { min: 500 } });
  // @ts-expect-error not an id order
  validate(recording, { ids: { order: 'numeric' } });
  // @ts-expect-error not a connection end
  validate(recording, { reconnect: { after: ['closed'] } });
  const findings: Finding[] = report.findings;
  const fromLines: Recording = recordingFromJSONLines('');
  const fromHar: Recording = recordingFromHAR('{}');
  try {
    validate('{}');
  } catch (error) {
    if (error instanceof RecordingError) void [error.code, error.line];
  }
  void [reason, findings, fromLines, fromHar, live.lastEventId, recorder.toJSON().connections[0]?.end?.kind];
  return report;
}
export { session, readBody, describeError, lastId, retry, offset, trace, wire, bytes, received };
