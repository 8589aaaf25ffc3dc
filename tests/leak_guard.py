"""A pytest plugin: no test's output holds a national id in full (issue 11 §4).

It reads what every test printed (pytest's captured stdout, stderr and log sections, and what
a test read back with ``capsys``), what every command line run printed (Typer's ``CliRunner``
results and the output of subprocesses), and the log files oppgjor wrote (``$OPPGJOR_LOG_DIR``,
set for the session to a folder of its own, and ``*.log`` under a test's ``tmp_path``). Every
eleven-digit number there that is a valid national id (synthetic ones too) is a leak. At the
end the session fails and lists the tests that leaked, with the ids masked.

A test that shows an id on purpose (``patient show --reveal``) is marked
``@pytest.mark.reveals_national_id`` and not read.

Under pytest-xdist each worker reads its own tests (with a log folder of its own) and hands the
leaks it found to the controller on the test's teardown report, which lists them and fails.

Registered by ``tests/conftest.py``; another helper that runs the command line can hand its
output to :func:`record`.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _pytest.capture import CaptureFixture
from typer.testing import CliRunner

from oppgjor.core.ids import national_id

NAME = "oppgjor-leak-guard"
MARK = "reveals_national_id"
LOG_DIR_ENV = "OPPGJOR_LOG_DIR"
_REPORTED = "national ids"  # a report's user property: the leaks a worker found

_CANDIDATE = re.compile(r"(?<!\d)(\d{6}) ?(\d{5})(?!\d)")
# a message id or GUID: its last group of twelve hex digits now and then holds eleven decimal
# digits that pass a national id's checks (about 1 in 100 000 ids); not personal data
_UUID = re.compile(r"\b[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b", re.IGNORECASE)
_active: list[LeakGuard] = []


def national_ids_in(text: str) -> set[str]:
    """The valid national ids (synthetic ones included) written in *text*, also as
    ``DDMMYY NNNNN``; digits inside a UUID are not one."""
    found = set()
    for match in _CANDIDATE.finditer(_UUID.sub("<uuid>", text)):
        number = match.group(1) + match.group(2)
        if national_id.is_valid(number, allow_synthetic=True):
            found.add(number)
    return found


def record(text: str | bytes | None, source: str) -> None:
    """Read *text* (output of the running test, from *source*) for national ids."""
    for guard in _active:
        guard.read(text, source)


class LeakGuard:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.leaks: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.current: str | None = None
        self.exempt = False
        self.log_dir = Path(tempfile.mkdtemp(prefix="oppgjor-test-logs-"))
        self.seen: dict[Path, int] = {}
        self._undo: list[Callable[[], None]] = []

    # -- reading ----------------------------------------------------------------------------
    def read(self, text: str | bytes | None, source: str, nodeid: str | None = None) -> None:
        nodeid = nodeid or self.current
        if not text or nodeid is None or (nodeid == self.current and self.exempt):
            return
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        for number in national_ids_in(text):
            self.leaks[nodeid][source].add(national_id.mask(number))

    def _read_logs(self, folders: list[Path]) -> None:
        for folder in folders:
            for path in sorted(folder.rglob("*.log")) if folder.is_dir() else ():
                size = path.stat().st_size
                start = self.seen.get(path, 0)
                if size == start:
                    continue
                with path.open("rb") as handle:
                    handle.seek(start if size > start else 0)
                    self.read(handle.read(), f"loggfil {path.name}")
                self.seen[path] = size

    # -- hooks ------------------------------------------------------------------------------
    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line(
            "markers", f"{MARK}: the test shows a national id on purpose (not leak-checked)"
        )
        self._start()

    def _start(self) -> None:
        _active.append(self)
        # an xdist worker inherits the controller's folder: it takes one of its own instead
        if LOG_DIR_ENV not in os.environ or _is_worker(self.config):
            previous = os.environ.get(LOG_DIR_ENV)
            os.environ[LOG_DIR_ENV] = str(self.log_dir)
            self._undo.append(lambda: _restore(LOG_DIR_ENV, previous))
        self._wrap(CliRunner, "invoke", _cli_output)
        self._wrap(subprocess.Popen, "communicate", _process_output)
        self._wrap(CaptureFixture, "readouterr", _captured_output)

    def _wrap(self, owner: Any, name: str, reader: Callable[[Any], Iterator[str]]) -> None:
        original = getattr(owner, name)

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            for text in reader(result):
                record(text, f"{owner.__name__}.{name}")
            return result

        setattr(owner, name, wrapped)
        self._undo.append(lambda: setattr(owner, name, original))

    def pytest_unconfigure(self) -> None:
        for undo in reversed(self._undo):
            undo()
        if self in _active:
            _active.remove(self)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Iterator[None]:
        self.current = item.nodeid
        self.exempt = item.get_closest_marker(MARK) is not None
        try:
            yield
        finally:
            self.current, self.exempt = None, False

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        if self.exempt:
            return
        folders = [Path(os.environ.get(LOG_DIR_ENV, self.log_dir))]
        tmp_path = getattr(item, "funcargs", {}).get("tmp_path")
        if isinstance(tmp_path, Path):
            folders.append(tmp_path)
        self._read_logs(folders)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item) -> Iterator[None]:
        outcome = yield
        report = outcome.get_result()
        found = self.leaks.get(item.nodeid)
        if report.when == "teardown" and found and _is_worker(self.config):
            listed = [[source, sorted(masked)] for source, masked in sorted(found.items())]
            report.user_properties.append((_REPORTED, listed))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not _is_worker(self.config):
            for name, listed in report.user_properties:
                for source, masked in listed if name == _REPORTED else ():
                    self.leaks[report.nodeid][source].update(masked)
        if MARK in report.keywords:
            return
        for title, content in report.sections:
            self.read(content, title, report.nodeid)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.leaks:
            return
        terminalreporter.section("national ids in test output", sep="=", red=True)
        for nodeid, sources in sorted(self.leaks.items()):
            for source, masked in sorted(sources.items()):
                terminalreporter.write_line(f"{nodeid}: {source}: {', '.join(sorted(masked))}")
        terminalreporter.write_line(
            f"{len(self.leaks)} test(s) printed a national id in full; mask it in the product "
            f"(or mark a test that reveals one on purpose @pytest.mark.{MARK})."
        )

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.leaks and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _restore(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def _cli_output(result: Any) -> Iterator[str]:
    yield result.output  # stdout and stderr, as the user sees them
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        yield str(result.exception)  # what escaped the command (a test may print it)


def _process_output(result: Any) -> Iterator[str]:
    for stream in result or ():
        if isinstance(stream, bytes):
            yield stream.decode("utf-8", "replace")
        elif isinstance(stream, str):
            yield stream


def _captured_output(result: Any) -> Iterator[str]:
    for stream in result:
        if isinstance(stream, str):
            yield stream
