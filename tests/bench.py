"""Benchmark: generation and MkDocs at newsroom scale, each step in its own process.

    python -m tests.bench [--briefs N --actors M --terms K --stories S] [--seed S] [--json out.json]
                          [--skip-mkdocs] [--profile out.prof] [--workdir DIR]

Builds a synthetic corpus (tests/corpus.py) in a temporary folder, then runs, each in a
fresh Python process: cold generation (empty docs/), no-op regeneration, regeneration
after editing one brief's what_happened, regeneration after editing one actor's summary,
and the MkDocs build (generator.site.build_site), then search on the site it built, in
headless Chromium (tools/search_timing.py: bytes and time to the first result, cold and
warm, at 1x and 4x CPU throttling; "skipped: <reason>" without Chromium or Playwright).
Prints a table and the same figures as JSON.

Peak memory is the peak resident set size of the step's process, read from VmHWM in
/proc/self/status when the step ends (with the value after imports, before the step, for
comparison). getrusage(RUSAGE_SELF).ru_maxrss is not used: on Linux a spawned child
inherits the parent's high-water mark through exec, so it would report the orchestrating
process's peak, not the step's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
STEPS = ("cold", "noop", "noop_uncached", "brief_edit", "story_join", "actor_edit")

# ---------------------------------------------------------------- measurements in the child


def _status_kib(field: str, pid: int | str = "self") -> int | None:
    """A memory figure (KiB) of a process from /proc/<pid>/status, or None elsewhere."""
    try:
        with Path(f"/proc/{pid}/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def peak_rss_mib() -> float:
    """Peak resident set size of this process image (VmHWM), MiB."""
    kib = _status_kib("VmHWM")
    if kib is None:  # not Linux: ru_maxrss (bytes on macOS, KiB elsewhere)
        import resource

        raw = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        kib = raw // 1024 if sys.platform == "darwin" else raw
    return kib / 1024


def _step_generate(root: Path, *, uncached: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    import generator
    from generator.pipeline import generate
    from generator.site import site_config

    if uncached:  # forget the build cache, if this version of the generator keeps one
        import shutil

        try:
            from generator.cache import CACHE_DIR
        except ImportError:
            CACHE_DIR = ""
        if CACHE_DIR:
            shutil.rmtree(root / CACHE_DIR, ignore_errors=True)

    imported = time.perf_counter()
    config = site_config(root)
    configured = time.perf_counter()
    rss_before = peak_rss_mib()
    report = generate(root, config)
    done = time.perf_counter()
    return {"seconds": done - configured, "import_seconds": imported - started,
            "config_seconds": configured - imported, "written": len(report.written),
            "removed": len(report.removed), "unchanged": report.unchanged,
            "written_paths": report.written[:50], "rss_before_mib": rss_before,
            "peak_rss_mib": peak_rss_mib(), "generator": str(Path(generator.__file__).parent)}


def _step_mkdocs(root: Path) -> dict[str, Any]:
    started = time.perf_counter()
    from generator.site import build_site

    imported = time.perf_counter()
    rss_before = peak_rss_mib()
    index_seconds = build_site(root)
    done = time.perf_counter()
    site = root / "site"
    return {"seconds": done - imported, "import_seconds": imported - started,
            "index_seconds": index_seconds,
            "pages": sum(1 for _ in (root / "docs").rglob("*.md")),
            "html_files": sum(1 for _ in site.rglob("*.html")),
            "site_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
            "rss_before_mib": rss_before, "peak_rss_mib": peak_rss_mib()}


def _step_search(root: Path) -> dict[str, Any]:
    """Search in the browser on the site the MkDocs step built (tools/search_timing.py). A
    missing browser is reported as skipped and any other failure as an error, never
    failing the benchmark's other figures."""
    started = time.perf_counter()
    try:
        from tools.search_timing import measure

        data = measure(root / "site")
    except Exception as exc:
        data = {"error": f"{type(exc).__name__}: {exc}"}
    data["seconds"] = time.perf_counter() - started
    data["rss_before_mib"] = 0.0  # the browser runs in its own processes
    data["peak_rss_mib"] = peak_rss_mib()
    return data


def _step_plain(root: Path) -> dict[str, Any]:
    """The baseline: MkDocs on the plain project `root` (plain_project below), no plugin."""
    started = time.perf_counter()
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    imported = time.perf_counter()
    rss_before = peak_rss_mib()
    build(load_config(config_file=str(root / "mkdocs.yml"), strict=True))
    done = time.perf_counter()
    return {"seconds": done - imported, "import_seconds": imported - started,
            "pages": sum(1 for _ in (root / "docs").rglob("*.md")),
            "rss_before_mib": rss_before, "peak_rss_mib": peak_rss_mib()}


_TAG = re.compile(r"<[^>]*>")
_WORDS = ("the", "talks", "council", "minister", "agreed", "pressure", "over", "supplies",
          "trade", "market", "border", "ceasefire", "analysts", "said", "government",
          "regional", "partners", "support", "sanctions", "policy", "meeting", "officials",
          "week", "their", "plan", "would", "new", "since")


def page_text_length(docs: Path, sample: int = 2000) -> int:
    """Mean characters of text (tags, front matter and Markdown marks aside) of up to
    `sample` generated pages, spread over the whole docs/ folder."""
    pages = sorted(docs.rglob("*.md"))
    step = max(1, len(pages) // sample)
    lengths = []
    for path in pages[::step]:
        text = path.read_text(encoding="utf-8")
        if text.startswith("---"):
            text = text[text.find("\n---", 3) + 4:]
        lengths.append(len(" ".join(_TAG.sub(" ", text).split())))
    return sum(lengths) // max(1, len(lengths))


def plain_project(project: Path, dest: Path, pages: int, chars: int) -> int:
    """A project of `pages` plain Markdown pages of about `chars` characters of text each
    (headings, paragraphs, a list, a few links to other pages), with the project's own
    mkdocs.yml (theme, features, Markdown extensions, validation) less its plugins, and
    the same navigation: the baseline for MkDocs' time per generated page."""
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^plugins:.*?(?=^\S)", "plugins: []\n\n", config, flags=re.M | re.S)
    config = re.sub(r"^not_in_nav:.*?(?=^\S)", "not_in_nav: |\n  /pages/*.md\n\n", config,
                    flags=re.M | re.S)
    dest.mkdir(parents=True)
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copytree(project / "site_templates", dest / "site_templates")
    docs = dest / "docs"
    shutil.copytree(project / "docs" / "assets", docs / "assets")
    nav = re.findall(r"^  - [^:]+: (\S+\.md)$", config, flags=re.M)

    def words(seed: int, count: int) -> str:
        return " ".join(_WORDS[(seed * 7 + i * i) % len(_WORDS)] for i in range(count))

    def page(k: int, depth: int) -> str:
        up = "../" * depth
        parts = [f"# Page {k}: {words(k, 6)}\n"]
        size = len(parts[0])
        section = 0
        while size < chars:
            section += 1
            body = [f"## {words(k + section, 3).capitalize()} {section}", "",
                    f"{words(k + section, 40).capitalize()}, as [page {k + section}]"
                    f"({up}pages/{(k + section) % pages:05d}.md) said. "
                    f"{words(k * section, 30).capitalize()}.", "",
                    *(f"- {words(k + section + i, 8)}" for i in range(4)), ""]
            text = "\n".join(body) + "\n"
            parts.append(text)
            size += len(text)
        return "".join(parts)

    for k in range(pages):
        path = docs / "pages" / f"{k:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page(k, 1), encoding="utf-8")
    for target in nav:
        path = docs / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page(pages + len(nav), target.count("/")), encoding="utf-8")
    return pages + len(nav)


def _step_serve(root: Path, brief: str, edits: int = 3) -> dict[str, Any]:
    """`briefs serve` as an editor meets it: from saving a brief to the served page showing
    the edit. The server runs in its own process; each edit adds a sentence to the brief's
    what_happened and the page is fetched every 50 ms until it contains the sentence (a
    browser, told to reload by livereload, would also fetch the page once more)."""
    import socket
    import urllib.request

    from tests.corpus import edit_brief

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/briefs/{brief}/"
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "generator.cli", "--root", str(root),
                               "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            return ""

    def wait_for(marker: str, limit: float) -> float:
        begun = time.perf_counter()
        while marker not in page():
            if server.poll() is not None or time.perf_counter() - begun > limit:
                raise RuntimeError(f"briefs serve never showed {marker!r}")
            time.sleep(0.05)
        return time.perf_counter() - begun

    try:
        wait_for("</html>", 3600)
        startup = time.perf_counter() - started
        samples = []
        for i in range(edits):
            time.sleep(5)  # let the previous rebuild finish
            marker = f"Served edit {i} of {os.getpid()}"
            edit_brief(root, brief, tag=f"{i}. {marker}")
            samples.append(wait_for(marker, 3600))
        peak = _status_kib("VmHWM", server.pid)
    finally:
        server.terminate()
        server.wait(30)
    return {"seconds": sorted(samples)[len(samples) // 2], "samples": samples,
            "startup_seconds": startup, "rss_before_mib": 0.0,
            "peak_rss_mib": (peak or 0) / 1024, "edited": brief}


def _step_phases(root: Path) -> dict[str, Any]:
    """Cold generation split into the pipeline's stages, timed without a profiler."""
    import shutil

    from generator.inventory import discover
    from generator.link import link
    from generator.pipeline import docs_files
    from generator.site import site_config
    from generator.validate import validate
    from generator.write import write_stream

    config = site_config(root)
    target = root / ".bench-phases-docs"
    shutil.rmtree(target, ignore_errors=True)
    phases: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases[name] = now - clock
        clock = now

    inventory = discover(root)
    lap("discover")
    content, _problems = validate(inventory)
    lap("validate (YAML load + models + seeds)")
    graph, _link_problems = link(content)
    lap("link (refs, mentions, quotes, backlinks)")
    write_stream(target, docs_files(graph, root, config, {}))
    lap("render and write (Jinja pages, streamed to a fresh folder)")
    shutil.rmtree(target, ignore_errors=True)
    return {"seconds": sum(phases.values()), "phases": phases, "peak_rss_mib": peak_rss_mib()}


def _step_profile(root: Path, out: Path) -> dict[str, Any]:
    import cProfile
    import shutil

    from generator.pipeline import generate
    from generator.site import site_config

    config = site_config(root)
    target = root / ".bench-profile-docs"
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    generate(root, config, target)
    profiler.disable()
    seconds = time.perf_counter() - started
    shutil.rmtree(target, ignore_errors=True)
    profiler.dump_stats(str(out))
    return {"seconds": seconds, "profile": str(out), "peak_rss_mib": peak_rss_mib(),
            "cumulative": top_functions(out, "cumulative", 25),
            "tottime": top_functions(out, "tottime", 15)}


def _code_root() -> Path:
    """The folder holding the generator package this process runs (the repo or a snapshot)."""
    import generator

    return Path(generator.__file__).parent.parent


def top_functions(path: Path, key: str, count: int) -> list[dict[str, Any]]:
    """The `count` heaviest functions of a cProfile dump, by `key` (cumulative or tottime)."""
    stats = pstats.Stats(str(path))
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    rows = []
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _callers) in table.items():
        where = filename
        for prefix in (str(_code_root()) + "/", str(REPO) + "/", sys.prefix + "/"):
            where = where.removeprefix(prefix)
        rows.append({"function": f"{where}:{line}({name})", "ncalls": ncalls,
                     "tottime": round(tottime, 3), "cumtime": round(cumtime, 3)})
    rows.sort(key=lambda r: -r[key if key == "tottime" else "cumtime"])
    return rows[:count]


def generator_digest(code: Path | None = None) -> str:
    """A short hash of the generator package this process imports (or of `code`)."""
    if code is None:
        import generator

        code = Path(generator.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(code.rglob("*.py")):
        if "__pycache__" not in path.parts:
            digest.update(path.relative_to(code).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def snapshot_generator(workdir: Path) -> Path:
    """Copy generator/ so that every step runs the same code while others edit the repo.

    The copy comes first on the children's PYTHONPATH, ahead of the editable install.
    """
    import shutil

    code = workdir / "code"
    shutil.rmtree(code, ignore_errors=True)
    shutil.copytree(REPO / "generator", code / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return code


def run_step(step: str, root: Path, result: Path, profile: Path | None) -> int:
    digest = generator_digest()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    cpu = time.process_time()
    if step == "mkdocs":
        data = _step_mkdocs(root)
    elif step == "plain":
        data = _step_plain(root)
    elif step == "search":
        data = _step_search(root)
    elif step == "profile":
        assert profile is not None
        data = _step_profile(root, profile)
    elif step == "phases":
        data = _step_phases(root)
    elif step == "serve":
        briefs = sorted(p.stem for p in (root / "briefs").glob("*.yaml"))
        data = _step_serve(root, briefs[len(briefs) // 2])
    else:
        data = _step_generate(root, uncached=step == "noop_uncached")
    data["cpu_seconds"] = time.process_time() - cpu  # the whole step, imports included
    data["load_before"] = load
    data["load_after"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    data["generator_digest"] = digest
    result.write_text(json.dumps(data), encoding="utf-8")
    return 0


# ---------------------------------------------------------------- the orchestrator


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    memory = None
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = os.cpu_count() or 0
    from importlib import metadata

    versions = {}
    for package in ("mkdocs", "mkdocs-material", "jinja2", "pydantic", "pyyaml"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "missing"
    return {"cpu": cpu, "cores": os.cpu_count(), "usable_cores": usable, "memory_gib": memory,
            "python": platform.python_version(), "implementation": platform.python_implementation(),
            "platform": platform.platform(), "packages": versions, "commit": commit()}


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              check=False).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    if not git("status", "--porcelain"):
        return head
    code = git("status", "--porcelain", "--", "generator", "site_templates", "mkdocs.yml")
    return head + " with uncommitted changes" + (
        " (including generator/, site_templates/ or mkdocs.yml)" if code
        else " (none in generator/, site_templates/, mkdocs.yml)")


def _spawn(step: str, root: Path, log: Path, code: Path | None,
           profile: Path | None = None) -> dict[str, Any]:
    result = root.parent / f"bench-{step}.json"
    command = [sys.executable, "-m", "tests.bench", "--step", step, "--root", str(root),
               "--result", str(result)]
    if profile is not None:
        command += ["--profile", str(profile)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(code or ""), str(REPO), os.environ.get("PYTHONPATH", "")) if p))
    started = time.perf_counter()
    with log.open("a", encoding="utf-8") as stream:
        stream.write(f"\n==== {step}\n")
        stream.flush()
        # `python -m` puts the working folder first on sys.path: run from the snapshot.
        done = subprocess.run(command, cwd=code or REPO, env=env, stdout=stream, stderr=stream,
                              check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
        raise SystemExit(f"step {step} failed (exit {done.returncode}); log {log}:\n{tail}")
    data: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    data["process_seconds"] = wall
    result.unlink()
    return data


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _largest(folder: Path, count: int = 5) -> list[dict[str, Any]]:
    files = sorted((p for p in folder.rglob("*") if p.is_file()),
                   key=lambda p: -p.stat().st_size)
    return [{"path": p.relative_to(folder).as_posix(), "bytes": p.stat().st_size}
            for p in files[:count]]


def run_benchmark(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from tests.corpus import build_corpus, edit_actor, edit_brief, join_story

    root = workdir / "project"
    log = workdir / "bench.log"
    code = None if args.no_snapshot else snapshot_generator(workdir)
    _progress(f"building corpus: {args.briefs} briefs, {args.actors} actors, "
              f"{args.terms} terms in {root}")
    started = time.perf_counter()
    corpus = build_corpus(root, args.briefs, args.actors, args.terms, args.seed,
                          stories=args.stories)
    corpus_seconds = time.perf_counter() - started
    results: dict[str, Any] = {
        "machine": machine(),
        "generator_digest": generator_digest(code / "generator" if code else REPO / "generator"),
        "corpus": {"briefs": args.briefs, "actors": args.actors, "terms": args.terms,
                   "stories": args.stories, "seed": args.seed, "tags": len(corpus.tags),
                   "bytes": corpus.bytes_written, "build_seconds": round(corpus_seconds, 2)},
        "steps": {},
    }
    steps: dict[str, Any] = results["steps"]

    def run(step: str, label: str, profile: Path | None = None,
            project: Path = root) -> dict[str, Any]:
        _progress(label)
        data = _spawn(step, project, log, code, profile)
        _progress(f"  {data['seconds']:.2f} s ({data['cpu_seconds']:.2f} s CPU), written "
                  f"{data.get('written', data.get('pages', '-'))}, peak RSS "
                  f"{data.get('peak_rss_mib', 0):.0f} MiB, load {data.get('load_before')}")
        return data

    steps["cold"] = run("cold", "cold generation")
    results["docs"] = {"files": sum(1 for p in (root / "docs").rglob("*") if p.is_file()),
                       "bytes": sum(p.stat().st_size for p in (root / "docs").rglob("*")
                                    if p.is_file()),
                       "largest": _largest(root / "docs")}
    wanted = set(args.steps.split(",")) if args.steps else {*STEPS, "mkdocs", "search",
                                                            "serve"}
    if args.skip_mkdocs:
        wanted -= {"mkdocs", "search", "serve"}
    if "noop" in wanted:
        steps["noop"] = run("noop", "no-op regeneration")
    if "noop_uncached" in wanted:
        steps["noop_uncached"] = run("noop_uncached", "no-op regeneration, build cache cleared")
    if "brief_edit" in wanted:
        brief = corpus.briefs[len(corpus.briefs) // 2]
        edit_brief(root, brief)
        steps["brief_edit"] = run("brief_edit", f"regeneration after editing brief {brief}")
        steps["brief_edit"]["edited"] = brief
    if "story_join" in wanted and corpus.stories:
        # A brief of no story joins the first story: its page, the story's page and feed,
        # its other developments ("k of n"), the stories index and the home page change.
        loner = corpus.briefs[(len(corpus.briefs) // 2) // 3 * 3]  # index % 3 == 0: no story
        join_story(root, loner, corpus.stories[0])
        steps["story_join"] = run("story_join", f"regeneration after {loner} joins "
                                                f"{corpus.stories[0]}")
        steps["story_join"]["edited"] = loner
    if "actor_edit" in wanted:
        # Actors are listed most-mentioned first: the median one is a typical edit.
        actor = corpus.actors[len(corpus.actors) // 2]
        edit_actor(root, actor)
        steps["actor_edit"] = run("actor_edit", f"regeneration after editing actor {actor}")
        steps["actor_edit"]["edited"] = actor
    if "mkdocs" in wanted:
        mk = steps["mkdocs"] = run("mkdocs", "MkDocs build (strict)")
        pages = max(1, mk["pages"])
        mkdocs_alone = mk["seconds"] - mk.get("index_seconds", 0)
        results["derived"] = {
            "mkdocs_ms_per_page": 1000 * mk["seconds"] / pages,
            "mkdocs_cpu_ms_per_page": 1000 * mk["cpu_seconds"] / pages,
            "generation_over_mkdocs": steps["cold"]["seconds"] / mk["seconds"],
            "mkdocs_alone_ms_per_page": 1000 * mkdocs_alone / pages,
        }
        # The baseline, on the same machine in the same run: plain Markdown pages of the
        # generated pages' mean text length, same theme settings, MkDocs alone.
        chars = page_text_length(root / "docs")
        plain = workdir / "plain"
        shutil.rmtree(plain, ignore_errors=True)
        plain_pages = plain_project(root, plain, min(args.plain_pages, pages), chars)
        base = steps["plain"] = run("plain", f"MkDocs on {plain_pages} plain pages of "
                                             f"~{chars} characters (baseline)",
                                  project=plain)
        base["text_chars"] = chars
        results["derived"]["plain_ms_per_page"] = 1000 * base["seconds"] / base["pages"]
        results["derived"]["generated_over_plain"] = (
            results["derived"]["mkdocs_alone_ms_per_page"]
            / results["derived"]["plain_ms_per_page"])
        # CPU time: steadier on a shared machine; Pagefind runs in its own process, so the
        # MkDocs step's CPU time is MkDocs' own (imports included, in both).
        results["derived"]["plain_cpu_ms_per_page"] = 1000 * base["cpu_seconds"] / base["pages"]
        results["derived"]["generated_over_plain_cpu"] = (
            results["derived"]["mkdocs_cpu_ms_per_page"]
            / results["derived"]["plain_cpu_ms_per_page"])
    if "search" in wanted:
        if "mkdocs" not in steps:  # the site to search (without the plain baseline)
            steps["mkdocs"] = run("mkdocs", "MkDocs build (strict), for the search step")
        steps["search"] = run("search", "search in the browser (Chromium): bytes and time to "
                                        "the first result")
        _progress("  " + _search_lines(steps["search"]).replace("\n", "\n  "))
    if "serve" in wanted:
        steps["serve"] = run("serve", "briefs serve: from saving a brief to the served page")
    if args.profile:
        results["phases"] = run("phases", "cold generation stage by stage")
        results["profile"] = run("profile", "profiling cold generation",
                                 Path(args.profile).resolve())
    return results


def _search_lines(step: dict[str, Any]) -> str:
    from tools.search_timing import format_figures

    return format_figures(step)


def format_table(results: dict[str, Any]) -> str:
    m, c = results["machine"], results["corpus"]
    lines = [
        f"commit {m['commit']} (generator/ {results['generator_digest']}); "
        f"{m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), "
        f"{m['memory_gib']} GiB; Python {m['python']}; mkdocs {m['packages']['mkdocs']}, "
        f"material {m['packages']['mkdocs-material']}",
        f"corpus: {c['briefs']} briefs, {c['actors']} actors, {c['terms']} terms, "
        f"{c.get('stories', 0)} stories, {c['tags']} tags, seed {c['seed']}, "
        f"{c['bytes'] / 1e6:.1f} MB of YAML and seeds",
        "",
        "| step | time (s) | process wall (s) | process CPU (s) | load 1 min | written "
        "| removed | peak RSS (MiB) | after imports (MiB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    names = {"cold": "cold generation", "noop": "no-op regeneration",
             "noop_uncached": "no-op, build cache cleared",
             "brief_edit": "one brief edited (a story's development)",
             "story_join": "one brief joins a story", "actor_edit": "one actor edited",
             "mkdocs": "MkDocs build", "plain": "MkDocs, plain pages (baseline)",
             "serve": "briefs serve: save to served page (median)"}
    for key, label in names.items():
        step = results["steps"].get(key)
        if step is None:
            continue
        written = step.get("written", step.get("pages", ""))
        removed = step.get("removed", "")
        load = step.get("load_before")
        lines.append(f"| {label} | {step['seconds']:.2f} | {step['process_seconds']:.2f} | "
                     f"{step['cpu_seconds']:.2f} | {'' if load is None else f'{load:.1f}'} | "
                     f"{written} | {removed} | {step['peak_rss_mib']:.0f} | "
                     f"{step['rss_before_mib']:.0f} |")
    digests = {s["generator_digest"] for s in results["steps"].values()}
    digests |= {results.get("profile", {}).get("generator_digest", next(iter(digests)))}
    if len(digests) > 1:
        lines.append("")
        lines.append("WARNING: generator/ or site_templates/ changed between steps "
                     f"({', '.join(sorted(digests))}); the figures mix code versions.")
    derived = results.get("derived")
    if derived:
        mk = results["steps"]["mkdocs"]
        lines += ["", f"MkDocs: {mk['pages']} pages, {mk['html_files']} HTML files, "
                  f"{mk['site_bytes'] / 1e6:.0f} MB; {derived['mkdocs_ms_per_page']:.1f} ms "
                  f"per page ({derived['mkdocs_cpu_ms_per_page']:.1f} ms CPU); "
                  f"generation/MkDocs = {derived['generation_over_mkdocs']:.2f}"]
        if "plain_ms_per_page" in derived:
            base = results["steps"]["plain"]
            lines.append(
                f"MkDocs alone (search index aside): {derived['mkdocs_alone_ms_per_page']:.1f} "
                f"ms per generated page; {derived['plain_ms_per_page']:.1f} ms per plain page "
                f"({base['pages']} pages of ~{base['text_chars']} characters, same theme "
                f"settings, no plugin); ratio {derived['generated_over_plain']:.2f}; CPU "
                f"{derived['mkdocs_cpu_ms_per_page']:.1f} vs "
                f"{derived['plain_cpu_ms_per_page']:.1f} ms, ratio "
                f"{derived['generated_over_plain_cpu']:.2f}")
    served = results["steps"].get("serve")
    if served:
        lines.append(f"briefs serve: first build {served['startup_seconds']:.1f} s; save to "
                     "served page " + ", ".join(f"{t:.2f}" for t in served["samples"])
                     + f" s (median {served['seconds']:.2f} s); server peak RSS "
                     f"{served['peak_rss_mib']:.0f} MiB")
    search = results["steps"].get("search")
    if search:
        lines += ["", _search_lines(search)]
    docs = results.get("docs")
    if docs:
        largest = ", ".join(f"{f['path']} {f['bytes'] / 1e3:.0f} kB" for f in docs["largest"])
        lines.append(f"docs/: {docs['files']} files, {docs['bytes'] / 1e6:.1f} MB; "
                     f"largest: {largest}")
    phases = results.get("phases")
    if phases and "phases" in phases:
        lines += ["", "cold generation by stage (no profiler):", "",
                  "| stage | seconds | share |", "|---|---:|---:|"]
        lines += [f"| {name} | {secs:.2f} | {100 * secs / phases['seconds']:.0f}% |"
                  for name, secs in phases["phases"].items()]
    profile = results.get("profile")
    if profile:
        lines += ["", f"cold generation under cProfile: {profile['seconds']:.2f} s "
                  f"({profile['profile']}); top by cumulative time:", "",
                  "| cumulative (s) | own (s) | calls | function |", "|---:|---:|---:|---|"]
        lines += [f"| {r['cumtime']:.2f} | {r['tottime']:.2f} | {r['ncalls']} | "
                  f"`{r['function']}` |" for r in profile["cumulative"]]
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--briefs", type=int, default=5000)
    p.add_argument("--actors", type=int, default=1000)
    p.add_argument("--terms", type=int, default=1000)
    p.add_argument("--stories", type=int, default=None,
                   help="stories two briefs in three belong to (default: one per 25 briefs)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--plain-pages", type=int, default=3000,
                   help="plain pages of the MkDocs baseline (at most the generated count)")
    p.add_argument("--json", help="also write the results to this file")
    p.add_argument("--skip-mkdocs", action="store_true", help="time generation only")
    p.add_argument("--steps", help="comma-separated subset of noop, noop_uncached, brief_edit, "
                                   "story_join, actor_edit, mkdocs, search, serve (cold "
                                   "generation always runs; search builds the site if mkdocs "
                                   "is not asked for); default: all")
    p.add_argument("--profile", help="also profile cold generation; write the cProfile dump here")
    p.add_argument("--workdir", help="work in this (new or empty) folder and keep it")
    p.add_argument("--no-snapshot", action="store_true",
                   help="run the repository's generator/ live instead of a copy taken at start")
    p.add_argument("--step", choices=(*STEPS, "mkdocs", "plain", "search", "serve", "profile",
                                      "phases"),
                   help=argparse.SUPPRESS)
    p.add_argument("--root", help=argparse.SUPPRESS)
    p.add_argument("--result", help=argparse.SUPPRESS)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.step:
        return run_step(args.step, Path(args.root), Path(args.result),
                        Path(args.profile) if args.profile else None)
    if args.stories is None:
        args.stories = args.briefs // 25
    if args.workdir:
        workdir = Path(args.workdir).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        results = run_benchmark(args, workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="briefs-bench-") as tmp:
            results = run_benchmark(args, Path(tmp))
    print(format_table(results))
    text = json.dumps(results, indent=2)
    print()
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
