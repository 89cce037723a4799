"""The ``ssert`` command line: check a live SSE endpoint, validate a recording, lint a stream file.

    ssert check URL [--duration S] [--events N] [--max-reconnects N] [--reconnects N]
                    [--no-reconnect] [--json] [--profile P] [--rule R]
    ssert validate RECORDING [--json] [--profile P] [--rule R]
    ssert lint FILE [--json] [--rule R]

``check`` reads the stream as an ``EventSource`` does: when it ends or drops, it reconnects after
the server's ``retry`` (or ``--default-retry``) with ``Last-Event-ID``, and a 204 response stops
it for good, until ``--events`` events or ``--duration`` seconds, or ``--max-reconnects``
reconnects (default 100); each reconnect is shown in the progress. ``--no-reconnect`` stops at the
first end or drop instead. ``--reconnects N`` forces N reconnects on top (drops the connection on
purpose every ``--reconnect-after`` events).

Exit status: 0 when the report passes, 1 when it fails (a finding at or above ``--fail-on``,
default ``error``) or when ``check`` made fewer forced reconnects than asked, 130 when Ctrl-C
ended a check (its session is still validated), 2 for a usage error, an unreadable file, a
recording with nothing to validate (no connection, or an endpoint that answered 204 at once), a
recording that could not be written, or an endpoint that cannot be reached.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pathlib
import re
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO, Optional, TextIO

from . import __version__
from ._errors import OptionsError, RecordingError
from ._recording import Recorder
from ._ssert import Report, StreamingValidator
from ._validate import _FORMATS, validate

if TYPE_CHECKING:
    import httpx

    from .httpx import EventSource

__all__ = ["main"]

PROFILES = [
    "openai-chat",
    "openai-responses",
    "anthropic-messages",
    "mcp",
    "mcp-2025-03-26",
    "mcp-2025-06-18",
    "mcp-2025-11-25",
]
TRANSPORT_RULES = ["SSE101", "SSE102", "SSE103", "SSE104", "SSE105", "SSE106"]
MAX_DURATION = 1e6
"""The longest ``--duration`` in seconds (about 11.5 days; socket timeouts overflow near 1e10)."""
MAX_RECONNECTS = 100
"""The default ``--max-reconnects``: a server that closes at once with ``retry: 0`` would
otherwise get hundreds of connections a second until ``--duration``, while a stream that ends
normally needs far fewer (with a 1 s retry, a 10 s check reconnects at most 10 times)."""
# RFC 9110: a field name is a token; a value is visible ASCII, spaces and tabs (httpx encodes
# str values as ASCII, and a CR or LF would end the header).
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")


class UsageError(Exception):
    """A problem the user can fix on the command line (exit status 2)."""


def _options(args: argparse.Namespace, extra_disable: Sequence[str] = ()) -> dict[str, Any]:
    """Validation options from --options JSON, then --profile, --rule, --disable, --fail-on."""
    options: dict[str, Any] = {}
    if args.options:
        try:
            loaded = json.loads(args.options)
        except json.JSONDecodeError as error:
            raise UsageError(f"--options is not JSON: {error}") from None
        if not isinstance(loaded, dict):
            raise UsageError("--options must be a JSON object")
        for key in ("enable", "disable"):
            # --rule and --disable add to these lists (a string would be split into letters).
            rules = loaded.get(key, [])
            if not isinstance(rules, list) or not all(isinstance(rule, str) for rule in rules):
                raise UsageError(
                    f'--options: "{key}" must be a list of rule codes or names, '
                    f"got {json.dumps(rules)}"
                )
        options.update(loaded)
    if args.profile:
        options["profile"] = args.profile
    if args.rule:
        options["enable"] = [*options.get("enable", []), *args.rule]
    disable = [*args.disable, *extra_disable]
    if disable:
        options["disable"] = [*options.get("disable", []), *disable]
    if args.fail_on:
        options["fail_on"] = args.fail_on
    return options


def _print_report(report: Report, args: argparse.Namespace, out: TextIO, title: str) -> int:
    if args.json:
        out.write(report.to_json() + "\n")
    else:
        out.write(f"{title}\n\n{report}")
    return 0 if report.passed else 1


class _Progress:
    """Progress lines on stderr while `ssert check` runs (throttled; off with --quiet)."""

    def __init__(self, enabled: bool, err: TextIO) -> None:
        self.enabled = enabled
        self.err = err
        self.start = time.monotonic()
        self.last = 0.0

    def say(self, message: str, force: bool = True) -> None:
        now = time.monotonic()
        if self.enabled and (force or now - self.last >= 0.5):
            self.last = now
            self.err.write(f"[{now - self.start:6.2f}s] {message}\n")
            self.err.flush()


class _Reconnects:
    """Says each reconnect of ``ssert check`` in the progress, and why, as its request is sent
    (an httpx request hook: a reconnect that gets no event, or no response, is shown too)."""

    def __init__(self, progress: _Progress) -> None:
        self.progress = progress
        self.source: Optional[EventSource] = None
        """Set once the first connection is open: the requests before are not reconnects."""
        self.shown = 0
        self.forced = False
        """Set when the check drops the connection on purpose (--reconnects)."""
        self.forced_made = 0
        """The reconnects made after a drop on purpose."""
        self.on_dropped = 0
        """Events delivered on the connection being read: those of the drop's network read
        included, which come before the reconnect."""

    def __call__(self, request: httpx.Request) -> None:
        source = self.source
        if source is None or source.reconnects <= self.shown:
            return  # the first connection, or a redirect of a reconnect already shown
        self.shown = source.reconnects
        assert source.recording is not None
        # The new connection is recorded before its request is sent: the one before it ended.
        previous = source.recording.connections[-2].to_dict()
        end = previous.get("end", {})
        message = end.get("message")
        if self.forced:
            why = f"forced after {self.on_dropped} events"
            self.forced = False
            self.forced_made += 1
        elif "response" not in previous:
            why = f"the connection failed: {message}"
        elif end.get("kind") == "eof":
            why = "the stream ended"
        elif end.get("kind") == "network_error":
            why = f"the connection dropped: {message}"
        else:
            why = f"the connection ended: {end.get('kind')}"
        last_event_id = request.headers.get("last-event-id")
        self.progress.say(
            f"reconnected (#{self.shown}) with Last-Event-ID: {json.dumps(last_event_id)} ({why})"
        )


class _Watchdog:
    """Ends whatever the check waits for at its deadline. httpx bounds each read, not a
    response head that trickles in a byte at a time, nor a chain of slow redirects: at the
    deadline this shuts down the sockets of the connections httpx opened (an httpx ``trace``
    extension hands each over), which wakes a blocked read at once. The check's client keeps
    no idle connection, so every request opens its own."""

    def __init__(self, seconds: float, shut_down: Callable[[Any], None]) -> None:
        self._shut_down = shut_down
        self.fired = threading.Event()
        self._lock = threading.Lock()
        self._streams: list[Any] = []
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def trace(self, name: str, info: dict[str, Any]) -> None:
        if not name.endswith((".connect_tcp.complete", ".start_tls.complete")):
            return
        stream = info.get("return_value")
        with self._lock:
            self._streams.append(stream)
        if self.fired.is_set():
            self._shut_down(stream)

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()

    def _fire(self) -> None:
        self.fired.set()
        with self._lock:
            streams = list(self._streams)
        for stream in streams:
            self._shut_down(stream)


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        import httpx

        from .httpx import connect_sse, shut_down
    except ImportError:  # pragma: no cover - depends on the environment
        raise UsageError("`ssert check` needs httpx: pip install 'ssert[httpx]'") from None

    if args.reconnects < 0:
        raise UsageError("--reconnects must be >= 0")
    if args.max_reconnects < 0:
        raise UsageError("--max-reconnects must be >= 0")
    if args.reconnect_after is not None and args.reconnect_after < 1:
        raise UsageError("--reconnect-after must be >= 1")
    if args.reconnect_after is not None and not args.reconnects:
        raise UsageError("--reconnect-after needs --reconnects (the number of drops to force)")
    if args.events is not None and args.events < 1:
        raise UsageError("--events must be >= 1")
    if args.default_retry < 0:
        raise UsageError("--default-retry must be >= 0")
    # Socket timeouts and the clock arithmetic need a finite number (and not a huge one).
    if not (math.isfinite(args.duration) and 0 < args.duration <= MAX_DURATION):
        raise UsageError(f"--duration must be > 0 and at most {MAX_DURATION:g} seconds")
    try:
        url = httpx.URL(args.url)
    except httpx.InvalidURL as error:
        raise UsageError(f"invalid URL {args.url!r}: {error}") from None
    if url.port is not None and url.port > 65535:
        # The socket layer would truncate it to 16 bits: another port.
        raise UsageError(f"invalid URL {args.url!r}: port {url.port} is above 65535")
    force_after: Optional[int] = None
    if args.reconnects:
        force_after = args.reconnect_after or (
            max(1, args.events // (args.reconnects + 1)) if args.events else 5
        )
    headers = {}
    for header in args.header:
        name, sep, value = header.partition(":")
        name, value = name.strip(), value.strip()
        if not sep or not _HEADER_NAME.fullmatch(name):
            raise UsageError(f"--header must look like 'Name: value', got {header!r}")
        if not _HEADER_VALUE.fullmatch(value):
            raise UsageError(
                f"--header value must be printable ASCII (no line breaks), got {header!r}"
            )
        headers[name] = value
    if args.record == "-":
        raise UsageError("--record needs a file name ('-' is no file: the report goes to stdout)")
    if args.record:
        _check_writable(args.record)
    # Checked before connecting: a typo must not cost the whole --duration, nor the session.
    options = _options(args)
    StreamingValidator(json.dumps(options) if options else None)

    progress = _Progress(not args.quiet, err)
    progress.say(
        f"connecting to {args.url} (up to {args.duration:g}s"
        + (f", {args.events} events" if args.events else "")
        + (
            f", forcing {args.reconnects} reconnects every {force_after} events"
            if force_after
            else ""
        )
        + (", no reconnect after the stream ends" if args.no_reconnect else "")
        + ")"
    )
    count = 0
    forced = 0  # the drops forced so far (--reconnects)
    source = None
    reconnects = _Reconnects(progress)
    interrupted = False
    # --duration bounds the whole check: iter_sse()'s timeout covers its reads and waits, the
    # client's timeouts each phase of a request, and the watchdog what neither bounds. Redirects
    # are followed, as EventSource does.
    deadline = time.monotonic() + args.duration
    watchdog = _Watchdog(args.duration, shut_down)
    timeout = httpx.Timeout(min(10.0, args.duration), read=args.duration)
    watchdog.start()
    try:
        with (
            httpx.Client(
                timeout=timeout,
                follow_redirects=True,
                event_hooks={"request": [reconnects]},
                # No connection kept for reuse: a server may close an idle one just as it is
                # reused, failing a request it never saw.
                limits=httpx.Limits(max_keepalive_connections=0),
            ) as client,
            connect_sse(
                client, "GET", args.url, headers=headers, extensions={"trace": watchdog.trace}
            ) as source,
        ):
            reconnects.source = source
            connection = 0  # the number of the connection being read (its reconnect count)
            dropped = -1  # the last connection dropped on purpose
            try:
                while True:
                    drop = False
                    for event in source.iter_sse(
                        max_events=None if args.events is None else args.events - count,
                        timeout=max(0.0, deadline - time.monotonic()),
                        # Like an EventSource, reconnect after every end of the stream, within
                        # the bounds; with --no-reconnect, only after a drop on purpose. The
                        # bound counts the reconnects of the whole session: the forced ones are
                        # added so that --max-reconnects bounds only those of the server's doing.
                        max_reconnects=forced + (0 if args.no_reconnect else args.max_reconnects),
                        default_retry=args.default_retry,
                    ):
                        count += 1
                        if source.reconnects != connection:
                            connection, reconnects.on_dropped = source.reconnects, 0
                        reconnects.on_dropped += 1
                        progress.say(
                            f"{count} events, last id {json.dumps(event.id)}, type {event.event}",
                            force=False,
                        )
                        if (
                            force_after is not None
                            and forced < args.reconnects
                            and reconnects.on_dropped >= force_after
                            and connection != dropped
                            and (args.events is None or count < args.events)
                        ):
                            # Leaving the iteration closes the connection. The events that came
                            # in the same network read were received: the next iteration yields
                            # them first, then reconnects with the last id among them, as the
                            # recording (every byte received) says the client holds.
                            forced += 1
                            dropped = connection
                            reconnects.forced = True
                            drop = True
                            break
                    if not drop:
                        break
            except httpx.HTTPError as error:
                # The endpoint answered, wrongly (SSEResponseError: the recorded response
                # becomes the finding SSE101 or SSE102), or the stream failed with no reconnect
                # left: the report says what the recording shows, next to earlier connections.
                progress.say(f"stopped: {error}")
            except KeyboardInterrupt:
                # The iteration has ended its connection as the client's doing (client_closed).
                interrupted = True
                progress.say("interrupted (Ctrl-C): validating the session so far")
    except KeyboardInterrupt:
        err.write("ssert check: interrupted before the first response\n")
        return 130
    except httpx.TimeoutException as error:
        err.write(
            f"ssert check: {args.url} sent no response within {args.duration:g}s "
            f"({type(error).__name__})\n"
        )
        return 2
    except httpx.HTTPError as error:
        if watchdog.fired.is_set():
            err.write(f"ssert check: {args.url} sent no response within {args.duration:g}s\n")
        else:
            err.write(f"ssert check: cannot reach {args.url}: {error}\n")
        return 2
    finally:
        watchdog.cancel()
    assert source is not None and source.recording is not None
    recording = source.recording
    last = recording.connections[-1].to_dict()
    ended = last.get("end", {}).get("kind") in ("eof", "network_error")
    status = last.get("response", {}).get("status")
    left = deadline - time.monotonic()
    delay = source.reconnection_delay(args.default_retry)
    # Why the session stopped, for the progress and for a forced reconnect that was not made.
    if interrupted:
        stopped = "the check was interrupted"
    elif status == 204:
        stopped = "the server answered 204 No Content: the stream is over, no more reconnects"
    elif args.events and count >= args.events:
        stopped = f"--events {args.events} was reached"
    elif args.no_reconnect and ended:
        stopped = "the stream ended: no reconnect (--no-reconnect)"
    elif ended and source.reconnects - forced >= args.max_reconnects:
        stopped = (
            f"the stream ended after {args.max_reconnects} reconnects: no more reconnects "
            f"(--max-reconnects {args.max_reconnects})"
        )
    elif ended and delay >= left > 0:
        stopped = (
            f"the stream ended: no reconnect, as its reconnection delay of {delay * 1000:g} ms "
            f"is not shorter than the {left:.1f} s left"
        )
    elif left <= 0:
        stopped = f"--duration {args.duration:g} ran out"
    else:
        stopped = "the stream ended"
    progress.say(stopped)
    progress.say(
        f"done: {count} events over {len(recording.connections)} connection(s)"
        + (f" (--events {args.events} not reached)" if args.events and count < args.events else "")
        + "; validating"
    )
    if len(recording.connections) == 1 and status == 204:
        _save(recording, args.record, progress, err)
        # A pass would claim a stream that was never read.
        err.write(
            "ssert check: nothing to check: the endpoint answered 204 No Content to the first "
            "request\n"
        )
        return 2
    report = validate(recording, **options)
    code = _print_report(report, args, out, f"ssert check {args.url}")
    if reconnects.forced_made < args.reconnects:
        # The resume test asked for did not run (or not fully): a pass would claim it did.
        err.write(
            f"ssert check: only {reconnects.forced_made} of the {args.reconnects} forced "
            f"reconnects were made: {stopped} first (a server that sends many events in one "
            "write has them all delivered before a drop)\n"
        )
        code = max(code, 1)
    if not _save(recording, args.record, progress, err):
        code = max(code, 2)
    return 130 if interrupted else code


def _save(recording: Recorder, path: Optional[str], progress: _Progress, err: TextIO) -> bool:
    """Writes the recording to `path` (if any); False, with a line on stderr, if it cannot."""
    if not path:
        return True
    try:
        recording.save(path)
    except OSError as error:
        err.write(f"ssert check: cannot write {path}: {error}\n")
        return False
    progress.say(f"recording written to {path}")
    return True


def _check_writable(path: str) -> None:
    """Fails before the check runs, not after, when the recording cannot be written."""
    existed = os.path.exists(path)
    try:
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error}") from None
    if not existed:
        os.remove(path)


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    try:
        report = validate(pathlib.Path(args.recording), format=args.format, **_options(args))
    except OSError as error:
        raise UsageError(f"cannot read {args.recording}: {error}") from None
    if report.to_dict()["stats"]["connections"] == 0:
        # A pass would claim a session that was never looked at.
        suffix = pathlib.Path(args.recording).suffix.lower()
        har = (args.format or _FORMATS.get(suffix)) == "har"
        raise UsageError(
            f"nothing to validate: {args.recording} holds no connection"
            + (" (no text/event-stream entry)" if har else "")
        )
    return _print_report(report, args, out, f"ssert validate {args.recording}")


_LINT_READ_SIZE = 1 << 20
"""`ssert lint` reads its file in pieces of this size, so memory stays bounded however large."""


def _lint_records(name: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The records around a raw stream file's bytes: a one-connection recording without timing,
    with synthetic SSE headers (the records before the chunks, and the end)."""
    before: list[dict[str, Any]] = [
        {
            "type": "header",
            "format": "ssert-recording",
            "version": 1,
            "timing": "none",
            "source": f"ssert lint {name}",
        },
        {"type": "request", "method": "GET", "url": name, "headers": None, "t": 0},
        {
            "type": "response",
            "status": 200,
            "t": 0,
            "headers": [["content-type", "text/event-stream"], ["cache-control", "no-cache"]],
        },
    ]
    return before, {"type": "end", "kind": "eof", "t": 0}


def lint_stream(stream: BinaryIO, name: str, options: Mapping[str, Any]) -> Report:
    """Validates the raw text/event-stream bytes read from `stream` as one connection, in
    bounded memory: the core validator takes the file a read at a time."""
    validator = StreamingValidator(json.dumps(options) if options else None)
    before, end = _lint_records(name)
    for record in before:
        validator.record(json.dumps(record))
    while True:
        data = stream.read(_LINT_READ_SIZE)
        if not data:
            break
        validator.chunk(0, data)
    validator.record(json.dumps(end))
    return validator.finish()


def _lint(args: argparse.Namespace, out: TextIO) -> int:
    # A file has no HTTP exchange: the transport rules would only judge the synthetic headers.
    options = _options(args, TRANSPORT_RULES)
    try:
        if args.file == "-":
            report = lint_stream(sys.stdin.buffer, args.file, options)
        else:
            with open(args.file, "rb") as file:
                report = lint_stream(file, args.file, options)
    except OSError as error:
        raise UsageError(f"cannot read {args.file}: {error}") from None
    return _print_report(report, args, out, f"ssert lint {args.file}")


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--profile", choices=PROFILES, help="a protocol profile's rule set")
    parser.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="RULE",
        help="enable a rule by code or name (repeatable), e.g. --rule data-json",
    )
    parser.add_argument(
        "--disable",
        action="append",
        default=[],
        metavar="RULE",
        help="disable a rule by code or name (repeatable)",
    )
    parser.add_argument(
        "--fail-on",
        choices=["error", "warning", "info"],
        help="lowest severity that fails the report (default: error)",
    )
    parser.add_argument(
        "--options",
        metavar="JSON",
        help='full validation options as JSON, e.g. \'{"ids": {"consecutive": true}}\'',
    )


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of the ``ssert`` command."""
    parser = argparse.ArgumentParser(
        prog="ssert", description="Check Server-Sent Events endpoints, recordings and streams."
    )
    parser.add_argument("--version", action="version", version=f"ssert {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser(
        "check",
        help="connect to an endpoint, record, validate",
        description="Read an SSE endpoint as an EventSource does (reconnecting with "
        "Last-Event-ID after the stream ends or drops, honouring retry, stopping for good on a "
        "204) until --events or --duration, record every connection, validate the session and "
        "print the report.",
    )
    check.add_argument("url")
    check.add_argument("--duration", type=float, default=10.0, help="seconds to read (default 10)")
    check.add_argument("--events", type=int, help="stop after this many events")
    check.add_argument(
        "--reconnects",
        type=int,
        default=0,
        help="force this many reconnects (drop the connection, resume with Last-Event-ID), on top "
        "of those after the stream ends",
    )
    check.add_argument(
        "--max-reconnects",
        type=int,
        default=MAX_RECONNECTS,
        metavar="N",
        help="reconnect at most N times after the stream ends or drops, then stop (default "
        f"{MAX_RECONNECTS}: far more than a stream that ends normally needs in a check, and a "
        "bound on a server that closes at once with retry: 0, which would otherwise get hundreds "
        "of connections a second until --duration); the reconnects forced by --reconnects come "
        "on top",
    )
    check.add_argument(
        "--no-reconnect",
        action="store_true",
        help="stop at the first end or drop of the stream instead of reconnecting (the "
        "reconnects forced by --reconnects still happen)",
    )
    check.add_argument(
        "--reconnect-after",
        type=int,
        help="events per connection before a forced reconnect (needs --reconnects; default "
        "--events / (--reconnects + 1), or 5 without --events)",
    )
    check.add_argument(
        "--default-retry",
        type=int,
        default=1000,
        help="reconnect delay in ms while the server sent no retry (default 1000)",
    )
    check.add_argument("--header", action="append", default=[], help="request header 'Name: value'")
    check.add_argument(
        "--record",
        metavar="FILE",
        help="write the recording to FILE (after the report; request headers as sent, "
        "Authorization included)",
    )
    check.add_argument("--quiet", action="store_true", help="no progress on stderr")
    _add_report_options(check)

    validate_cmd = commands.add_parser(
        "validate", help="validate a recording (JSON, JSON Lines, HAR)"
    )
    validate_cmd.add_argument("recording")
    validate_cmd.add_argument(
        "--format", choices=["json", "jsonl", "har"], help="default: from the suffix"
    )
    _add_report_options(validate_cmd)

    lint = commands.add_parser("lint", help="lint a raw text/event-stream file ('-' = stdin)")
    lint.add_argument("file")
    _add_report_options(lint)
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    """Run the CLI; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args, sys.stdout, sys.stderr)
        if args.command == "validate":
            return _validate(args, sys.stdout)
        return _lint(args, sys.stdout)
    except (UsageError, RecordingError, OptionsError) as error:
        sys.stderr.write(f"ssert {args.command}: {error}\n")
        return 2
    except KeyboardInterrupt:
        # A second Ctrl-C (the first ends a check's session, which is then validated).
        sys.stderr.write(f"ssert {args.command}: interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
