// Recordings built in code for the validator tests, shared by the Node suite and the k6 script
// (plain ES module: no Node or k6 built-ins).

/** One connection that delivers an event for each id, in order, then ends cleanly. */
export function sessionWithIds(ids) {
  return {
    format: 'ssert-recording',
    version: 1,
    connections: [{
      request: { method: 'GET', url: 'http://127.0.0.1:9/feed', headers: [['accept', 'text/event-stream']], t: 0 },
      response: { status: 200, headers: [['content-type', 'text/event-stream'], ['cache-control', 'no-cache']], t: 1 },
      chunks: [{ t: 2, text: ids.map((id) => `id: ${id}\ndata: x\n\n`).join('') }],
      end: { kind: 'eof', t: 3 },
    }],
  };
}
