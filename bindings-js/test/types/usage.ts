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
const items: EncodeItem[] = [{ data: 'x', id: '1', event: 'e', retry: 5 }, { comment: 'c' }, { data: 'y', retry: 1n }];
const wire: string = encode(items, { lineEnding: 'crlf' });

function describeError(error: unknown): string {
  if (error instanceof EncodeError) return `${error.code} item ${error.index} byte ${error.offset}`;
  if (error instanceof UsageError) return error.code;
  if (error instanceof SsertError) return `${error.name} ${error.code}`;
  return String(error);
}

const bytes: number = wasmMemoryBytes();
export { readBody, describeError, lastId, retry, offset, trace, wire, bytes, received };
