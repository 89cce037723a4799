"""Runs every ```python example of bindings-python/README.md, in order, in one namespace.

Examples that talk to a server use http://127.0.0.1:8000; here that is the example app of
pytest-example/ served by uvicorn on a free port.
"""

from __future__ import annotations

import csv
import importlib.util
import pathlib
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from _server import serve

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
EXAMPLE_APP = pathlib.Path(__file__).resolve().parents[2] / "pytest-example" / "app.py"


def all_python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def python_blocks() -> list[str]:
    """Blocks executed directly (not test files)."""
    return [b for b in all_python_blocks() if not b.startswith("# file: ")]


def example_test_files() -> list[str]:
    """Blocks that are pytest files (first line `# file: test_NAME.py`), run with pytester."""
    return [b for b in all_python_blocks() if b.startswith("# file: test_")]


def test_readme_locustfile_runs(example_server: str, tmp_path: pathlib.Path) -> None:
    # Locust monkey-patches the standard library on import: it runs as its command, in a
    # subprocess, never inside the pytest process.
    (block,) = [b for b in all_python_blocks() if b.startswith("# file: locustfile.py")]
    locustfile = tmp_path / "locustfile.py"
    locustfile.write_text(block)
    result = subprocess.run(
        [
            str(pathlib.Path(sys.executable).parent / "locust"),
            "-f",
            str(locustfile),
            "--headless",
            "-u",
            "1",
            "-r",
            "1",
            "-t",
            "4s",
            # A busy machine can spend most of the 4 s starting up: the task under way is let
            # finish (it is bounded by max_events and duration), so it is counted.
            "--stop-timeout",
            "15",
            "--only-summary",
            "--host",
            example_server,
            "--csv",
            str(tmp_path / "run"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    with open(tmp_path / "run_stats.csv", newline="") as file:
        rows = {(r["Type"], r["Name"]): r for r in csv.DictReader(file)}
    assert int(rows[("SSE", "orders validate")]["Request Count"]) >= 1
    assert int(rows[("SSE", "orders event")]["Request Count"]) >= 20
    with open(tmp_path / "run_exceptions.csv", newline="") as file:
        assert list(csv.DictReader(file)) == []


@pytest.fixture(scope="module")
def example_server() -> Iterator[str]:
    spec = importlib.util.spec_from_file_location("ssert_example_app", EXAMPLE_APP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with serve(module.app) as base_url:
        yield base_url


def test_readme_has_examples() -> None:
    assert len(python_blocks()) >= 8
    assert len(example_test_files()) >= 1


def test_readme_pytest_examples_pass(pytester: pytest.Pytester, example_server: str) -> None:
    for block in example_test_files():
        name = block.splitlines()[0].removeprefix("# file: ").strip()
        pytester.makepyfile(
            **{name.removesuffix(".py"): block.replace("http://127.0.0.1:8000", example_server)}
        )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=len(example_test_files()))


def test_readme_examples_run(example_server: str) -> None:
    namespace: dict[str, Any] = {"__name__": "readme"}
    for index, block in enumerate(python_blocks()):
        code = block.replace("http://127.0.0.1:8000", example_server)
        try:
            # The README examples are the code under test here.
            exec(compile(code, f"README.md python block {index + 1}", "exec"), namespace)  # noqa: S102
        except Exception as error:  # pragma: no cover - the message names the block
            raise AssertionError(f"README python block {index + 1} failed:\n{block}") from error


def test_package_docstring_examples() -> None:
    import doctest

    import ssert

    failures, tried = doctest.testmod(ssert)
    assert tried >= 1 and failures == 0


ROOT_README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def test_root_readme_python_examples_run() -> None:
    blocks = re.findall(
        r"```python\n(.*?)```", ROOT_README.read_text(encoding="utf-8"), flags=re.DOTALL
    )
    assert blocks, "the root README has a Python section with examples"
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, str(ROOT_README), "exec"), namespace)  # noqa: S102
