"""Where a built site's bytes go: files and bytes per page family, projected to more briefs.

    python -m tools.site_families SITE --briefs N [--docs DOCS] [--json OUT] [--project M]
    python -m tools.site_families --fit A.json B.json [--project M]
    python -m tools.site_families --docs DOCS --briefs M --json OUT
    python -m tools.site_families --from-docs BUILT.json DOCS.json
    python -m tools.site_families --anatomy PAGE.html

The first form sorts every file under SITE (a built site) into a family by its path (brief
pages, actors' full lists, tag pages after the first, pagefind/, ...) and prints files,
bytes and mean bytes per family. With `--project M` it also projects each family to M
briefs from this one measurement: a family that grows with the briefs (its `grows` below)
scales by M / N, the others stay as they are. That undercounts whatever grows more slowly
than the briefs but does grow (actor pages list more, more tags and years exist), so
`--fit` takes two measurements of the same corpus shape at two sizes (the JSON of the
first form) and projects each family along the straight line through them. That one
overcounts what stops growing (feeds of at most 50 entries, actors' pages of at most 10
cards). Closest: `--from-docs` projects from the generated docs at the target size itself
(minutes to generate, where building them takes a quarter of an hour or more), each page
its Markdown plus what a build of the same code at a smaller size adds to a page of its
family.

`--anatomy` splits one built page into its parts (head with its JSON-LD, header, tabs,
navigation sidebar, table of contents, article, footer, scripts) by the markers Material's
templates write, to see what the theme costs a page.
"""

from __future__ import annotations

import argparse
import json
import re
import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.site_size import entries

# family -> (pattern of its files' paths under site/, grows with the briefs); the first
# pattern that matches names a file's family.
FAMILIES: dict[str, tuple[str, bool]] = {
    "pagefind": (r"pagefind/.*", True),
    "assets": (r"assets/.*", False),
    "feeds": (r"feeds?/.*|feed\.xml", False),
    "sitemap": (r"sitemap\.xml(\.gz)?", True),
    "briefs index": (r"briefs/(page/\d+/)?index\.html", True),
    "brief": (r"briefs/[^/]+/index\.html", True),
    "actor full list": (r"actors/[^/]+/briefs/(page/\d+/)?index\.html", True),
    "actor events": (r"actors/[^/]+/events/(page/\d+/)?index\.html", True),
    "actors index": (r"actors/(page/\d+/)?index\.html", False),
    "actor": (r"actors/[^/]+/index\.html", False),
    "term full list": (r"glossary/[^/]+/briefs/(page/\d+/)?index\.html", True),
    "glossary index": (r"glossary/(page/\d+/)?index\.html", False),
    "term": (r"glossary/[^/]+/index\.html", False),
    "tags index": (r"tags/index\.html", False),
    "tag first page": (r"tags/[^/]+/index\.html", False),
    "tag later pages": (r"tags/[^/]+/page/\d+/index\.html", True),
    "timeline": (r"timeline/.*", True),
    "stories index": (r"stories/(page/\d+/)?index\.html", True),
    "story": (r"stories/.*", True),
    "corrections": (r"corrections/.*", True),
    "other": (r".*", False),
}
_PATTERNS = [(name, re.compile(pattern)) for name, (pattern, _) in FAMILIES.items()]


@dataclass
class Family:
    files: int = 0
    bytes: int = 0


def family(path: str) -> str:
    """The family of a file, by its path relative to the site's folder."""
    return next(name for name, pattern in _PATTERNS if pattern.fullmatch(path))


def built_path(doc: str) -> str:
    """The built file a generated one becomes: `briefs/x.md` -> `briefs/x/index.html`,
    `tags/index.md` -> `tags/index.html` (use_directory_urls); other files as they are."""
    if not doc.endswith(".md"):
        return doc
    stem = doc[:-3]
    return stem + ".html" if stem == "index" or stem.endswith("/index") else stem + "/index.html"


def measure(site: Path, *, docs: bool = False) -> dict[str, Family]:
    """Files and bytes of each family under `site` (symbolic links neither followed nor
    counted, as tools/site_size.py counts); with `docs`, under a generated docs folder,
    each file in the family of the page it becomes."""
    families = {name: Family() for name in FAMILIES}
    for rel, info in entries(site):
        if stat.S_ISREG(info.st_mode):
            counted = families[family(built_path(rel) if docs else rel)]
            counted.files += 1
            counted.bytes += info.st_size
    return families


def project(measured: dict[str, Family], briefs: int, target: int) -> dict[str, int]:
    """Bytes per family at `target` briefs from one measurement at `briefs`."""
    return {name: round(f.bytes * target / briefs) if FAMILIES[name][1] else f.bytes
            for name, f in measured.items()}


def fit(a: dict[str, Family], a_briefs: int, b: dict[str, Family], b_briefs: int,
        target: int) -> dict[str, int]:
    """Bytes per family at `target` briefs along the line through two measurements."""
    out = {}
    for name in FAMILIES:
        slope = (b[name].bytes - a[name].bytes) / (b_briefs - a_briefs)
        out[name] = max(0, round(b[name].bytes + slope * (target - b_briefs)))
    return out


def from_docs(site: dict[str, Family], docs: dict[str, Family], briefs: int,
              target_docs: dict[str, Family], target: int) -> dict[str, int]:
    """Bytes per family at `target` briefs from the generated docs at `target` (which take
    a few minutes to make, where a build takes a quarter of an hour or more) and a build
    at `briefs`: a page is its Markdown plus what the build adds to a page of its family
    there (theme, headings, table of contents; less the front matter). pagefind/ grows
    with the briefs from the build's figure, the sitemap with the pages, assets stay."""
    out = {}
    pages = sum(f.files for name, f in target_docs.items() if name not in ("assets", "feeds"))
    built_pages = sum(f.files for name, f in docs.items() if name not in ("assets", "feeds"))
    for name in FAMILIES:
        if name == "pagefind":
            out[name] = round(site[name].bytes * target / briefs)
        elif name == "sitemap":
            out[name] = round(site[name].bytes * pages / max(1, built_pages))
        elif name == "assets" or not docs[name].files:
            out[name] = site[name].bytes
        else:
            added = (site[name].bytes - docs[name].bytes) / docs[name].files
            out[name] = round(target_docs[name].bytes + target_docs[name].files * added)
    return out


def mb(size: float) -> str:
    return f"{size / 1e6:,.1f}"


def table(measured: dict[str, Family], projected: dict[str, int] | None,
          target: int) -> list[str]:
    total = sum(f.bytes for f in measured.values())
    head = f"{'family':<18} {'files':>7} {'MB':>8} {'share':>6} {'mean B':>8}"
    lines = [head + (f" {'MB at ' + format(target, ','):>13}" if projected else "")]
    for name, f in sorted(measured.items(), key=lambda item: -item[1].bytes):
        if not f.files:
            continue
        line = (f"{name:<18} {f.files:>7,} {mb(f.bytes):>8} {f.bytes / total:>6.1%} "
                f"{f.bytes // f.files:>8,}")
        if projected:
            line += f" {mb(projected[name]):>13}"
        lines.append(line)
    last = (f"{'total':<18} {sum(f.files for f in measured.values()):>7,} {mb(total):>8} "
            f"{'':>6} {'':>8}")
    if projected:
        last += f" {mb(sum(projected.values())):>13}"
    lines.append(last)
    return lines


def dump(measured: dict[str, Family], briefs: int,
         docs: dict[str, Family] | None = None) -> str:
    def plain(families: dict[str, Family]) -> dict[str, dict[str, int]]:
        return {name: {"files": f.files, "bytes": f.bytes} for name, f in families.items()}

    data: dict[str, object] = {"briefs": briefs, "families": plain(measured)}
    if docs is not None:
        data["docs"] = plain(docs)
    return json.dumps(data, indent=1)


def load(path: Path, key: str = "families") -> tuple[dict[str, Family], int]:
    data = json.loads(path.read_text(encoding="utf-8"))
    families = {name: Family() for name in FAMILIES}
    for name, counted in data[key].items():
        families[name] = Family(counted["files"], counted["bytes"])
    return families, int(data["briefs"])


# ---------------------------------------------------------------- one page's anatomy

# part -> the regular expression of its markup in a page built with Material 9.8
PARTS = {
    "JSON-LD": r'<script type="application/ld\+json">.*?</script>',
    "head, rest": r"<head>.*?</head>",
    "header": r'<header class="md-header.*?</header>',
    "tabs": r'<nav class="md-tabs".*?</nav>',
    "navigation sidebar": r'<div class="md-sidebar md-sidebar--primary".*?</nav>\s*</div>\s*'
                          r"</div>\s*</div>",
    "table of contents": r'<div class="md-sidebar md-sidebar--secondary".*?</nav>\s*</div>\s*'
                         r"</div>\s*</div>",
    "article": r'<article class="md-content__inner.*?</article>',
    "footer": r'<footer class="md-footer.*?</footer>',
    "__config": r'<script id="__config".*?</script>',
    "scripts": r"<script\b.*?</script>",
    "inline SVG (anywhere)": r"<svg\b.*?</svg>",
}


def anatomy(html: str) -> list[tuple[str, int]]:
    """Bytes (UTF-8) of each part of a built page; `head, rest` is the head without its
    JSON-LD, `scripts` the scripts outside the head not counted above, `rest` what none of
    the parts holds. `inline SVG` overlaps the header and navigation."""
    def size(text: str) -> int:
        return len(text.encode("utf-8"))

    parts: list[tuple[str, int]] = []
    rest = html
    for name, pattern in PARTS.items():
        found = re.findall(pattern, html if name.startswith("inline") else rest, re.DOTALL)
        total = sum(size(text) for text in found)
        parts.append((name, total))
        if not name.startswith("inline"):
            for text in found:
                rest = rest.replace(text, "", 1)
    parts.append(("rest", size(rest)))
    return parts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.site_families",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, help="a built site's folder")
    parser.add_argument("--briefs", type=int, help="the briefs the site was built from")
    parser.add_argument("--json", type=Path, help="also write the measurement here")
    parser.add_argument("--project", type=int, default=20_000, metavar="M",
                        help="project to this many briefs (default: 20,000)")
    parser.add_argument("--fit", nargs=2, type=Path, metavar=("A.json", "B.json"),
                        help="project along the line through two measurements")
    parser.add_argument("--anatomy", type=Path, metavar="PAGE.html",
                        help="the parts of one built page instead")
    parser.add_argument("--docs", type=Path, metavar="DOCS",
                        help="also measure the generated docs the site was built from (in "
                             "the JSON: what --from-docs needs); without SITE: only them")
    parser.add_argument("--from-docs", nargs=2, type=Path, metavar=("BUILT.json", "DOCS.json"),
                        help="project a site from its generated docs (DOCS.json, from --docs "
                             "alone) and a build of the same code (BUILT.json, SITE --docs)")
    args = parser.parse_args(argv)
    if args.anatomy:
        parts = anatomy(args.anatomy.read_text(encoding="utf-8"))
        for name, size in parts:
            print(f"{name:<22} {size:>8,}")
        print(f"{'page':<22} {args.anatomy.stat().st_size:>8,}")
        return 0
    if args.fit:
        (a, a_briefs), (b, b_briefs) = load(args.fit[0]), load(args.fit[1])
        if a_briefs == b_briefs:
            parser.error("--fit needs measurements at two different numbers of briefs")
        print(f"measured at {b_briefs:,} briefs; projected along the line through "
              f"{a_briefs:,} and {b_briefs:,}")
        print("\n".join(table(b, fit(a, a_briefs, b, b_briefs, args.project), args.project)))
        return 0
    if args.from_docs:
        site, briefs = load(args.from_docs[0])
        docs, _ = load(args.from_docs[0], "docs")
        target_docs, target = load(args.from_docs[1], "docs")
        print(f"built at {briefs:,} briefs; projected to the {target:,} briefs of the docs "
              "measured, a page as its Markdown plus what the build adds to its family")
        print("\n".join(table(site, from_docs(site, docs, briefs, target_docs, target),
                              target)))
        return 0
    if args.site is None and args.docs and args.briefs and args.json:
        args.json.write_text(dump({n: Family() for n in FAMILIES}, args.briefs,
                                  measure(args.docs, docs=True)) + "\n", encoding="utf-8")
        return 0
    if args.site is None or args.briefs is None:
        parser.error("give a site folder and --briefs (or --fit, --from-docs, --anatomy, or "
                     "--docs with --briefs and --json)")
    if not args.site.is_dir():
        print(f"site_families: {args.site} is not a folder", file=sys.stderr)
        return 2
    measured = measure(args.site)
    if args.json:
        docs_measured = measure(args.docs, docs=True) if args.docs else None
        args.json.write_text(dump(measured, args.briefs, docs_measured) + "\n",
                             encoding="utf-8")
    print(f"measured at {args.briefs:,} briefs; families marked as growing scaled by "
          f"{args.project:,} / {args.briefs:,}, the others as they are")
    print("\n".join(table(measured, project(measured, args.briefs, args.project),
                          args.project)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
