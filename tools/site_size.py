"""Fail the publishing job before the built site outgrows GitHub Pages (1 GB at most).

    python tools/site_size.py [FOLDER] [--limit SIZE] [--warn SIZE] [--format text|github]

Sums the bytes of the regular files under FOLDER (default `site`), the way the Pages
artifact stores them: every name counts (two hard links to one file count twice), and
symbolic links are neither followed nor counted (they are reported, since the artifact
would store what they point to). Sizes are decimal (1 GB = 1,000,000,000 bytes) and take
K, M or G suffixes. Exit status: 0 within the limit (a warning is printed above `--warn`),
1 over the limit, 2 when FOLDER is not a folder or an argument is wrong.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

PAGES_LIMIT = 1_000_000_000  # GitHub Pages: a published site may be no larger than 1 GB
DEFAULT_LIMIT = 950_000_000  # fail with a safety margin below it
DEFAULT_WARN = 800_000_000
SHOWN = 5  # how many of the biggest folders and files a message names

ADVICE = ("To shrink it: show fewer cards per listing page, keep repeated lists out of the "
          "search index (pagefind/; data-search-exclude, generator/search.py), host media "
          "(images, audio, video, PDFs) elsewhere and link to it, or split the site in two.")

_UNITS = {"": 1, "B": 1, "K": 1000, "KB": 1000, "M": 1000**2, "MB": 1000**2,
          "G": 1000**3, "GB": 1000**3}


@dataclass
class Usage:
    total: int = 0
    files: int = 0
    links: list[str] = field(default_factory=list)
    folders: dict[str, int] = field(default_factory=dict)  # top-level entry -> bytes
    largest: list[tuple[int, str]] = field(default_factory=list)  # (bytes, path), biggest first


def parse_size(text: str) -> int:
    """`950000000`, `950M`, `0.95G`, `1GB` -> bytes (decimal units)."""
    raw = text.strip().upper().replace("_", "").replace(",", "")
    number = raw.rstrip("KMGB")
    unit = raw[len(number):]
    if unit not in _UNITS or not number:
        raise ValueError(f"not a size: {text!r} (use bytes, or a K, M or G suffix)")
    try:
        value = Decimal(number) * _UNITS[unit]
    except InvalidOperation:
        raise ValueError(f"not a size: {text!r}") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"not a size: {text!r}")
    return int(value)


def entries(folder: Path) -> Iterator[tuple[str, os.stat_result]]:
    """Everything under `folder` but folders, by path relative to it ("a/b.html"), with
    its own status: a symbolic link is never followed (tools/site_families.py walks the
    same way)."""
    stack = [""]
    while stack:
        prefix = stack.pop()
        with os.scandir(folder / prefix if prefix else folder) as found:
            for entry in found:
                rel = prefix + entry.name
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISDIR(info.st_mode):
                    stack.append(rel + "/")
                else:
                    yield rel, info


def measure(folder: Path) -> Usage:
    """The bytes under `folder`, never following a symbolic link."""
    usage = Usage()
    files: list[tuple[int, str]] = []
    for rel, info in entries(folder):
        if stat.S_ISLNK(info.st_mode):
            usage.links.append(rel)
        elif stat.S_ISREG(info.st_mode):
            usage.total += info.st_size
            usage.files += 1
            top = rel.split("/", 1)[0] + ("/" if "/" in rel else "")
            usage.folders[top] = usage.folders.get(top, 0) + info.st_size
            files.append((info.st_size, rel))
    files.sort(key=lambda item: (-item[0], item[1]))
    usage.largest = files[:SHOWN]
    usage.links.sort()
    return usage


def human(size: int) -> str:
    for unit, scale in (("GB", 1000**3), ("MB", 1000**2), ("kB", 1000)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def biggest(usage: Usage, name: str) -> str:
    tops = sorted(usage.folders.items(), key=lambda item: (-item[1], item[0]))[:SHOWN]
    folders = ", ".join(f"{name}/{top} {human(size)}" for top, size in tops)
    files = ", ".join(f"{name}/{rel} {human(size)}" for size, rel in usage.largest)
    return f"Biggest folders: {folders}. Biggest files: {files}."


def report(usage: Usage, name: str, limit: int, warn: int) -> tuple[str, str]:
    """(level, message): level is "ok", "warning" or "error"."""
    size = (f"{name}/ is {human(usage.total)} ({usage.total:,} bytes in {usage.files:,} "
            f"files)")
    links = (f" {len(usage.links)} symbolic link(s) were not counted, but the Pages "
             f"artifact stores what they point to: {', '.join(usage.links[:SHOWN])}."
             if usage.links else "")
    if usage.total > limit:
        return "error", (f"{size}, over the limit of {human(limit)} ({limit:,} bytes; GitHub "
                         f"Pages publishes at most {human(PAGES_LIMIT)}). {biggest(usage, name)} "
                         f"{ADVICE}{links}")
    if usage.total > warn:
        return "warning", (f"{size}, above the warning threshold of {human(warn)}; the build "
                           f"fails above {human(limit)}. {biggest(usage, name)} {ADVICE}{links}")
    return "ok", f"{size}, within the limit of {human(limit)}.{links}"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="site_size.py", description=__doc__.split("\n\n")[0])
    p.add_argument("folder", nargs="?", default="site", help="the built site (default: site)")
    p.add_argument("--limit", default=str(DEFAULT_LIMIT),
                   help=f"fail above this size (default: {DEFAULT_LIMIT:,} bytes)")
    p.add_argument("--warn", default=str(DEFAULT_WARN),
                   help=f"warn above this size (default: {DEFAULT_WARN:,} bytes)")
    p.add_argument("--format", choices=("text", "github"), default="text",
                   help="github: print the warning or error as a workflow annotation")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        limit, warn = parse_size(args.limit), parse_size(args.warn)
    except ValueError as exc:
        print(f"site_size.py: {exc}", file=sys.stderr)
        return 2
    folder = Path(args.folder)
    name = args.folder.rstrip("/") or "/"
    try:
        if not stat.S_ISDIR(folder.lstat().st_mode):
            print(f"site_size.py: cannot measure {name}: not a folder", file=sys.stderr)
            return 2
        usage = measure(folder)
    except OSError as exc:
        print(f"site_size.py: cannot measure {name}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    level, message = report(usage, name, limit, min(warn, limit))
    if level == "ok":
        print(message)
        return 0
    if args.format == "github":
        escaped = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        print(f"::{level} title=Site size::{escaped}")
    else:
        print(f"{level}: {message}", file=sys.stderr)
    return 1 if level == "error" else 0


if __name__ == "__main__":
    sys.exit(main())
