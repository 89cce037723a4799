"""The shared conformance vectors (testdata/parser/*.json) through the Python API, with the same
chunkings as the Rust and JS runners, for bytes input and (when valid UTF-8) str input."""

from __future__ import annotations

from typing import Any

import pytest

import ssert
from _support import CHUNK_SEED, chunkings, expected_outcome, load_vectors, run_parser, vector_input

VECTORS = load_vectors()


def test_vectors_are_loaded_and_names_unique() -> None:
    names = [v["name"] for v in VECTORS]
    assert len(names) > 200
    assert len(set(names)) == len(names)


def _check(vector: dict[str, Any], data: Any) -> None:
    expected = expected_outcome(vector)
    for chunking, chunks in chunkings(data):
        got = run_parser(chunks, vector.get("options"))
        where = f"vector {vector['name']!r}, chunking {chunking} (SSERT_CHUNK_SEED={CHUNK_SEED})"
        assert got.events == expected.events, where
        assert got.retries == expected.retries, where
        if "comments" in vector:
            assert got.comments == expected.comments, where
        assert got.errors == expected.errors, where
        assert got.last_event_id == expected.last_event_id, where


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector_bytes(vector: dict[str, Any]) -> None:
    _check(vector, vector_input(vector))


TEXT_VECTORS = [v for v in VECTORS if "text" in v]


@pytest.mark.parametrize("vector", TEXT_VECTORS, ids=[v["name"] for v in TEXT_VECTORS])
def test_vector_str(vector: dict[str, Any]) -> None:
    assert vector["text"] == vector_input(vector).decode("utf-8")
    _check(vector, vector["text"])


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector_parse_whole(vector: dict[str, Any]) -> None:
    """parse() on the whole input agrees with the vector, trace included when it has one."""
    expected = expected_outcome(vector)
    result = ssert.parse(vector_input(vector), trace="trace" in vector, **vector.get("options", {}))
    assert [{"type": e.event, "data": e.data, "id": e.id} for e in result] == expected.events
    assert result.retries == expected.retries
    if "comments" in vector:
        assert result.comments == expected.comments
    assert [{"code": e.code, "offset": e.offset} for e in result.errors] == expected.errors
    assert result.last_event_id == expected.last_event_id
    if "trace" in vector:
        assert result.trace == vector["trace"]
