"""Progress on long runs (generator/progress.py): plain lines for logs, tqdm bars on a
terminal, nothing with --quiet, and counts that match what was written."""

from __future__ import annotations

import io
import itertools
import os
import re
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from generator import cli
from generator.pipeline import generate
from generator.progress import (
    NO_PROGRESS,
    LineProgress,
    TqdmProgress,
    current,
    progress_for,
    reporting,
)
from generator.site import site_config
from tests.conftest import REPO

DONE = re.compile(r"^\[(?P<stage>[\w ]+)\] done, (?P<done>\d+)/(?P<total>\d+) \w+ in [\d.]+s$")
PERIODIC = re.compile(r"^\[(?P<stage>[\w ]+)\] (?P<done>\d+)/(?P<total>\d+) \w+, "
                      r"[\d.]+s elapsed$")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def ticking(step: float = 1.0) -> Callable[[], float]:
    """A clock that moves `step` seconds each time it is read."""
    return partial(next, itertools.count(0.0, step))


def counts(lines: list[str], pattern: re.Pattern[str], stage: str) -> list[tuple[int, int]]:
    return [(int(m["done"]), int(m["total"])) for line in lines
            if (m := pattern.match(line)) and m["stage"] == stage]


# ---------------------------------------------------------------- the reporters alone


def test_lines_at_start_at_most_every_interval_and_at_the_end() -> None:
    clock, out = FakeClock(), io.StringIO()
    progress = LineProgress(out, clock)
    progress.start("generate", 10)
    for _ in range(3):  # within the first 5 s: no line
        clock.now += 1.0
        progress.advance()
    clock.now += 2.5  # 5.5 s since the start: one line
    progress.advance()
    progress.advance(2)  # no time passed: no line
    clock.now += 4.0  # 4 s since the last line: none
    progress.advance()
    clock.now += 1.0  # 5 s since the last line: one
    progress.advance()
    progress.finish()
    assert out.getvalue().splitlines() == [
        "[generate] started, 10 files",
        "[generate] 4/10 files, 5.5s elapsed",
        "[generate] 8/10 files, 10.5s elapsed",
        "[generate] done, 8/10 files in 10.5s",
    ]


def test_a_stage_without_count_says_when_it_started_and_how_long_it_took() -> None:
    clock, out = FakeClock(), io.StringIO()
    progress = LineProgress(out, clock)
    with progress.stage("search index"):
        clock.now += 20.3
    assert out.getvalue().splitlines() == ["[search index] started",
                                           "[search index] done in 20.3s"]


def test_a_stage_that_raises_is_reported_stopped_and_starting_another_closes_it() -> None:
    clock, out = FakeClock(), io.StringIO()
    progress = LineProgress(out, clock)

    def load() -> None:
        with progress.stage("load", 3, "file"):
            progress.advance()
            raise RuntimeError

    with pytest.raises(RuntimeError):
        load()
    progress.start("MkDocs read", 2, "page")
    progress.advance(2)
    progress.start("MkDocs write", 1, "page")  # closes "MkDocs read" as done
    progress.finish()
    progress.finish()  # nothing open: nothing said
    assert out.getvalue().splitlines() == [
        "[load] started, 3 files",
        "[load] stopped, 1/3 files after 0.0s",
        "[MkDocs read] started, 2 pages",
        "[MkDocs read] done, 2/2 pages in 0.0s",
        "[MkDocs write] started, 1 page",
        "[MkDocs write] done, 0/1 page in 0.0s",
    ]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_reporter_follows_the_stream_and_quiet() -> None:
    assert isinstance(progress_for(_Terminal()), TqdmProgress)
    assert isinstance(progress_for(io.StringIO()), LineProgress)
    assert progress_for(_Terminal(), quiet=True) is NO_PROGRESS
    assert progress_for(io.StringIO(), quiet=True) is NO_PROGRESS


def test_tqdm_draws_a_bar_per_stage() -> None:
    out = _Terminal()
    progress = TqdmProgress(out, tick=0.01)
    with progress.stage("generate", 4):
        progress.advance(4)
    with progress.stage("search index"):
        pass
    text = out.getvalue()
    assert re.search(r"generate: 100%\|[█#]+\| 4/4", text), text
    assert "search index: 00:00" in text


def test_the_plugin_context_is_set_only_around_the_block() -> None:
    clock, out = FakeClock(), io.StringIO()
    progress = LineProgress(out, clock)
    assert current() is NO_PROGRESS
    seen = []

    def build() -> None:
        with reporting(progress):
            seen.append(current())
            current().start("MkDocs read", 5, "page")
            raise RuntimeError  # a build that stopped: its open stage is closed as stopped

    with pytest.raises(RuntimeError):
        build()
    assert seen == [progress]
    assert current() is NO_PROGRESS
    assert out.getvalue().splitlines()[-1] == "[MkDocs read] stopped, 0/5 pages after 0.0s"


# ---------------------------------------------------------------- generation


def test_generation_counts_every_file_it_writes(project: Path) -> None:
    out = io.StringIO()
    report = generate(project, site_config(project), progress=LineProgress(out, ticking()))
    lines = out.getvalue().splitlines()
    docs_files = [p for p in (project / "docs").rglob("*") if p.is_file()]
    written = len(report.written) + report.unchanged
    assert written == len(docs_files) > 10
    assert counts(lines, DONE, "generate") == [(written, written)]
    periodic = counts(lines, PERIODIC, "generate")  # the clock moves 1 s per file
    assert len(periodic) >= 2
    assert [d for d, _ in periodic] == sorted({d for d, _ in periodic})
    assert all(t == written and 0 < d <= t for d, t in periodic)
    content = len(list((project / "briefs").rglob("*.yaml")))
    seeds = len({p.stem for p in (project / "seeds").iterdir() if p.is_file()})
    ((loaded, total),) = counts(lines, DONE, "load")
    assert loaded == total == content + seeds
    stages = [line[1:line.index("]")] for line in lines if line.endswith("] started")
              or "] started," in line]
    assert stages == ["load", "link", "generate", "save state"]


def test_library_callers_get_no_output(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generate(project, site_config(project))
    assert capsys.readouterr() == ("", "")


def test_generate_reports_lines_when_stderr_is_not_a_terminal(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(project), "generate"]) == 0
    err = capsys.readouterr().err.splitlines()
    files = sum(1 for p in (project / "docs").rglob("*") if p.is_file())
    assert f"[generate] started, {files} files" in err
    assert counts(err, DONE, "generate") == [(files, files)]
    assert err[-1].startswith("generated ")


def test_quiet_generate_says_nothing_on_success(project: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(project), "generate", "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    assert (project / "docs" / "index.md").is_file()


def test_quiet_generate_still_reports_content_errors(project: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    brief = project / "briefs" / "xi-lavrov-beijing-talks.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("title:", "titel:", 1),
                     encoding="utf-8")
    assert cli.main(["--root", str(project), "generate", "-q"]) == cli.EXIT_CONTENT
    out, err = capsys.readouterr()
    assert "briefs/xi-lavrov-beijing-talks.yaml:" in out and "titel" in out
    assert "nothing was published" in err
    assert "[" not in err  # no progress line


def test_quiet_and_verbose_do_not_go_together(project: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--root", str(project), "generate", "-q", "-v"])
    assert exit_.value.code == 2


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_terminal_gets_tqdm_bars(project: Path) -> None:
    import pty

    main_fd, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator.cli", "--root", str(project), "generate"],
            cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal,
            env={**os.environ, "COLUMNS": "100"})
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(main_fd, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(60) == 0
    finally:
        os.close(main_fd)
    text = b"".join(chunks).decode("utf-8")
    files = sum(1 for p in (project / "docs").rglob("*") if p.is_file())
    assert re.search(rf"generate: 100%\|[█#]+\| {files}/{files} ", text), text
    assert "\r" in text  # redrawn in place
    assert "[generate] started" not in text  # not the lines for logs


# ---------------------------------------------------------------- the whole build


@pytest.mark.slow
def test_build_counts_mkdocs_pages_and_times_the_index(project: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(project), "build"]) == 0
    err = capsys.readouterr().err.splitlines()
    pages = len(list((project / "docs").rglob("*.md")))
    assert counts(err, DONE, "MkDocs read") == [(pages, pages)]
    assert counts(err, DONE, "MkDocs write") == [(pages, pages)]
    assert "[search index] started" in err
    assert any(re.fullmatch(r"\[search index\] done in [\d.]+s", line) for line in err)
    assert err[-1].startswith("built site/ in ")
    assert current() is NO_PROGRESS


@pytest.mark.slow
def test_quiet_build_says_nothing_on_success(project: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(project), "build", "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    assert (project / "site" / "index.html").is_file()

