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


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".har"])
def test_a_leading_byte_order_mark_is_ignored_in_text_bytes_and_files(
    tmp_path: pathlib.Path, suffix: str
) -> None:
    # What a Windows editor saves: U+FEFF (EF BB BF) before the JSON.
    source = {
        ".json": GOOD,
        ".jsonl": TESTDATA / "recordings" / "good-session-lines.jsonl",
        ".har": TESTDATA / "recordings" / "har-import.har",
    }[suffix]
    text = source.read_text(encoding="utf-8")
    fmt = {".json": "json", ".jsonl": "jsonl", ".har": "har"}[suffix]
    plain = ssert.validate(text, format=fmt).to_dict()
    assert plain["stats"]["connections"] > 0
    path = tmp_path / f"bom{suffix}"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    recordings: list[str | bytes | pathlib.Path] = ["\ufeff" + text, path.read_bytes(), path]
    for recording in recordings:
        assert ssert.validate(recording, format=fmt).to_dict() == plain
    # Auto-detection too (format defaults to "json", which also reads JSON Lines and HAR).
    assert ssert.validate("\ufeff" + text).to_dict() == plain


def test_a_raw_lone_surrogate_in_recording_text_is_u_fffd_as_in_js() -> None:
    # JS hands wasm a string's UTF-8 with each lone surrogate as U+FFFD; so does Python now.
    text = GOOD.read_text(encoding="utf-8").replace('"format"', '"x-note": "a\ud800b", "format"', 1)
    assert ssert.validate(text).to_dict() == ssert.validate(GOOD).to_dict()


def test_a_str_naming_a_file_is_still_text_but_the_error_says_to_pass_a_path(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "rec.json"
    path.write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    # A path given as a str, existing or not, or that only looks like a recording file's name.
    for name in (str(path), "rec.json", "missing/session.har", "other.jsonl"):
        with pytest.raises(ssert.RecordingError, match=r"pass a pathlib\.Path") as caught:
            ssert.validate(name)
        message = str(caught.value)
        assert message.startswith("line 1: expected value"), message  # the parse error first
        assert repr(name) in message
    # A str that is no path gets no hint.
    for text in ("{not json", '{"format": "nope", "version": 1}', "rec.json\n{}"):
        with pytest.raises(ssert.RecordingError) as caught:
            ssert.validate(text)
        assert "pathlib" not in str(caught.value)
    # What a str means does not change: the file named is not read.
    assert ssert.validate(pathlib.Path("rec.json")).passed
