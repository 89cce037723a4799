#!/usr/bin/env python3
"""Writes the shared conformance vectors (testdata/parser/*.json) as seed inputs of the parser
fuzz targets, so that a short run from an empty corpus (a clean clone in CI) starts from every
edge case the vectors pin down instead of from nothing.

Usage: seed_corpus.py TESTDATA_PARSER_DIR CORPUS_ROOT

A seed is the byte form that `arbitrary` 1.x gives each target's `Input` struct: a `bool` or an
`Option` is one byte (low bit set = true / Some), and a `Vec<u8>` is a "continue" byte of 1
before each element and a 0 after the last. An encoding that drifted from that format would only
make the seeds less useful to the fuzzer, never hide a failure: every input is a valid input.
Existing files are left alone, so the corpus the fuzzer grew is kept.
"""

import base64
import json
import pathlib
import sys

# Chunk lengths the seeds start from (the fuzzer mutates them): whole, byte by byte, and a few
# splits that cut CRLFs, field names and UTF-8 sequences.
CHUNKINGS = ([], [1], [2, 3], [5], [7, 1], [13])


def byte_vec(values):
    out = bytearray()
    for value in values:
        out += bytes((1, value))
    out.append(0)
    return bytes(out)


def chunked_vs_whole(data, lens):
    # limits: three `None`s and strict_utf8 = false; first_lens; second_lens (the reconnect);
    # data.
    return bytes(4) + byte_vec(lens) + byte_vec(lens[::-1]) + byte_vec(data)


def fast_vs_reference(data, lens):
    # strict_utf8 = false; lens; data.
    return bytes(1) + byte_vec(lens) + byte_vec(data)


TARGETS = {"chunked_vs_whole": chunked_vs_whole, "fast_vs_reference": fast_vs_reference}


def main(vectors_dir, corpus_root):
    written = 0
    for path in sorted(pathlib.Path(vectors_dir).glob("*.json")):
        for index, vector in enumerate(json.loads(path.read_text("utf-8"))["vectors"]):
            data = base64.b64decode(vector["input"])
            lens = list(CHUNKINGS[index % len(CHUNKINGS)])
            for target, encode in TARGETS.items():
                seed = pathlib.Path(corpus_root, target, f"vector-{vector['name']}")
                if not seed.exists():
                    seed.parent.mkdir(parents=True, exist_ok=True)
                    seed.write_bytes(encode(data, lens))
                    written += 1
    print(f"seed_corpus: {written} new seed inputs from {vectors_dir}")


if __name__ == "__main__":
    main(*sys.argv[1:])
