"""The build cache: lets a regeneration with nothing changed finish without parsing anything.

A fingerprint of every input (content, seeds, templates, the generator's own code, the
site configuration) and of every output file is kept beside the project. When both still
match, the docs folder is already what generation would write, so nothing is read or
written. Size and modification time (nanoseconds) identify a file, as in make or ninja.
When only content files differ, the fingerprint names them for the incremental path.

The folder can arrive with the repository (`git add -f`), so nothing in it is trusted: the
fingerprint is plain JSON (never a pickle), files are read only when they are regular files
reached without a symbolic link, and the folder itself is used only when it is a real one.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from .urls import SiteConfig

CACHE_DIR = ".briefs-cache"
CACHE_FILE = "generate.json"  # an older generate.pickle is never opened
FORMAT = 2
MAX_BYTES = 256 << 20  # far above any real fingerprint; a planted giant is not read
INPUT_DIRS = ("briefs", "seeds", "site_templates")


def _stamps(folder: Path, base: Path) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    if not folder.is_dir():
        return found
    rel_folder = folder.relative_to(base).as_posix()
    stack = ["" if rel_folder == "." else f"{rel_folder}/"]
    while stack:
        prefix = stack.pop()
        with os.scandir(base / prefix if prefix else base) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(f"{prefix}{entry.name}/")
                    continue
                info = entry.stat(follow_symlinks=False)
                found[prefix + entry.name] = [info.st_size, info.st_mtime_ns,
                                              int(entry.is_symlink())]
    return found


def restamp(current: dict[str, Any], docs_dir: Path, written: list[str]) -> dict[str, Any]:
    """The fingerprint after writing `written` into docs_dir (nothing else is read again)."""
    for rel in written:
        info = (docs_dir / rel).lstat()
        current["outputs"][rel] = [info.st_size, info.st_mtime_ns, 0]
    return current


def fingerprint(root: Path, config: SiteConfig, docs_dir: Path) -> dict[str, Any]:
    code = Path(__file__).parent
    inputs: dict[str, list[int]] = {}
    for name in INPUT_DIRS:
        inputs.update(_stamps(root / name, root))
    return {
        "format": FORMAT,
        "config": [config.site_name, config.site_url, str(docs_dir.resolve())],
        "code": _stamps(code, code),
        "inputs": inputs,
        "outputs": _stamps(docs_dir, docs_dir),
    }


def folder(root: Path, *, create: bool = False) -> Path | None:
    """The cache folder, or None when it is missing or not a real folder (a symbolic link
    committed in its place would send every read and write elsewhere)."""
    path = root / CACHE_DIR
    if create:
        with contextlib.suppress(OSError):
            path.mkdir()
    try:
        return path if stat.S_ISDIR(path.lstat().st_mode) else None
    except OSError:
        return None


def read_regular(path: Path, limit: int = MAX_BYTES) -> bytes | None:
    """The bytes of `path` if it is a regular file of at most `limit` bytes, not reached
    through a symbolic link (never a device, a FIFO or a link to one); else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        try:
            return file.read()
        except OSError:
            return None


def write_new(path: Path, data: bytes) -> None:
    """Write a new file at `path`; whatever was there (a planted link) is removed, never
    followed."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 0o644)
    with os.fdopen(fd, "wb") as file:
        file.write(data)


def load(root: Path) -> dict[str, Any] | None:
    """The fingerprint of the last successful run, if there is one of this format."""
    base = folder(root)
    data = read_regular(base / CACHE_FILE) if base else None
    if data is None:
        return None
    try:
        saved = json.loads(data)
    except (ValueError, RecursionError):
        return None
    # Values are only compared for equality; the containers must be what the callers walk.
    if (not isinstance(saved, dict) or saved.get("format") != FORMAT
            or not isinstance(saved.get("config"), list)
            or not all(isinstance(saved.get(k), dict) for k in ("code", "inputs", "outputs"))):
        return None
    return saved


def is_fresh(saved: dict[str, Any] | None, current: dict[str, Any]) -> bool:
    return bool(saved == current and current["outputs"])


def save(root: Path, current: dict[str, Any]) -> None:
    """Record the fingerprint; a cache that cannot be written only costs speed."""
    base = folder(root, create=True)
    if base is None:
        return
    path = base / CACHE_FILE
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        write_new(tmp, json.dumps(current, separators=(",", ":")).encode("utf-8"))
        tmp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
