"""Shared helpers of the Python test suite: conformance vectors and chunkings.

The package under test is always the installed wheel (`import ssert`); this module only
reads the repository's testdata/.
"""

from __future__ import annotations

import base64
import json
import os
import pathlib
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional, TypeVar

import ssert

REPO = pathlib.Path(__file__).resolve().parents[2]
TESTDATA = REPO / "testdata"

_seed_env = os.environ.get("SSERT_CHUNK_SEED")
CHUNK_SEED = int(_seed_env) if _seed_env else random.SystemRandom().randrange(2**32)
"""Seed of the random chunkings: SSERT_CHUNK_SEED, else random (printed in failure messages)."""

T = TypeVar("T", bytes, str)


def load_vectors() -> list[dict[str, Any]]:
    """Every vector of testdata/parser/*.json, with the file's group name added."""
    vectors = []
    for path in sorted((TESTDATA / "parser").glob("*.json")):
        group = json.loads(path.read_text(encoding="utf-8"))
        for vector in group["vectors"]:
            vectors.append({**vector, "group": group["group"]})
    return vectors


def vector_input(vector: dict[str, Any]) -> bytes:
    return base64.b64decode(vector["input"], validate=True)


def chunkings(data: T, seed: int = CHUNK_SEED) -> Iterator[tuple[str, list[T]]]:
    """The chunkings every runner uses: whole, one unit at a time, every two-chunk split, and
    seeded random splits. Units are bytes for bytes input and code points for str input."""
    yield "whole", [data]
    yield "one-at-a-time", [data[i : i + 1] for i in range(len(data))]
    for split in range(1, len(data)):
        yield f"split-at-{split}", [data[:split], data[split:]]
    rng = random.Random(f"{seed}:{len(data)}")
    for attempt in range(8):
        chunks, start = [], 0
        while start < len(data):
            size = rng.randint(1, max(1, min(len(data) - start, 1 + rng.choice([1, 3, 17, 300]))))
            chunks.append(data[start : start + size])
            start += size
        yield f"random-{attempt}(seed={seed})", chunks


@dataclass
class Outcome:
    """Everything one parser run reported, in comparable plain values."""

    events: list[dict[str, Any]] = field(default_factory=list)
    retries: list[int] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    last_event_id: str = ""


def event_dict(event: ssert.Event) -> dict[str, Any]:
    return {"type": event.event, "data": event.data, "id": event.id}


def run_parser(chunks: Sequence[Any], options: Optional[dict[str, Any]] = None) -> Outcome:
    """Feed the chunks to a fresh ssert.Parser, close it, and collect everything it reported."""
    outcome = Outcome()
    parser = ssert.Parser(
        on_retry=outcome.retries.append, on_comment=outcome.comments.append, **(options or {})
    )
    for chunk in chunks:
        outcome.events.extend(event_dict(e) for e in parser.feed(chunk))
    outcome.events.extend(event_dict(e) for e in parser.close())
    outcome.errors = [{"code": e.code, "offset": e.offset} for e in parser.errors]
    outcome.last_event_id = parser.last_event_id
    return outcome


def expected_outcome(vector: dict[str, Any]) -> Outcome:
    return Outcome(
        events=vector["events"],
        # Values above 2**53-1 are decimal strings in the vectors (for JavaScript).
        retries=[int(r) for r in vector["retries"]],
        comments=vector.get("comments", []),
        errors=vector.get("errors", []),
        last_event_id=vector["last_event_id"],
    )
