"""Progress on long runs: the reporter the core tells about stages and counts, and its three
forms (nothing, tqdm bars on a terminal, plain periodic lines in CI logs).

The core never prints: a stage (`generate`, `MkDocs`, ...) is reported through the
`Progress` it is given, `NO_PROGRESS` by default. MkDocs calls the project's plugin, not
the core, so `briefs build` hands the plugin its reporter through `reporting()`, a context
variable set around the MkDocs build (generator/site.py) and read by the hooks with
`current()`: anything else that runs the plugin (`briefs serve`, plain `mkdocs build`)
sees the default and reports nothing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TextIO

LINE_INTERVAL = 5.0  # seconds between two periodic lines, at most one line per interval


class Progress:
    """Reports nothing: the default for library callers and tests, and `--quiet`.

    One stage at a time: `start` opens it (with its total, when known), `advance` counts
    what is done, `finish` closes it; starting a stage closes the one still open.
    """

    def start(self, stage: str, total: int | None = None, unit: str = "file") -> None:
        """A stage begins; `total` items of `unit` (singular) when the count is known."""

    def advance(self, count: int = 1) -> None:
        """`count` more items of the open stage are done."""

    def finish(self, *, ok: bool = True) -> None:
        """The open stage ended (`ok=False`: it stopped on an error); no-op when none is."""

    @contextlib.contextmanager
    def stage(self, name: str, total: int | None = None, unit: str = "file") -> Iterator[None]:
        """The block as one stage, finished (or marked stopped) however it exits."""
        self.start(name, total, unit)
        ok = False
        try:
            yield
            ok = True
        finally:
            self.finish(ok=ok)


NO_PROGRESS = Progress()


def _plural(unit: str, count: int) -> str:
    return unit if count == 1 else f"{unit}s"


class LineProgress(Progress):
    """Plain lines for logs (stderr is not a terminal): one when a stage starts, then at
    most one every `interval` seconds with the stage, done/total and elapsed time, and one
    when it ends. Each starts with its stage in brackets (`[generate] 1200/3981 files, 5.0s
    elapsed`), unlike the command's own `briefs: ...` lines. Lines are written only when
    something is reported (no thread): a stage without a count says when it started and
    how long it took."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic,
                 interval: float = LINE_INTERVAL) -> None:
        self.stream = stream
        self.clock = clock
        self.interval = interval
        self._stage: str | None = None
        self._total: int | None = None
        self._unit = "file"
        self._done = 0
        self._started = self._last = 0.0

    def _line(self, text: str) -> None:
        print(f"[{self._stage}] {text}", file=self.stream, flush=True)

    def _count(self) -> str:
        total = "?" if self._total is None else str(self._total)
        return f"{self._done}/{total} {_plural(self._unit, self._total or self._done)}"

    def start(self, stage: str, total: int | None = None, unit: str = "file") -> None:
        self.finish()
        self._stage, self._total, self._unit, self._done = stage, total, unit, 0
        self._started = self._last = self.clock()
        self._line("started" if total is None else f"started, {total} {_plural(unit, total)}")

    def advance(self, count: int = 1) -> None:
        if self._stage is None:
            return
        self._done += count
        now = self.clock()
        if now - self._last >= self.interval:
            self._last = now
            self._line(f"{self._count()}, {now - self._started:.1f}s elapsed")

    def finish(self, *, ok: bool = True) -> None:
        if self._stage is None:
            return
        elapsed = self.clock() - self._started
        counted = "" if self._total is None and not self._done else f", {self._count()}"
        self._line(f"done{counted} in {elapsed:.1f}s" if ok
                   else f"stopped{counted} after {elapsed:.1f}s")
        self._stage = None


def _size(stream: TextIO) -> dict[str, int]:
    """The terminal's size as tqdm takes it. A terminal that says 0 x 0 (a fresh
    pseudo-terminal, some CI runners) gets $COLUMNS and $LINES or 80 x 24: tqdm would draw
    nothing at all (no row to draw on)."""
    try:
        columns, lines = os.get_terminal_size(stream.fileno())
    except (AttributeError, OSError, ValueError):
        columns = lines = 0
    fallback = shutil.get_terminal_size()
    return {"ncols": columns or fallback.columns, "nrows": lines or fallback.lines}


class TqdmProgress(Progress):
    """A tqdm bar per stage on a terminal, left on screen when the stage ends. A stage
    without a count shows its elapsed time, refreshed by a small thread until it ends."""

    def __init__(self, stream: TextIO, tick: float = 0.5) -> None:
        self.stream = stream
        self.tick = tick
        self._bar: Any = None
        self._ticking: tuple[threading.Event, threading.Thread] | None = None

    def start(self, stage: str, total: int | None = None, unit: str = "file") -> None:
        from tqdm import tqdm

        self.finish()
        if total is not None:
            self._bar = tqdm(total=total, desc=stage, unit=unit, file=self.stream, leave=True,
                             **_size(self.stream), mininterval=0.2)
            return
        self._bar = tqdm(total=None, desc=stage, file=self.stream, leave=True,
                         **_size(self.stream), bar_format="{desc}: {elapsed}")
        stop = threading.Event()
        ticker = threading.Thread(target=self._refresh, args=(self._bar, stop),
                                  name="briefs-progress", daemon=True)
        ticker.start()
        self._ticking = stop, ticker

    def _refresh(self, bar: Any, stop: threading.Event) -> None:
        while not stop.wait(self.tick):
            bar.refresh()

    def advance(self, count: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(count)

    def finish(self, *, ok: bool = True) -> None:
        if self._ticking is not None:
            stop, ticker = self._ticking
            self._ticking = None
            stop.set()
            ticker.join()
        if self._bar is not None:
            bar, self._bar = self._bar, None
            bar.close()


def progress_for(stream: TextIO, *, quiet: bool = False) -> Progress:
    """The reporter for a command's `stream` (stderr): nothing with `--quiet`, bars on a
    terminal, periodic lines otherwise (CI logs, files, pipes)."""
    if quiet:
        return NO_PROGRESS
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return TqdmProgress(stream)
    return LineProgress(stream)


_current: ContextVar[Progress] = ContextVar("briefs_progress", default=NO_PROGRESS)


def current() -> Progress:
    """The reporter set by `reporting()` around this run, or NO_PROGRESS."""
    return _current.get()


@contextlib.contextmanager
def reporting(progress: Progress) -> Iterator[Progress]:
    """`progress` is `current()` inside the block; a stage it leaves open (a build that
    stopped) is closed as stopped."""
    token = _current.set(progress)
    try:
        yield progress
    finally:
        progress.finish(ok=False)
        _current.reset(token)
