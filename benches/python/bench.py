"""Side-by-side Python benchmark: ssert vs httpx-sse vs the naive ``startswith("data:")`` loop.

Bytes in, events out, on the same corpora and chunkings as the Rust benchmarks (written by
``cargo run --release -p ssert-benches --bin gen-corpus -- DIR``; generated here if missing):

- ssert: ``ssert.Parser().feed(chunk)`` for every chunk, then ``close()``.
- httpx-sse: exactly what ``EventSource.iter_sse()`` does with a response: httpx's incremental
  UTF-8 ``TextDecoder`` (what ``response.iter_text()`` uses), httpx-sse's ``SSELineDecoder``,
  ``line.rstrip("\\n")`` and ``SSEDecoder.decode(line)``.
- naive: the hand-rolled loop found in many test suites: decode each chunk, split on "\\n",
  keep lines that start with ``data:``, dispatch on an empty line.

Every consumer touches each event's data (``len``). Chunkings: 64 KiB reads, and the network
chunking (1-1500-byte reads) from the corpus manifest. Prints MB/s, events/s and the ratios;
``--check`` exits 1 if ssert misses a target (>= 5x httpx-sse on small-event corpora, >= 15x on
large-event corpora, >= 2x the naive loop everywhere).

    .venv/bin/python benches/python/bench.py [--seconds 1] [--corpus-dir DIR] [--check]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from typing import Callable

import httpx._decoders
import httpx_sse._decoders

import ssert

REPO = pathlib.Path(__file__).resolve().parents[2]
Outcome = tuple[int, int]  # (events, characters of data)
Runner = Callable[[Sequence[bytes]], Outcome]


def run_ssert(chunks: Sequence[bytes]) -> Outcome:
    parser = ssert.Parser()
    events = chars = 0
    for chunk in chunks:
        for event in parser.feed(chunk):
            events += 1
            chars += len(event.data)
    for event in parser.close():
        events += 1
        chars += len(event.data)
    return events, chars


def run_httpx_sse(chunks: Sequence[bytes]) -> Outcome:
    text_decoder = httpx._decoders.TextDecoder(encoding="utf-8")
    line_decoder = httpx_sse._decoders.SSELineDecoder()
    decoder = httpx_sse._decoders.SSEDecoder()
    events = chars = 0

    def lines() -> Iterator[str]:
        for chunk in chunks:
            text = text_decoder.decode(chunk)
            if text:
                yield from line_decoder.decode(text)
        text = text_decoder.flush()
        if text:
            yield from line_decoder.decode(text)
        yield from line_decoder.flush()

    for line in lines():
        line = line.rstrip("\n")
        sse = decoder.decode(line)
        if sse is not None:
            events += 1
            chars += len(sse.data)
    return events, chars


def run_naive(chunks: Sequence[bytes]) -> Outcome:
    events = chars = 0
    pending = ""
    data: list[str] = []
    for chunk in chunks:
        pending += chunk.decode("utf-8", errors="replace")
        *lines, pending = pending.split("\n")
        for line in lines:
            line = line.rstrip("\r")
            if line.startswith("data:"):
                data.append(line[5:].lstrip())
            elif not line and data:
                joined = "\n".join(data)
                data = []
                events += 1
                chars += len(joined)
    return events, chars


CONTENDERS: dict[str, Runner] = {"ssert": run_ssert, "httpx-sse": run_httpx_sse, "naive": run_naive}


def str_floor(data: bytes) -> Runner:
    """Not a parser: only CPython's UTF-8 decoding of every event's data bytes into `str`,
    which any parser that hands out `str` data must pay. It bounds the possible speed-ups."""
    payloads = [event.data.encode("utf-8") for event in ssert.parse(data)]

    def run(_: Sequence[bytes]) -> Outcome:
        chars = 0
        for payload in payloads:
            chars += len(payload.decode("utf-8"))
        return len(payloads), chars

    return run


def corpus_dir(requested: str | None) -> pathlib.Path:
    if requested:
        return pathlib.Path(requested)
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
    directory = REPO / "benches" / "corpus"
    if not (directory / "manifest.json").exists():
        print(f"generating the corpora into {directory} (gen-corpus)", file=sys.stderr)
        subprocess.run(
            [
                "cargo",
                "run",
                "--release",
                "-q",
                "-p",
                "ssert-benches",
                "--bin",
                "gen-corpus",
                "--",
                str(directory),
            ],
            cwd=REPO,
            check=True,
            env={**os.environ, "CARGO_TARGET_DIR": str(target)},
        )
    return directory


def chunk(data: bytes, lens: Sequence[int]) -> list[bytes]:
    chunks, start = [], 0
    for length in lens:
        chunks.append(data[start : start + length])
        start += length
    if start < len(data):
        chunks.append(data[start:])
    return chunks


def measure(
    runners: dict[str, Runner], chunks: Sequence[bytes], seconds: float
) -> dict[str, tuple[float, Outcome]]:
    """Median CPU seconds per run of each runner, over about `seconds` per runner.

    The runners take turns, one run each per round (at least 3 rounds), so that a change in
    the machine's load hits them all alike instead of whichever happened to run then.

    CPU time of this process, not wall time: the machine may be shared, and every contender
    runs single-threaded (ssert's GIL-free parsing runs on this thread too), so CPU time is
    the fair measure of the work each one does.
    """
    outcomes = {name: runner(chunks) for name, runner in runners.items()}  # warm-up, results
    times: dict[str, list[float]] = {name: [] for name in runners}
    deadline = time.perf_counter() + seconds * len(runners)
    while min(map(len, times.values())) < 3 or time.perf_counter() < deadline:
        for name, runner in runners.items():
            start = time.process_time()
            runner(chunks)
            times[name].append(time.process_time() - start)
    return {name: (statistics.median(times[name]), outcomes[name]) for name in runners}


# glibc adapts when it returns large blocks to the kernel as a process runs, so the same code
# ran up to 20% faster late in a run than early (the naive loop's 64 KiB+ strings paid page
# faults until the threshold rose). Fixed thresholds, those of a long-running process, make a
# row's figures independent of the rows before it.
MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": str(32 << 20), "MALLOC_TRIM_THRESHOLD_": str(64 << 20)}


def pin_malloc_thresholds() -> None:
    """Re-executes this script with `MALLOC_ENV` set, unless it already is."""
    if sys.platform != "linux" or all(os.environ.get(k) == v for k, v in MALLOC_ENV.items()):
        return
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **MALLOC_ENV})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per contender per row")
    parser.add_argument("--corpus-dir", help="directory written by gen-corpus")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    pin_malloc_thresholds()

    directory = corpus_dir(args.corpus_dir)
    manifest = json.loads((directory / "manifest.json").read_text())
    print(
        f"ssert {ssert.__version__} (Rust core via PyO3) vs httpx-sse vs naive loop; Python {sys.version.split()[0]}"
    )
    print(
        f"corpora: {directory} (seed {manifest['seed']}); median of interleaved runs, "
        f"{args.seconds:g}s each; glibc malloc thresholds fixed ({', '.join(MALLOC_ENV)})\n"
    )
    header = f"{'corpus':<15} {'chunking':<9} {'parser':<11} {'MB/s':>9} {'events/s':>12} {'events':>7}  vs ssert"
    print(header)
    print("-" * len(header))
    misses = []
    summary = []
    for corpus in manifest["corpora"]:
        data = (directory / corpus["file"]).read_bytes()
        chunkings = {
            "64KiB": chunk(
                data, [manifest["fixed_chunk_len"]] * (len(data) // manifest["fixed_chunk_len"] + 1)
            ),
            "network": chunk(data, corpus["network_chunk_lens"]),
        }
        for chunking, chunks in chunkings.items():
            contenders = {**CONTENDERS, "(str floor)": str_floor(data)}
            results = measure(contenders, chunks, args.seconds)
            base = results["ssert"][0]
            if results["ssert"][1][0] != corpus["events"]:
                misses.append(
                    f"{corpus['name']}/{chunking}: ssert found {results['ssert'][1][0]} events, manifest says {corpus['events']}"
                )
            for name, (seconds, (events, _)) in results.items():
                if name == "ssert":
                    ratio = ""
                elif name == "(str floor)":
                    ratio = f"{seconds / base:5.2f}x ssert's time"
                else:
                    ratio = f"ssert {seconds / base:5.1f}x faster"
                print(
                    f"{corpus['name']:<15} {chunking:<9} {name:<11} {len(data) / seconds / 1e6:9.1f} "
                    f"{events / seconds:12,.0f} {events:7d}  {ratio}"
                )
            vs_httpx = results["httpx-sse"][0] / base
            vs_naive = results["naive"][0] / base
            want = 5.0 if corpus["small_events"] else 15.0
            summary.append(
                (
                    corpus["name"],
                    chunking,
                    vs_httpx,
                    want,
                    vs_naive,
                    results["httpx-sse"][0] / results["(str floor)"][0],
                    results["naive"][0] / results["(str floor)"][0],
                )
            )
            if vs_httpx < want:
                misses.append(f"{corpus['name']}/{chunking}: {vs_httpx:.1f}x httpx-sse < {want:g}x")
            if vs_naive < 2.0:
                misses.append(f"{corpus['name']}/{chunking}: {vs_naive:.2f}x naive < 2x")
            print()
    print("ratios (ssert speed-up):")
    for name, chunking, vs_httpx, want, vs_naive, bound, naive_bound in summary:
        print(
            f"  {name:<15} {chunking:<9} {vs_httpx:6.1f}x httpx-sse (target {want:g}x; str-floor bound "
            f"{bound:.1f}x)  {vs_naive:5.2f}x naive (target 2x; bound {naive_bound:.1f}x)"
        )
    if misses:
        print("\nmissed:\n  " + "\n  ".join(misses))
    else:
        print("\nall targets met")
    return 1 if (args.check and misses) else 0


if __name__ == "__main__":
    sys.exit(main())
