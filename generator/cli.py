"""The `briefs` command: parses arguments, calls the core, prints diagnostics, sets the exit code.

Exit status: 0 success, 1 content errors, 2 usage or environment errors.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .diagnostics import DiagnosticsError, EnvironmentProblem, format_diagnostics, os_reason

EXIT_OK, EXIT_CONTENT, EXIT_ENVIRONMENT = 0, 1, 2
_VERBOSE = ("say which path generation took (unchanged, incremental or full) and, for a "
            "full run, why")


def _root(args: argparse.Namespace) -> Path:
    root = Path(args.root).resolve()
    if not (root / "briefs").is_dir() and not (root / "mkdocs.yml").is_file():
        raise EnvironmentProblem(f"{args.root} is not a briefs project (no briefs/ or mkdocs.yml)")
    return root


def cmd_check(args: argparse.Namespace) -> int:
    from .pipeline import check

    graph, problems = check(_root(args))
    if problems:
        raise DiagnosticsError(problems)
    if args.format == "json":
        print("[]")
    elif args.format == "text":  # what was checked, on stderr: stdout holds problems only
        content = graph.content
        counts = [(len(content.briefs), "brief"), (len(content.actors), "actor"),
                  (len(content.terms), "term"), (len(content.known_seeds), "seed article")]
        done = ", ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in counts)
        print(f"checked {done}: no problems", file=sys.stderr)
    return EXIT_OK


def cmd_generate(args: argparse.Namespace) -> int:
    from .pipeline import DOCS_DIR, generate
    from .site import site_config

    root = _root(args)
    started = time.perf_counter()
    report = generate(root, site_config(root), Path(args.out) if args.out else root / DOCS_DIR)
    elapsed = time.perf_counter() - started
    if args.verbose:
        print(f"briefs: {report.describe()}", file=sys.stderr)
    print(f"generated {len(report.written)} changed, {len(report.removed)} removed, "
          f"{report.unchanged} unchanged file(s) in {elapsed:.2f}s", file=sys.stderr)
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from .lock import project_lock
    from .pipeline import DOCS_DIR, generate
    from .site import build_site, site_config

    root = _root(args)
    with project_lock(root):  # generation and the site build as one: no run in between
        started = time.perf_counter()
        report = generate(root, site_config(root), root / DOCS_DIR)
        generated = time.perf_counter()
        if args.verbose:
            print(f"briefs: {report.describe()}", file=sys.stderr)
        indexed = build_site(root)
        done = time.perf_counter()
    print(f"built site/ in {done - started:.2f}s (generate {generated - started:.2f}s, "
          f"MkDocs {done - generated - indexed:.2f}s, search index {indexed:.2f}s)",
          file=sys.stderr)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .site import load_mkdocs_config

    root = _root(args)
    load_mkdocs_config(root)  # version and configuration checks, with a clear message
    from mkdocs.commands.serve import serve

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.INFO)

    # Dirty reload: after an edit MkDocs rebuilds only the pages whose Markdown changed.
    # That is exact here, because every page is written whole by the generator (which
    # rewrites every page an edit reaches); the search index is rebuilt in the background
    # after each rebuild (generator/search.py). Not strict: a warning is shown but does not
    # stop the preview.
    serve(config_file=str(root / "mkdocs.yml"), open_in_browser=False,
          dev_addr=args.dev_addr, livereload=True, build_type="dirty", strict=False)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema import stale_schemas, write_schemas

    root = _root(args)
    if args.check:
        stale = stale_schemas(root)
        for rel in stale:
            print(f"{rel}: out of date with the models or the content ids; run `briefs schema` "
                  "and commit the result", file=sys.stderr)
        return EXIT_CONTENT if stale else EXIT_OK
    changed = write_schemas(root)
    for rel in changed:
        print(f"wrote {rel}", file=sys.stderr)
    if not changed:
        print("schemas are up to date", file=sys.stderr)
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import new_entity
    from .schema import SCHEMA_DIR, write_schemas
    from .urls import Kind

    root = _root(args)
    try:
        created = new_entity(root, Kind(args.what), args.id, seed=getattr(args, "seed", None),
                             actor_kind=getattr(args, "actor_kind", None))
    except DiagnosticsError as exc:
        print(format_diagnostics(exc.diagnostics, args.format))
        print("nothing was written", file=sys.stderr)
        return EXIT_CONTENT
    print(created.rel)
    if args.what == "brief":
        print(f"{created.quotes} quotation(s) from the seed pre-filled; "
              f"{len(created.unknown_names)} name(s) without an actor listed", file=sys.stderr)
    if (root / SCHEMA_DIR).is_dir():
        for rel in write_schemas(root):  # the new id is offered for completion at once
            print(f"updated {rel}", file=sys.stderr)
    print(f"fill in {created.rel}, then run `briefs check`", file=sys.stderr)
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    from .kinds import ACTOR_KINDS

    p = argparse.ArgumentParser(prog="briefs", description="Explainer briefs: YAML in, site out.")
    p.add_argument("--root", default=".", help="project folder (default: the current one)")
    sub = p.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="validate all content; write nothing")
    check.add_argument("--format", choices=("text", "github", "json"), default="text",
                       help="diagnostics as text lines, GitHub annotations or JSON")
    check.set_defaults(func=cmd_check)

    gen = sub.add_parser("generate", help="write the Markdown pages into docs/")
    gen.add_argument("--out", help="output folder (default: docs/)")
    gen.add_argument("--format", choices=("text", "github", "json"), default="text")
    gen.add_argument("--verbose", "-v", action="store_true", help=_VERBOSE)
    gen.set_defaults(func=cmd_generate)

    build = sub.add_parser("build", help="generate, then build site/ with MkDocs (strict)")
    build.add_argument("--format", choices=("text", "github", "json"), default="text")
    build.add_argument("--verbose", "-v", action="store_true", help=_VERBOSE)
    build.set_defaults(func=cmd_build)

    serve = sub.add_parser("serve", help="preview locally; rebuilds when content changes")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on")
    serve.add_argument("--format", choices=("text", "github", "json"), default="text")
    serve.set_defaults(func=cmd_serve)

    schema = sub.add_parser("schema", help="write the JSON Schemas editors use into schemas/")
    schema.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when a committed schema is out of date")
    schema.set_defaults(func=cmd_schema, format="text")

    new = sub.add_parser("new", help="create a commented skeleton for a brief, actor or term")
    kinds = new.add_subparsers(dest="what", required=True, metavar="{brief,actor,term}")
    new_brief = kinds.add_parser("brief", help="briefs/ID.yaml, started from a seed article")
    new_brief.add_argument("id", help="the new brief's id (lowercase words joined by hyphens)")
    new_brief.add_argument("--seed", required=True, help="id of the article in seeds/")
    new_actor = kinds.add_parser("actor", help="briefs/actors/ID.yaml")
    new_actor.add_argument("id", help="the new actor's id")
    new_actor.add_argument("--kind", dest="actor_kind", required=True,
                           choices=tuple(ACTOR_KINDS))
    new_term = kinds.add_parser("term", help="briefs/glossary/ID.yaml")
    new_term.add_argument("id", help="the new term's id")
    for command in (new_brief, new_actor, new_term):
        command.add_argument("--format", choices=("text", "github", "json"), default="text")
        command.set_defaults(func=cmd_new)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except DiagnosticsError as exc:
        print(format_diagnostics(exc.diagnostics, args.format))
        count = len(exc.diagnostics)
        if args.format == "text":
            print(f"{count} error{'s' if count != 1 else ''}; nothing was published",
                  file=sys.stderr)
        return EXIT_CONTENT
    except EnvironmentProblem as exc:
        print(f"briefs: error: {exc}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except OSError as exc:  # the machine, not the content: say which file and why
        where = f" {exc.filename}" if exc.filename else ""
        print(f"briefs: error: cannot use{where}: {os_reason(exc)}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
