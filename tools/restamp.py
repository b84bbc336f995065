"""Give files of a fresh checkout back the modification times of their last build, when
their bytes are the same: what lets a restored `.briefs-cache/` take effect in CI.

    python tools/restamp.py save MANIFEST FOLDER...
    python tools/restamp.py restore MANIFEST FOLDER...

The build cache (generator/cache.py) identifies a file by its size and its modification
time in nanoseconds, as make does. A fresh `git checkout` gives every file a new time, so a
restored cache would never match and every CI run would take the full path. `save` records,
for every regular file under the folders, its SHA-256, size and time; `restore` sets a
file's time back to the recorded one only when its size and SHA-256 are the recorded ones
now. An edited or new file keeps its checkout time and is seen as edited; an unchanged file
is, byte for byte, the file the cache describes.

Nothing in the repository is trusted for this (no commit dates, no times stored in git):
the manifest is plain JSON from the CI cache, read as data, and it only decides the time of
a file whose content it matches. Only the files found under the folders are touched, never
a path named in the manifest, and symbolic links are neither followed nor changed.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

FORMAT = 1
MAX_MANIFEST = 64 << 20  # far above a real manifest; a bigger file is not read


def regular_files(root: Path, folder: str) -> Iterator[tuple[str, os.stat_result]]:
    """(path relative to root, lstat) of every regular file under root/folder, without
    following symbolic links (a linked folder is not entered)."""
    try:
        if not stat.S_ISDIR((root / folder).lstat().st_mode):
            return
    except OSError:
        return
    stack = [folder.strip("/")]
    while stack:
        prefix = stack.pop()
        with os.scandir(root / prefix) as entries:
            for entry in entries:
                rel = f"{prefix}/{entry.name}"
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISDIR(info.st_mode):
                    stack.append(rel)
                elif stat.S_ISREG(info.st_mode):
                    yield rel, info


def digest(path: Path) -> str | None:
    """SHA-256 of a regular file opened without following a link, or None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return None
        sha = hashlib.sha256()
        for block in iter(lambda: file.read(1 << 20), b""):
            sha.update(block)
        return sha.hexdigest()


def save(root: Path, manifest: Path, folders: Sequence[str]) -> int:
    files: dict[str, list[object]] = {}
    for folder in folders:
        for rel, info in regular_files(root, folder):
            sha = digest(root / rel)
            if sha is not None:
                files[rel] = [sha, info.st_size, info.st_mtime_ns]
    manifest.parent.mkdir(parents=True, exist_ok=True)
    if manifest.parent.is_symlink():  # a linked cache folder would send the write elsewhere
        print(f"restamp: {manifest.parent} is a symbolic link; nothing recorded")
        return 0
    tmp = manifest.with_name(f".{manifest.name}.{os.getpid()}.tmp")
    data = json.dumps({"format": FORMAT, "files": files}, separators=(",", ":")).encode()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 0o644)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    tmp.replace(manifest)
    print(f"restamp: recorded {len(files)} file(s) in {manifest}")
    return 0


def load(manifest: Path) -> dict[str, tuple[str, int, int]]:
    """The manifest's entries that have the expected shape; anything else is ignored."""
    try:
        fd = os.open(manifest, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return {}
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MANIFEST:
            return {}
        try:
            data = json.loads(file.read())
        except (OSError, ValueError, RecursionError):
            return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    files = data.get("files")
    if not isinstance(files, dict):
        return {}
    entries: dict[str, tuple[str, int, int]] = {}
    for rel, value in files.items():
        if (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
                and all(type(v) is int and v >= 0 for v in value[1:])):
            entries[rel] = (value[0], value[1], value[2])
    return entries


def restore(root: Path, manifest: Path, folders: Sequence[str]) -> int:
    recorded = load(manifest)
    restamped = differ = 0
    for folder in folders:
        for rel, info in regular_files(root, folder):
            entry = recorded.get(rel)
            if entry is None or entry[1] != info.st_size or digest(root / rel) != entry[0]:
                differ += 1
                continue
            with contextlib.suppress(OSError):
                os.utime(root / rel, ns=(entry[2], entry[2]), follow_symlinks=False)
                restamped += 1
    print(f"restamp: {restamped} unchanged file(s) given their recorded time, "
          f"{differ} new or edited file(s) left as checked out")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="restamp.py", description=__doc__.split("\n\n")[0])
    p.add_argument("action", choices=("save", "restore"))
    p.add_argument("manifest", help="the JSON manifest (kept in the CI cache)")
    p.add_argument("folders", nargs="+", help="folders, relative to --root")
    p.add_argument("--root", default=".", help="project folder (default: the current one)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    root = Path(args.root)
    manifest = Path(args.manifest)
    if not manifest.is_absolute():
        manifest = root / manifest
    action = save if args.action == "save" else restore
    return action(root, manifest, args.folders)


if __name__ == "__main__":
    sys.exit(main())
