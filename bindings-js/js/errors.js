// The error classes of `ssert`, shared by every entry point (Node, browser, k6).

/** Base class of every error ssert reports or throws: a stable `code` and a byte `offset`. */
export class SsertError extends Error {
  /**
   * @param {string} code stable machine-readable code, e.g. `"INCOMPLETE_EVENT"`
   * @param {string} message human description
   * @param {number} offset byte offset in the stream (or in the encoded value), -1 if none
   */
  constructor(code, message, offset) {
    super(message);
    this.name = 'SsertError';
    this.code = code;
    this.offset = offset;
  }
}

/** A problem in the stream reported by the parser (parsing goes on); given to `onError`. */
export class ParseError extends SsertError {
  constructor(code, message, offset) {
    super(code, `${message} (${code} at byte ${offset})`, offset);
    this.name = 'ParseError';
  }
}

/**
 * Thrown by `encode()` for an event that cannot be written: a newline in `event` or `id`, a NUL in
 * `id`, or an `event` type without `data`.
 */
export class EncodeError extends SsertError {
  constructor(code, message, offset, index) {
    super(code, `${message} (${code} at byte ${offset} of item ${index})`, offset);
    this.name = 'EncodeError';
    /** Index of the failing item in the array given to `encode()`. */
    this.index = index;
  }
}

/** Thrown when a parser is used after `free()`. */
export class UsageError extends SsertError {
  constructor(code, message) {
    super(code, message, -1);
    this.name = 'UsageError';
  }
}

/** A recording (or validator options) that the core validator could not read. */
export class RecordingError extends SsertError {
  constructor(code, message, line) {
    super(code, line == null ? message : `line ${line}: ${message}`, -1);
    this.name = 'RecordingError';
    /** 1-based line of the input where reading failed, if known. */
    this.line = line ?? undefined;
  }
}
