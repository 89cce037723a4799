// Loads the shared conformance vectors (testdata/parser/*.json, format: /tmp/ssert/VECTORS.md
// mirrored in testdata/README.md) and produces the chunkings every runner feeds them in. Plain
// ESM with no Node APIs except in loadVectors, so the browser page can import the chunking helpers.

/** Decodes standard padded base64 to bytes. */
export function base64ToBytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The vector's input as a string, or undefined when its bytes are not valid UTF-8. */
export function inputText(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** mulberry32: a small seeded PRNG, so random splits are reproducible from SSERT_CHUNK_SEED. */
export function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Every chunking of an input of `length` units (bytes or UTF-16 code units) as lists of cut
 * points: whole, one unit at a time, every single split point (unless `everySplit` is false:
 * the slow k6 runtime skips them), and `randomRuns` seeded random splits.
 */
export function chunkings(length, random, randomRuns = 8, everySplit = true) {
  const plans = [{ name: 'whole', cuts: [] }];
  if (length > 1) {
    plans.push({ name: 'one unit at a time', cuts: Array.from({ length: length - 1 }, (_, i) => i + 1) });
    if (everySplit) for (let at = 1; at < length; at += 1) plans.push({ name: `split at ${at}`, cuts: [at] });
    for (let run = 0; run < randomRuns; run += 1) {
      const cuts = [];
      for (let at = 1; at < length; at += 1) if (random() < 0.3) cuts.push(at);
      plans.push({ name: `random split ${run} at [${cuts}]`, cuts });
    }
  }
  return plans;
}

/** Cuts `input` (a Uint8Array or string) at the given points. */
export function cut(input, cuts) {
  const pieces = [];
  let from = 0;
  for (const at of cuts) {
    pieces.push(input.slice(from, at));
    from = at;
  }
  pieces.push(input.slice(from));
  return pieces;
}

/** The vector's parser options in the JS option bag's spelling. */
export function jsOptions(vector) {
  const o = vector.options ?? {};
  return {
    maxLineLen: o.max_line_len,
    maxEventSize: o.max_event_size,
    maxBuffered: o.max_buffered,
    strictUtf8: o.strict_utf8,
  };
}

/**
 * Feeds the pieces to a parser made by `createParser` and returns what the callbacks saw, in the
 * vectors' JSON shape, plus a list of problems with the JS-side shape of the values.
 */
export function run(createParser, vector, pieces) {
  const seen = { events: [], retries: [], comments: [], errors: [], last_event_id: undefined };
  const shapeProblems = [];
  const parser = createParser({
    ...jsOptions(vector),
    onEvent(event) {
      if (event.type !== (event.event ?? 'message')) shapeProblems.push(`type ${event.type} vs event ${event.event}`);
      seen.events.push({ type: event.type, data: event.data, id: event.id });
    },
    onRetry(value) {
      const exact = typeof value === 'number' ? Number.isSafeInteger(value) : typeof value === 'bigint' && value > 9007199254740991n;
      if (!exact) shapeProblems.push(`retry ${String(value)} is a ${typeof value}`);
      seen.retries.push(typeof value === 'bigint' ? String(value) : value);
    },
    onComment(text) {
      seen.comments.push(text);
    },
    onError(error) {
      if (!(error instanceof Error) || error.name !== 'ParseError') shapeProblems.push(`error ${error} is not a ParseError`);
      seen.errors.push({ code: error.code, offset: error.offset });
    },
  });
  try {
    for (const piece of pieces) parser.feed(piece);
    parser.end();
    seen.last_event_id = parser.lastEventId;
  } finally {
    parser.free();
  }
  return { seen, shapeProblems };
}

/** What the vector expects, in the shape `run` returns. */
export function expected(vector) {
  return {
    events: vector.events,
    retries: vector.retries,
    comments: vector.comments ?? undefined,
    errors: vector.errors ?? [],
    last_event_id: vector.last_event_id,
  };
}
