"""The build cache: lets a regeneration with nothing changed finish without parsing anything.

A fingerprint of every input (content, seeds, templates, the generator's own code, the
site configuration) and of every output file is kept beside the project. When both still
match, the docs folder is already what generation would write, so nothing is read or
written. Size and modification time (nanoseconds) identify a file, as in make or ninja.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .urls import SiteConfig

CACHE_DIR = ".briefs-cache"
CACHE_FILE = "generate.json"
FORMAT = 1
INPUT_DIRS = ("briefs", "seeds", "site_templates")


def _stamps(folder: Path, base: Path) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    if not folder.is_dir():
        return found
    stack = [folder]
    while stack:
        current = stack.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                    continue
                info = entry.stat(follow_symlinks=False)
                rel = Path(entry.path).relative_to(base).as_posix()
                found[rel] = [info.st_size, info.st_mtime_ns, int(entry.is_symlink())]
    return found


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


def _path(root: Path) -> Path:
    return root / CACHE_DIR / CACHE_FILE


def is_fresh(root: Path, current: dict[str, Any]) -> bool:
    try:
        saved = json.loads(_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(saved == current and current["outputs"])


def save(root: Path, current: dict[str, Any]) -> None:
    """Record the fingerprint; a cache that cannot be written only costs speed."""
    path = _path(root)
    try:
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(current, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        return


def forget(root: Path) -> None:
    try:
        _path(root).unlink()
    except OSError:
        return
