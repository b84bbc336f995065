"""`briefs serve` as an editor uses it: a live preview that follows edits and survives mistakes.

One server (a subprocess on a copy of the project) is shared by the tests that edit; each
writes the whole brief it needs (a title of its own, a good or a broken date) and reads
only the output printed after its edit, so they pass in any order. Stopping on Ctrl-C
gets a server of its own.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import copy_project
from tests.search_index import read_index

pytestmark = pytest.mark.slow

BRIEF = "briefs/xi-lavrov-beijing-talks.yaml"
PAGE = "briefs/xi-lavrov-beijing-talks/"
UNEDITED = ("actors/sergei-lavrov/", "<title>Sergei V. Lavrov")  # a page no test changes
GOOD_DATE, BAD_DATE = "2024-04-09", "2024-13-45"
STARTUP_S = 45.0  # a cold start builds the whole site first
CHANGE_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def briefs_command() -> list[str]:
    script = Path(sys.executable).with_name("briefs")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "generator.cli"]


@dataclass
class Server:
    root: Path
    url: str
    process: subprocess.Popen[str]
    original: str  # the brief as copied
    lines: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def output(self, since: int = 0) -> str:
        """What the server printed, from line `since` on (see mark())."""
        with self.lock:
            return "".join(self.lines[since:])

    def mark(self) -> int:
        with self.lock:
            return len(self.lines)

    def get(self, path: str, timeout: float = 5.0) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            return 0, str(exc)

    def get_bytes(self, path: str, timeout: float = 5.0) -> bytes | None:
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
                body: bytes = response.read()
                return body
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            return None

    def write_brief(self, title: str, date: str = GOOD_DATE) -> str:
        """The brief as copied, with this title and date; returns the title it had."""
        path = self.root / BRIEF
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^title: (.*)$", text, re.MULTILINE)
        assert match
        new = re.sub(r"^title: .*$", f"title: {title}", self.original, count=1,
                     flags=re.MULTILINE).replace(f"\ndate: {GOOD_DATE}\n", f"\ndate: {date}\n")
        assert new != text, "each test writes a brief of its own"
        path.write_text(new, encoding="utf-8")
        return match[1]


def _pump(server: Server) -> None:
    assert server.process.stdout is not None
    for line in server.process.stdout:
        with server.lock:
            server.lines.append(line)


def wait_for(condition: Callable[[], bool], seconds: float, what: str, server: Server) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if server.process.poll() is not None:
            pytest.fail(f"briefs serve exited ({server.process.returncode}) while waiting for "
                        f"{what}:\n{server.output()}")
        time.sleep(0.25)
    pytest.fail(f"timed out after {seconds:.0f}s waiting for {what}; output:\n{server.output()}")


@contextlib.contextmanager
def serving(root: Path, engine: str = "mkdocs") -> Iterator[Server]:
    """`briefs serve` on the project at `root`, once its home page answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "SITE_URL": url, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
    # Ctrl-C as at a terminal: a shell's background job (a CI step run with `&`) starts
    # with SIGINT ignored, an ignored signal stays ignored across exec, and Python then
    # never raises KeyboardInterrupt in `briefs serve`. A handled signal is reset instead.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        process = subprocess.Popen(
            [*briefs_command(), "--root", str(root), "serve", "--dev-addr", f"127.0.0.1:{port}",
             "--engine", engine],
            cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace")
    finally:
        signal.signal(signal.SIGINT, previous)
    served = Server(root, url, process, (root / BRIEF).read_text(encoding="utf-8"))
    threading.Thread(target=_pump, args=(served,), daemon=True).start()
    try:
        wait_for(lambda: served.get("")[0] == 200, STARTUP_S, "the home page", served)
        yield served
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
        shutil.rmtree(root / "site", ignore_errors=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(copy_project(tmp_path_factory.mktemp("serve") / "project")) as served:
        yield served


def test_serves_the_site(server: Server) -> None:
    status, html = server.get(UNEDITED[0])
    assert status == 200
    assert UNEDITED[1] in html
    assert server.get(PAGE)[0] == 200


def _search_pages(server: Server) -> dict[str, str]:
    """The search index as served: each page's URL and title."""
    return {page["url"]: page["meta"]["title"] for page in read_index(server.get_bytes)}


def _indexed_title(server: Server, title: str) -> bool:
    with contextlib.suppress(AssertionError, OSError, ValueError):  # mid-swap
        return _search_pages(server).get("/" + PAGE) == title
    return False


def _shows(server: Server, title: str) -> None:
    wait_for(lambda: f"<title>{title}" in server.get(PAGE, timeout=2)[1], CHANGE_S,
             f"the title {title!r} on the page", server)


def test_picks_up_an_edit(server: Server) -> None:
    before = _search_pages(server)
    server.write_brief("Edited Xi meets Lavrov")
    _shows(server, "Edited Xi meets Lavrov")
    # Dirty reload rebuilds the pages that show the title too (the generator rewrote them).
    wait_for(lambda: "Edited Xi meets Lavrov" in server.get("briefs/")[1], CHANGE_S,
             "the edited title in the briefs index", server)
    # ... and the search index, rebuilt in the background, has every page once, with the
    # new title.
    wait_for(lambda: _indexed_title(server, "Edited Xi meets Lavrov"), CHANGE_S,
             "the edited title in the search index", server)
    assert sorted(_search_pages(server)) == sorted(before)


DIAGNOSTIC = f"{BRIEF}:3:7: error[bad-date]: date: '{BAD_DATE}' is not a real calendar date"
BANNER = '<div id="briefs-preview-errors"'
# the diagnostic as the banner shows it, escaped
SHOWN = DIAGNOSTIC.replace("'", "&#x27;")
REBUILT = ("error[bad-date]", "error happened during the rebuild", "Aborted")


def _break(server: Server, title: str) -> str:
    """Write the brief with an impossible date; the output of the rebuild that follows."""
    since = server.mark()
    server.write_brief(title, BAD_DATE)
    wait_for(lambda: any(m in server.output(since) for m in REBUILT), CHANGE_S,
             "a rebuild after the broken edit", server)
    return server.output(since)


def test_a_content_error_is_reported_and_the_last_good_page_stays(server: Server) -> None:
    server.write_brief("Good Xi meets Lavrov")
    _shows(server, "Good Xi meets Lavrov")
    assert BANNER not in server.get(PAGE)[1]
    assert DIAGNOSTIC in _break(server, "Broken Xi meets Lavrov")
    status, html = server.get(PAGE)
    assert status == 200, html
    assert "<title>Good Xi meets Lavrov" in html  # the last good version
    # ... under a banner that says why, on the edited page and on every other one
    for path in (PAGE, UNEDITED[0], ""):
        html = server.get(path)[1]
        assert BANNER in html and SHOWN in html, path


def test_a_rebuild_does_not_warn_about_dirty_builds(server: Server) -> None:
    since = server.mark()
    server.write_brief("Quietly edited Xi meets Lavrov")
    _shows(server, "Quietly edited Xi meets Lavrov")
    wait_for(lambda: "Reloading browsers" in server.output(since), CHANGE_S,
             "the end of the rebuild", server)
    assert "Building documentation" in server.output(since)  # the log is there ...
    assert "'dirty' build" not in server.output()  # ... without the alarming warning


def test_recovers_once_the_error_is_fixed(server: Server) -> None:
    _break(server, "Still broken Xi meets Lavrov")
    assert BANNER in server.get(UNEDITED[0])[1]
    server.write_brief("Fixed Xi meets Lavrov")
    _shows(server, "Fixed Xi meets Lavrov")
    for path in (PAGE, UNEDITED[0], ""):
        assert BANNER not in server.get(path)[1], path


def test_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    with serving(copy_project(tmp_path / "project")) as server:
        server.process.send_signal(signal.SIGINT)
        try:
            code = server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pytest.fail(f"briefs serve ignored Ctrl-C; output:\n{server.output()}")
        assert code in (0, 130), server.output()
        assert "Traceback" not in server.output()
        assert server.get("", timeout=1)[0] == 0  # nothing listens any more


def test_properdocs_previews_and_follows_an_edit(tmp_path: Path) -> None:
    """`briefs serve --engine properdocs`: the same plugin in ProperDocs' own process
    generates, watches the content and rebuilds after an edit."""
    with serving(copy_project(tmp_path / "project"), engine="properdocs") as served:
        status, html = served.get(UNEDITED[0])
        assert status == 200 and UNEDITED[1] in html
        assert 'content="mkdocs-ProperDocs' in html  # this engine, not MkDocs
        served.write_brief("Xi meets Lavrov, previewed by ProperDocs")
        _shows(served, "Xi meets Lavrov, previewed by ProperDocs")
