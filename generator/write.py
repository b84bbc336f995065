"""Writing output folders: only changed files, stale files removed, the folder swapped atomically.

A new tree is staged beside the target (unchanged files hard-linked, so they keep their
modification times), then swapped in with two renames. A failure at any point removes the
staging folder and leaves the target exactly as it was; a run killed between the two
renames is repaired by the next one. A folder of a run that is still going is never touched:
its name carries the owner's pid.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import BriefsError, EnvironmentProblem, os_reason


class UnsafeOutputPath(BriefsError, ValueError):
    """A page path that would land outside the output folder (a bug, never content)."""


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


def _staging(target: Path, tag: str) -> Path:
    return target.parent / f".{target.name}.{tag}-{os.getpid()}"


def _alive(pid: int) -> bool:
    """Whether another process `pid` exists (this process's own folders are leftovers: a
    run of this process cleans up before it returns)."""
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by another user
    except (OverflowError, OSError):
        return False
    return True


def recover(target: Path) -> None:
    """Undo what an interrupted swap left: restore the old folder, drop staging folders.

    Only the folders of runs that are gone: another run's staging folder, or the old
    folder it set aside between its two renames, is left to that run.
    """
    if not target.parent.is_dir():
        return
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(new|old)-([0-9]+)\Z")
    leftovers = []
    for path in sorted(target.parent.iterdir()):
        match = pattern.match(path.name)
        if match and not path.is_symlink() and not _alive(int(match[2])):
            leftovers.append(path)
    olds = [p for p in leftovers if p.name.startswith(f".{target.name}.old-")]
    if not target.exists() and olds:
        olds[-1].rename(target)
        olds = olds[:-1]
    for path in leftovers:
        if path.exists() and path != target:
            shutil.rmtree(path, ignore_errors=True)


def existing_files(target: Path) -> dict[str, Path]:
    if not target.is_dir():
        return {}
    found = {}
    for path in sorted(target.rglob("*")):
        if path.is_file() or path.is_symlink():
            found[path.relative_to(target).as_posix()] = path
    return found


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def write_tree(target: Path, files: Mapping[str, bytes]) -> WriteReport:
    """Make `target` hold exactly `files`; writes nothing when it already does."""
    return write_stream(target, ((rel, files[rel]) for rel in sorted(files)))


class _Unchanged(Exception):
    """Every file streamed was already in the target, and nothing else is: keep it."""


def write_stream(target: Path, files: Iterable[tuple[str, bytes]]) -> WriteReport:
    """Make `target` hold exactly the files `files` yields, one (path, bytes) at a time.

    Each file goes to the staging folder as it arrives and is not kept: a site is never
    in memory whole. Unchanged files are hard-linked from `target` (they keep their
    modification times). When the stream raises, the staging folder is dropped and
    `target` is untouched; when nothing changed, `target` is not swapped at all.
    """
    recover(target)
    current = existing_files(target)
    report = WriteReport()
    seen: set[str] = set()

    def stage(staging: Path) -> None:
        for rel, data in files:
            _check_rel(rel)
            if rel in seen:
                raise UnsafeOutputPath(f"two files at one path: {rel!r}")
            seen.add(rel)
            dest = staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            old = current.get(rel)
            if old is not None and not old.is_symlink() and _same(old, data):
                try:
                    os.link(old, dest)
                    report.unchanged += 1
                    continue
                except OSError:
                    pass
            dest.write_bytes(data)
            report.written.append(rel)
        report.written.sort()
        report.removed = sorted(set(current) - seen)
        if not report.changed:
            raise _Unchanged

    with contextlib.suppress(_Unchanged):
        swap_in(target, stage)
    return report


def write_files(target: Path, files: Mapping[str, bytes]) -> WriteReport:
    """Replace some files of `target`, leaving the others: each new file is written beside
    its destination first, then renamed over it, so a failure to write (a full disk) leaves
    every file as it was."""
    for rel in files:
        _check_rel(rel)
    report = WriteReport()
    staged: list[tuple[Path, Path]] = []
    try:
        for rel in sorted(files):
            dest = target / rel
            if _same(dest, files[rel]):
                report.unchanged += 1
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
            staged.append((tmp, dest))
            tmp.write_bytes(files[rel])
            report.written.append(rel)
        for tmp, dest in staged:
            tmp.replace(dest)
    except BaseException as exc:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                tmp.unlink()
        if isinstance(exc, OSError):
            raise _environment(exc, target) from exc
        raise
    return report


def swap_in(target: Path, stage: Callable[[Path], None]) -> None:
    """Build a new `target` with `stage(folder)`, then replace `target` with it."""
    with staged_folder(target) as staging:
        stage(staging)


def _environment(exc: OSError, target: Path) -> EnvironmentProblem:
    return EnvironmentProblem(f"cannot write {target.name}/: {os_reason(exc)}; "
                              "the previous output was left as it was")


def _check_rel(rel: str) -> None:
    parts = rel.split("/")
    if rel.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in rel:
        raise UnsafeOutputPath(f"refusing to write outside the output folder: {rel!r}")


@contextlib.contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """A fresh empty folder beside `target` that replaces it when the block succeeds.

    When the block raises, the staging folder is removed and `target` is untouched; an
    OSError (disk full, permissions) becomes an EnvironmentProblem saying so.
    """
    recover(target)
    staging = _staging(target, "new")
    old = _staging(target, "old")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
        yield staging
        if target.exists():
            target.rename(old)
        staging.rename(target)
    except BaseException as exc:
        if not target.exists() and old.exists():
            old.rename(target)
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise _environment(exc, target) from exc
        raise
    shutil.rmtree(old, ignore_errors=True)
