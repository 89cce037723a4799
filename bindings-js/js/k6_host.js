// What the k6 engine (k6_core.js, translated by wasm2js) imports from JavaScript: the comparison
// of two ids for a caller's `idOrder` (bindings-js/k6/src/lib.rs, `HostIdOrder`). A module of its
// own because wasm2js turns the wasm import module "./k6_host.js" into an ES module import; the
// shim (k6.js) installs the comparator for the duration of one validation.

const notComparable = () => NaN;

let compareIds = notComparable;

/**
 * Installs `compare(aAddress, aLength, bAddress, bLength) => number` (the comparator's result;
 * NaN: not comparable) as the engine's id comparison, and returns the one it replaces.
 */
export function setCompareIds(compare) {
  const previous = compareIds;
  compareIds = compare ?? notComparable;
  return previous;
}

// The import itself (the name is part of the wasm module's ABI).
export function compare_ids(a, aLength, b, bLength) {
  return compareIds(a, aLength, b, bLength);
}
