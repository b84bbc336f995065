"""`briefs serve` as an editor uses it: a live preview that follows edits and survives mistakes.

One server (a subprocess on a copy of the project) for the whole module; the tests run in
file order: serve, pick up an edit, report a content error while serving the last good
pages, recover, stop cleanly on Ctrl-C.
"""

from __future__ import annotations

import json
import os
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

pytestmark = pytest.mark.slow

BRIEF = "briefs/xi-lavrov-beijing-talks.yaml"
PAGE = "briefs/xi-lavrov-beijing-talks/"
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
    lines: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def output(self) -> str:
        with self.lock:
            return "".join(self.lines)

    def get(self, path: str, timeout: float = 5.0) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            return 0, str(exc)

    def edit(self, change: Callable[[str], str]) -> None:
        path = self.root / BRIEF
        text = path.read_text(encoding="utf-8")
        changed = change(text)
        assert changed != text
        path.write_text(changed, encoding="utf-8")


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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = copy_project(tmp_path_factory.mktemp("serve") / "project")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "SITE_URL": url, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [*briefs_command(), "--root", str(root), "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace")
    served = Server(root, url, process)
    threading.Thread(target=_pump, args=(served,), daemon=True).start()
    try:
        yield served
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
        shutil.rmtree(root / "site", ignore_errors=True)


def test_serves_the_site(server: Server) -> None:
    wait_for(lambda: server.get("")[0] == 200, STARTUP_S, "the home page", server)
    status, html = server.get(PAGE)
    assert status == 200
    assert "<title>Xi Jinping meets Sergei Lavrov in Beijing" in html


def _search_entries(server: Server) -> list[dict[str, str]]:
    status, body = server.get("search/search_index.json")
    assert status == 200
    entries: list[dict[str, str]] = json.loads(body)["docs"]
    return entries


def test_picks_up_an_edit(server: Server) -> None:
    before = _search_entries(server)
    server.edit(lambda text: text.replace("title: Xi Jinping meets", "title: Edited Xi meets"))
    wait_for(lambda: "<title>Edited Xi meets" in server.get(PAGE)[1], CHANGE_S,
             "the edited title on the page", server)
    # Dirty reload rebuilds the pages that show the title too (the generator rewrote them).
    wait_for(lambda: "Edited Xi meets" in server.get("briefs/")[1], CHANGE_S,
             "the edited title in the briefs index", server)
    # ... and the search index still has every page, each once, with the new title.
    after = _search_entries(server)
    assert sorted(e["location"] for e in after) == sorted(e["location"] for e in before)
    titles = [e["title"] for e in after if e["location"] == PAGE]
    assert titles and all("Xi Jinping meets" not in t for t in titles), titles
    assert any("Edited Xi meets" in t for t in titles), titles


DIAGNOSTIC = f"{BRIEF}:3:7: error[bad-date]: date: '2024-13-45' is not a real calendar date"


def test_a_content_error_is_reported_and_the_last_good_page_stays(server: Server) -> None:
    server.edit(lambda text: text.replace("\ndate: 2024-04-09\n", "\ndate: 2024-13-45\n"))
    rebuilt = ("error[bad-date]", "error happened during the rebuild", "Aborted")
    wait_for(lambda: any(marker in server.output() for marker in rebuilt), CHANGE_S,
             "a rebuild after the broken edit", server)
    assert DIAGNOSTIC in server.output()
    status, html = server.get(PAGE)
    assert status == 200, html
    assert "<title>Edited Xi meets" in html  # the last good version


def test_recovers_once_the_error_is_fixed(server: Server) -> None:
    server.edit(lambda text: text.replace("\ndate: 2024-13-45\n", "\ndate: 2024-04-09\n")
                .replace("title: Edited Xi meets", "title: Fixed Xi meets"))
    wait_for(lambda: "<title>Fixed Xi meets" in server.get(PAGE, timeout=2)[1], CHANGE_S,
             "the page after fixing the error", server)


def test_stops_cleanly_on_ctrl_c(server: Server) -> None:
    server.process.send_signal(signal.SIGINT)
    try:
        code = server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pytest.fail(f"briefs serve ignored Ctrl-C; output:\n{server.output()}")
    assert code in (0, 130), server.output()
    assert "Traceback" not in server.output()
    assert server.get("", timeout=1)[0] == 0  # nothing listens any more
