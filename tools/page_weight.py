"""The largest generated pages of a synthetic corpus: the page-weight budget, measured.

    python -m tools.page_weight [--briefs N] [--actors N] [--terms N] [--top N] [--unpaginated]

Builds the synthetic corpus of tests/corpus.py (5,000 briefs, 1,000 actors and 1,000 terms
by default) in a temporary folder, generates its Markdown in memory and prints the largest
page of each family (the page families of tools/site_families.py: the briefs index, tag
pages, the timeline, actors, terms, their full lists of briefs, briefs...) and the largest
pages overall, in bytes of UTF-8 Markdown.

The generated Markdown is a fair proxy of a page's HTML content: it is almost all raw HTML
blocks that Python-Markdown passes through, so the built page is that size plus the
theme's chrome (the same on every page, about 15 KB) and the few headings Markdown turns
into HTML. `--unpaginated` sets every page size of generator/render/paging.py so large
that nothing is paginated: the site as it was before pagination, for comparison.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from tools.site_families import FAMILIES, built_path
from tools.site_families import family as site_family

UNPAGINATED = 10**9

def family(path: str) -> str:
    """The family of a generated page: the one its built page has (tools/site_families.py,
    the one table of page families)."""
    return site_family(built_path(path))


def measure(briefs: int, actors: int, terms: int, *, unpaginated: bool = False
            ) -> dict[str, int]:
    """Bytes of every generated Markdown page of a corpus of this size."""
    from generator.pipeline import generate_files
    from generator.urls import SiteConfig
    from tests.corpus import build_corpus

    if unpaginated:
        from generator.render import paging

        for name in ("BRIEFS_PER_PAGE", "EVENTS_PER_PAGE", "PROFILE_BRIEFS",
                     "ACTORS_PER_PAGE", "TERMS_PER_PAGE"):
            setattr(paging, name, UNPAGINATED)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = build_corpus(Path(tmp) / "project", briefs, actors, terms)
        files = generate_files(corpus.root, SiteConfig("Explainer Briefs", "")).files
        return {path: len(data) for path, data in files.items() if path.endswith(".md")}


def report(sizes: dict[str, int], top: int) -> list[str]:
    largest: dict[str, tuple[int, str]] = {}
    counts: dict[str, int] = {}
    for path, size in sizes.items():
        name = family(path)
        counts[name] = counts.get(name, 0) + 1
        largest[name] = max(largest.get(name, (0, "")), (size, path))
    lines = [f"{len(sizes)} Markdown pages; largest of each family (bytes):"]
    for name in FAMILIES:  # in the table's order
        if name in largest:
            size, path = largest[name]
            lines.append(f"  {name:<20} {size:>11,}  {path}  ({counts[name]} pages)")
    lines.append(f"largest {top} pages:")
    for path, size in sorted(sizes.items(), key=lambda ps: (-ps[1], ps[0]))[:top]:
        lines.append(f"  {size:>11,}  {path}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefs", type=int, default=5000)
    parser.add_argument("--actors", type=int, default=1000)
    parser.add_argument("--terms", type=int, default=1000)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--unpaginated", action="store_true",
                        help="no pagination (every page size unbounded): the site before it")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sizes = measure(args.briefs, args.actors, args.terms, unpaginated=args.unpaginated)
    what = "unpaginated" if args.unpaginated else "as generated"
    print(f"{args.briefs} briefs, {args.actors} actors, {args.terms} terms, {what} "
          f"({time.perf_counter() - started:.0f} s)")
    print("\n".join(report(sizes, args.top)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
