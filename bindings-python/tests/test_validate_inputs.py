"""ssert.validate(): what it accepts as a recording, and how it refuses what it cannot read."""

from __future__ import annotations

import pathlib

import pytest

import ssert
from _support import TESTDATA

GOOD = TESTDATA / "recordings" / "good-session.json"


def not_utf8() -> bytes:
    # Valid JSON structure, but a Latin-1 byte in a string: not UTF-8, so not a recording.
    return GOOD.read_bytes().replace(b'"format"', b'"source": "caf\xe9", "format"', 1)


def test_a_recording_that_is_not_utf8_raises_recording_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ssert.RecordingError, match="the recording is not UTF-8"):
        ssert.validate(not_utf8())
    path = tmp_path / "latin1.json"
    path.write_bytes(not_utf8())
    with pytest.raises(ssert.RecordingError, match="latin1.json is not UTF-8"):
        ssert.validate(path)


def test_a_recording_as_text_bytes_or_path_validates_the_same() -> None:
    reports = [ssert.validate(GOOD), ssert.validate(GOOD.read_bytes())]
    reports.append(ssert.validate(GOOD.read_text(encoding="utf-8")))
    assert [r.to_dict() for r in reports[1:]] == [reports[0].to_dict()] * 2
