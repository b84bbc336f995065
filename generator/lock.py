"""The project lock: one generation or site build of a project at a time, across processes.

The lock is `flock` on the project folder itself, opened as a directory: nothing is
created, so there is no lock file for the repository to replace with a symbolic link.
It is released when its holder exits, however it exits. It is re-entrant within a thread
(`briefs build` holds it around generation and the MkDocs build, which each take it too);
other threads of the process wait like other processes do.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .diagnostics import EnvironmentProblem, os_reason

TIMEOUT = 1800.0  # seconds a run waits for another run of the project before giving up
_POLL = 0.1
_LOCKS = Path("/proc/locks")

_guard = threading.Lock()
_threads: dict[tuple[int, int], threading.RLock] = {}  # project -> its lock in this process
_held: set[tuple[int, int]] = set()  # projects whose flock this process holds


@contextlib.contextmanager
def project_lock(root: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the lock of the project at `root` for the block, waiting (and saying so on
    stderr, once) while another run holds it; EnvironmentProblem after `timeout` seconds."""
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):
        yield  # no project folder, nothing to protect: the run reports the missing folder
        return
    except OSError as exc:
        raise EnvironmentProblem(f"cannot open the project folder {root} to lock it: "
                                 f"{os_reason(exc)}") from exc
    try:
        info = os.fstat(fd)
        key = (info.st_dev, info.st_ino)
        with _guard:
            local = _threads.setdefault(key, threading.RLock())
        wait = TIMEOUT if timeout is None else timeout
        deadline = time.monotonic() + wait
        if not local.acquire(timeout=wait):
            raise EnvironmentProblem(f"another build of this project in this process is "
                                     f"still running after {wait:g}s")
        try:
            if key in _held:  # this thread holds it already
                yield
                return
            _acquire(fd, deadline, wait)
            _held.add(key)
            try:
                yield
            finally:
                _held.discard(key)
        finally:
            local.release()
    finally:
        os.close(fd)  # releases the flock when this was the outermost hold


def _acquire(fd: int, deadline: float, wait: float) -> None:
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        except OSError as exc:
            raise EnvironmentProblem(f"cannot lock the project folder: {os_reason(exc)}; "
                                     "two builds at once could publish a mixed site, so "
                                     "none was started") from exc
        left = deadline - time.monotonic()
        if not told or left <= 0:
            holder = _holder(fd)
            who = f" (pid {holder})" if holder else ""
        if left <= 0:
            raise EnvironmentProblem(f"another build of this project{who} is still running "
                                     f"after {wait:g}s; wait for it to finish or stop it")
        if not told:
            print(f"briefs: waiting for another build of this project{who} to finish",
                  file=sys.stderr, flush=True)
            told = True
        time.sleep(min(_POLL, left))


def _holder(fd: int) -> int | None:
    """The pid holding an flock on the file of `fd`, from /proc/locks (Linux), or None."""
    info = os.fstat(fd)
    wanted = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    try:
        lines = _LOCKS.read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return None
    for line in lines:
        # "1: FLOCK  ADVISORY  WRITE 1234 fe:00:5308425 0 EOF"; waiters have "->" after "1:"
        fields = line.split()
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == wanted:
            with contextlib.suppress(ValueError):
                return int(fields[4])
    return None
