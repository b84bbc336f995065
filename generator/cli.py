"""The `briefs` command: parses arguments, calls the core, prints diagnostics, sets the exit code.

Exit status: 0 success, 1 content errors, 2 usage or environment errors.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .diagnostics import DiagnosticsError, EnvironmentProblem, format_diagnostics, os_reason

EXIT_OK, EXIT_CONTENT, EXIT_ENVIRONMENT = 0, 1, 2
_VERBOSE = ("say which path generation took (unchanged, incremental or full) and, for a "
            "full run, why")
_QUIET = "errors and warnings only: no progress, no summary line"


def _root(args: argparse.Namespace) -> Path:
    root = Path(args.root).resolve()
    if not (root / "briefs").is_dir() and not (root / "mkdocs.yml").is_file():
        raise EnvironmentProblem(f"{args.root} is not a briefs project (no briefs/ or mkdocs.yml)")
    return root


def cmd_check(args: argparse.Namespace) -> int:
    from .pipeline import check

    graph, problems = check(_root(args))
    # Errors stop publishing; warnings are shown and do not, unless --strict.
    if any(p.severity == "error" for p in problems) or (args.strict and problems):
        raise DiagnosticsError(problems)
    if args.format == "json" or problems:
        print(format_diagnostics(problems, args.format))
    if args.format == "text":  # what was checked, on stderr: stdout holds problems only
        content = graph.content
        counts = [(len(content.briefs), "brief"), (len(content.actors), "actor"),
                  (len(content.terms), "term"), (len(content.stories), "story"),
                  (len(content.known_seeds), "seed article")]
        if not content.stories:  # stories are named when a project has them
            counts.remove((0, "story"))
        done = ", ".join(f"{n} {_plural(n, word)}" for n, word in counts)
        found = f"{len(problems)} {_plural(len(problems), 'warning')}" if problems \
            else "no problems"
        print(f"checked {done}: {found}", file=sys.stderr)
    return EXIT_OK


def _plural(count: int, word: str) -> str:
    if count == 1:
        return word
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def cmd_generate(args: argparse.Namespace) -> int:
    from .pipeline import DOCS_DIR, generate
    from .progress import progress_for
    from .site import site_config

    root = _root(args)
    progress = progress_for(sys.stderr, quiet=args.quiet)
    started = time.perf_counter()
    report = generate(root, site_config(root), Path(args.out) if args.out else root / DOCS_DIR,
                      progress=progress)
    elapsed = time.perf_counter() - started
    if args.verbose:
        print(f"briefs: {report.describe()}", file=sys.stderr)
    if args.quiet:
        return EXIT_OK
    print(f"generated {len(report.written)} changed, {len(report.removed)} removed, "
          f"{report.unchanged} unchanged file(s) in {elapsed:.2f}s", file=sys.stderr)
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from .engines import check_versions, engine_named
    from .lock import project_lock
    from .pipeline import DOCS_DIR, generate
    from .progress import progress_for
    from .site import build_site, site_config

    root = _root(args)
    engine = engine_named(args.engine)
    check_versions(engine)  # before generating: a missing engine fails at once
    progress = progress_for(sys.stderr, quiet=args.quiet)
    with project_lock(root):  # generation and the site build as one: no run in between
        started = time.perf_counter()
        report = generate(root, site_config(root), root / DOCS_DIR, progress=progress)
        generated = time.perf_counter()
        if args.verbose:
            print(f"briefs: {report.describe()}", file=sys.stderr)
        indexed = build_site(root, progress=progress, engine=engine)
        done = time.perf_counter()
    if args.quiet:
        return EXIT_OK
    print(f"built site/ in {done - started:.2f}s (generate {generated - started:.2f}s, "
          f"{engine.label} {done - generated - indexed:.2f}s, search index {indexed:.2f}s)",
          file=sys.stderr)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .engines import MKDOCS, check_versions, engine_named
    from .preview import quiet_dirty_build_warning
    from .site import load_mkdocs_config

    root = _root(args)
    engine = engine_named(args.engine)
    if not engine.serves:
        raise EnvironmentProblem(
            f"{engine.label} cannot preview: it runs no MkDocs plugin, so an edit would not "
            f"regenerate the pages; preview with --engine mkdocs or properdocs (the same "
            f"Markdown), then `briefs build --engine {engine.name}`")
    check_versions(engine)
    load_mkdocs_config(root)  # version and configuration checks, with a clear message
    if engine is not MKDOCS:
        # ProperDocs runs the same plugin (generation, watching, banner) as its own program:
        # importing it redirects every `mkdocs.*` import of a process to its modules. This
        # process becomes it (POSIX), so Ctrl-C and a kill reach the server itself.
        command = [sys.executable, "-m", engine.name, "serve", "-f", str(root / "mkdocs.yml"),
                   "--dev-addr", args.dev_addr, "--dirty", "--no-strict"]
        sys.stdout.flush()
        sys.stderr.flush()
        if os.name == "posix":
            os.chdir(root)
            os.execv(sys.executable, command)
        return subprocess.call(command, cwd=root)
    from mkdocs.commands.serve import serve

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.INFO)
    quiet_dirty_build_warning()  # dirty rebuilds are intended here (see below)

    # Dirty reload: after an edit MkDocs rebuilds only the pages whose Markdown changed.
    # That is exact here, because every page is written whole by the generator (which
    # rewrites every page an edit reaches); the search index is rebuilt in the background
    # after each rebuild (generator/search.py). Not strict: a warning is shown but does not
    # stop the preview.
    serve(config_file=str(root / "mkdocs.yml"), open_in_browser=False,
          dev_addr=args.dev_addr, livereload=True, build_type="dirty", strict=False)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema import ID_SCHEMA_DIR, stale_schemas, write_id_schemas, write_schemas

    root = _root(args)
    if args.check:
        stale = stale_schemas(root)
        for rel in stale:
            print(f"{rel}: out of date with the models; run `briefs schema` and commit the "
                  "result", file=sys.stderr)
        return EXIT_CONTENT if stale else EXIT_OK
    changed = [] if args.ids else write_schemas(root)
    for rel in changed:
        print(f"wrote {rel}", file=sys.stderr)
    with_ids = write_id_schemas(root)
    if with_ids:
        print(f"wrote {len(with_ids)} schema(s) with the content's ids for completion in "
              f"{ID_SCHEMA_DIR}/ (local, not committed)", file=sys.stderr)
    if not changed and not with_ids:
        print("schemas are up to date", file=sys.stderr)
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import new_entity
    from .schema import write_id_schemas
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
    write_id_schemas(root)  # the new id is offered for completion at once (ignored files)
    print(f"fill in {created.rel}, then run `briefs check`", file=sys.stderr)
    return EXIT_OK


def cmd_new_seed(args: argparse.Namespace) -> int:
    from .schema import write_id_schemas
    from .seed_import import import_seed

    root = _root(args)
    try:
        imported = import_seed(root, args.id, Path(args.source))
    except DiagnosticsError as exc:
        print(format_diagnostics(exc.diagnostics, args.format))
        print("nothing was written", file=sys.stderr)
        return EXIT_CONTENT
    for rel in imported.written:
        print(rel)
    for note in imported.notes:
        print(note, file=sys.stderr)
    write_id_schemas(root)  # the new seed id is offered for completion at once
    print(f"{imported.paragraphs} paragraph(s); compare {imported.text_rel} with the source, "
          f"then start a brief: `briefs new brief ID --seed {args.id}`", file=sys.stderr)
    return EXIT_OK


_SEED_HELP = ("seeds/ID.txt (and seeds/ID.yaml) from a saved web page or a text file; "
              "nothing is fetched")
_SEED_DESCRIPTION = (
    "Write seeds/ID.txt, the article one paragraph per line, and seeds/ID.yaml with the "
    "metadata found (title, outlet, author, published, url, language, license); what was "
    "not found is listed. A .html or .htm FILE is a saved web page: its article text is "
    "taken without navigation, ads, comments or related links. Any other FILE is plain "
    "UTF-8 text: paragraphs are separated by blank lines, and the lines of one paragraph "
    "(hard-wrapped text) are joined with a space. Existing seed files are never "
    "overwritten; nothing is fetched from the network.")


_ENGINE_HELP = ("what builds the HTML from the generated Markdown: mkdocs (the default), "
                "properdocs or zensical (installed with the extras of the same names)")


def parser() -> argparse.ArgumentParser:
    from .engines import DEFAULT_ENGINE, ENGINES
    from .kinds import ACTOR_KINDS

    p = argparse.ArgumentParser(prog="briefs", description="Explainer briefs: YAML in, site out.")
    p.add_argument("--root", default=".", help="project folder (default: the current one)")
    sub = p.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="validate all content; write nothing")
    check.add_argument("--format", choices=("text", "github", "json"), default="text",
                       help="diagnostics as text lines, GitHub annotations or JSON")
    check.add_argument("--strict", action="store_true",
                       help="warnings fail the check too (exit status 1)")
    check.set_defaults(func=cmd_check)

    gen = sub.add_parser("generate", help="write the Markdown pages into docs/")
    gen.add_argument("--out", help="output folder (default: docs/)")
    gen.add_argument("--format", choices=("text", "github", "json"), default="text")
    gen_says = gen.add_mutually_exclusive_group()
    gen_says.add_argument("--verbose", "-v", action="store_true", help=_VERBOSE)
    gen_says.add_argument("--quiet", "-q", action="store_true", help=_QUIET)
    gen.set_defaults(func=cmd_generate)

    build = sub.add_parser("build", help="generate, then build site/ with MkDocs (strict)")
    build.add_argument("--format", choices=("text", "github", "json"), default="text")
    build.add_argument("--engine", choices=tuple(ENGINES), default=DEFAULT_ENGINE,
                       help=_ENGINE_HELP)
    build_says = build.add_mutually_exclusive_group()
    build_says.add_argument("--verbose", "-v", action="store_true", help=_VERBOSE)
    build_says.add_argument("--quiet", "-q", action="store_true", help=_QUIET)
    build.set_defaults(func=cmd_build)

    serve = sub.add_parser("serve", help="preview locally; rebuilds when content changes")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on")
    serve.add_argument("--format", choices=("text", "github", "json"), default="text")
    serve.add_argument("--engine", choices=tuple(ENGINES), default=DEFAULT_ENGINE,
                       help="the engine that builds the preview (mkdocs or properdocs)")
    serve.set_defaults(func=cmd_serve)

    schema = sub.add_parser(
        "schema", help="write the JSON Schemas editors use",
        description="Write the committed schemas/ (the fields, from the models) and the local "
                    ".cache/schemas/ (the fields and the content's ids, for completion; "
                    "git-ignored) that editors read.")
    schema_what = schema.add_mutually_exclusive_group()
    schema_what.add_argument("--check", action="store_true",
                             help="write nothing; exit 1 when a committed schema is out of date")
    schema_what.add_argument("--ids", action="store_true",
                             help="only the local copies with the ids; never the committed ones")
    schema.set_defaults(func=cmd_schema, format="text")

    new = sub.add_parser("new", help="create a commented skeleton for a brief, actor, term or "
                                     "story, or bring in a seed article")
    kinds = new.add_subparsers(dest="what", required=True,
                               metavar="{brief,actor,term,story,seed}")
    new_brief = kinds.add_parser("brief", help="briefs/ID.yaml, started from a seed article")
    new_brief.add_argument("id", help="the new brief's id (lowercase words joined by hyphens)")
    new_brief.add_argument("--seed", required=True, help="id of the article in seeds/")
    new_actor = kinds.add_parser("actor", help="briefs/actors/ID.yaml")
    new_actor.add_argument("id", help="the new actor's id")
    new_actor.add_argument("--kind", dest="actor_kind", required=True,
                           choices=tuple(ACTOR_KINDS))
    new_term = kinds.add_parser("term", help="briefs/glossary/ID.yaml")
    new_term.add_argument("id", help="the new term's id")
    new_story = kinds.add_parser("story", help="briefs/stories/ID.yaml: an ongoing story; its "
                                               "briefs name it in their `story` field")
    new_story.add_argument("id", help="the new story's id")
    for command in (new_brief, new_actor, new_term, new_story):
        command.add_argument("--format", choices=("text", "github", "json"), default="text")
        command.set_defaults(func=cmd_new)
    new_seed = kinds.add_parser("seed", help=_SEED_HELP, description=_SEED_DESCRIPTION)
    new_seed.add_argument("id", help="the new seed's id (lowercase words joined by hyphens)")
    new_seed.add_argument("--from", dest="source", required=True, metavar="FILE",
                          help="a saved page (.html, .htm) or a plain text file")
    new_seed.add_argument("--format", choices=("text", "github", "json"), default="text")
    new_seed.set_defaults(func=cmd_new_seed)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except DiagnosticsError as exc:
        print(format_diagnostics(exc.diagnostics, args.format))
        errors = sum(1 for d in exc.diagnostics if d.severity == "error")
        warnings = len(exc.diagnostics) - errors
        if args.format == "text":
            counts = [f"{n} {_plural(n, word)}" for n, word in ((errors, "error"),
                                                               (warnings, "warning")) if n]
            print(f"{', '.join(counts)}; nothing was published", file=sys.stderr)
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
