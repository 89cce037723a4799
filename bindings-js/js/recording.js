// The recording document (format version 1, testdata/recording.schema.json) as every JS recorder
// writes it: the `Recorder` of the main entry point and the Playwright recorder.

/** The `expected` items of a published log: `{ id, type?, data? }` with ids as strings. */
export function expectedItems(events) {
  return Array.from(events, ({ id, type, data }) => {
    const item = { id: String(id) };
    if (type !== undefined) item.type = type;
    if (data !== undefined) item.data = data;
    return item;
  });
}

/** A copy of the recording document for `connections` (and the published log, if any). */
export function recordingDocument({ source, connections, expected }) {
  const recording = { format: 'ssert-recording', version: 1, timing: 'monotonic', source, connections };
  if (expected.length > 0) recording.expected = expected;
  return structuredClone(recording);
}
