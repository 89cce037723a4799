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

// The bytes 0x80..0x9f as windows-1252 decodes them: Chromium's DevTools protocol hands header
// bytes over as windows-1252 text.
const WINDOWS_1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The bytes of a string that holds one character per byte (Latin-1, or windows-1252 as the
 * DevTools protocol decodes), or `undefined` when it is not such a string.
 */
export function byteStringBytes(value) {
  const bytes = new Uint8Array(value.length);
  for (let at = 0; at < value.length; at += 1) {
    const code = value.charCodeAt(at);
    if (code <= 0xff) {
      bytes[at] = code;
    } else {
      const high = WINDOWS_1252_80_9F.indexOf(value[at]);
      if (high < 0) return undefined;
      bytes[at] = 0x80 + high;
    }
  }
  return bytes;
}

/**
 * A header value handed over as one character per byte (Latin-1 from Node's `http`,
 * windows-1252 from the DevTools protocol), as the text a recording keeps: its bytes read as
 * UTF-8, which is how a client sends `Last-Event-ID`. A value that is not such a byte string, or
 * whose bytes are not UTF-8, is kept as it is.
 */
export function headerText(value) {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(value)) return value;
  const bytes = byteStringBytes(value);
  if (bytes === undefined) return value;
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return value;
  }
}
