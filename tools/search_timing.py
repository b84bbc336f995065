"""Site search measured in the browser: bytes and time to the first result.

    python -m tools.search_timing SITE [--query WORD] [--runs N] [--json OUT]

Serves the built site folder SITE on 127.0.0.1 (a free port) and, in headless Chromium
(Debian's, driven by Playwright; never a downloaded browser), opens the home page, opens
the search dialog with `/` and enters a query in one input event. Both are dispatched in
the page (a `/` keydown on the body, then the input's value and an `input` event), so
that "cold" is exact: the query arrives in the very task that opened the dialog. Every
run has a fresh browser context, so nothing is cached. Cases, N runs each (3 by default):

- cold: the query is entered the instant the dialog opens (Pagefind still loading);
- warm: the query is entered once the dialog's preload finished (Pagefind initialised,
  the network idle; the filters' values load only when the filters are reached);
- at 1x and at 4x CPU throttling (DevTools `Emulation.setCPUThrottlingRate` on the page);
- at 4x with `Worker` hidden from the page, so that Pagefind falls back to its main-thread
  engine and all of its work is throttled too (see below).

Figures per run: `first_result_ms`, from the input event to the animation frame after the
first result is in the list (the first result shown; `first_in_dom_ms` without that
frame); `all_results_ms`, to the announced count (every listed result loaded);
`typed_after_open_ms`, from the `/` keydown to the input event (cold: the dialog's own
synchronous opening; warm: the preload plus the wait for an idle network); `bytes`, what
was transferred from pressing `/` until the results were announced and the network was
idle (bodies as sent plus response headers; the local server does not compress, and
Pagefind's index files are gzipped by Pagefind itself), by file kind.

Throttling and the Web Worker: Pagefind 1.x runs its search in a dedicated Web Worker
(pagefind-worker.js). Chromium applies `Emulation.setCPUThrottlingRate` to the page's main
thread only, and refuses it on a worker target ("Operation is only supported for pages,
not workers"). Each throttled run still auto-attaches to the page's workers
(`Target.setAutoAttach`, waiting for the debugger so the worker is attached before it
runs) and sends them the rate; the answer is recorded under `worker_throttling`, with a
busy-loop probe that times the same loop on the main thread and in a worker, unthrottled
and throttled. While the worker is not throttled, the "4x" case times Pagefind's search at
full speed and only the page's own work (search.js, rendering) slowed, and the "4x, no
worker" case is the conservative figure for a slow device.

The query is --query, or else the most distinctive word of the name of the actor that the
most briefs mention, read from the project next to SITE (SITE/../briefs).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from tools.static_server import HOST, served

TARGET_BYTES = 500_000  # the "first query at most 500 KB transferred"
TARGET_FIRST_RESULT_MS = 1500.0  # "first result at most 1.5 s after the query is typed, at 4x"
THROTTLED_RATE = 4.0
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
                 f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {HOST}"]
RUN_TIMEOUT_MS = 60_000

# Installed in the page once it has loaded, before the dialog opens: times the `/` key,
# the query's input event, the first result (and the animation frame after it) and the
# announced count, all on the page's clock.
PROBE_JS = """(query) => {
  const m = window.__searchTiming = {open: null, typed: null, first: null, shown: null,
                                     done: null, status: '', results: 0};
  document.addEventListener('keydown', (e) => {
    if (m.open === null && e.key === '/') m.open = performance.now();
  }, true);
  document.addEventListener('input', (e) => {
    if (m.typed === null && e.target && e.target.id === 'briefs-search-query')
      m.typed = performance.now();
  }, true);
  window.__searchType = (text) => {
    const input = document.getElementById('briefs-search-query');
    input.value = text;
    input.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertText',
                                                 data: text}));
  };
  const list = document.getElementById('briefs-search-results');
  const status = document.getElementById('briefs-search-status');
  if (!list || !status) return false;
  new MutationObserver(() => {
    if (m.first === null && list.querySelector('.briefs-search__result')) {
      m.first = performance.now();
      requestAnimationFrame(() => { m.shown = performance.now(); });
    }
  }).observe(list, {childList: true, subtree: true});
  new MutationObserver(() => {
    const text = status.textContent || '';
    if (m.done === null && (text.includes(`“${query}”`) || /not available/.test(text))) {
      m.done = performance.now();
      m.status = text;
      m.results = list.querySelectorAll('.briefs-search__result').length;
    }
  }).observe(status, {childList: true, characterData: true, subtree: true});
  return true;
}"""
# Pagefind initialised (search.js marks the dialog); the filters' values load only when
# the filters are reached, never for a query.
PRELOADED_JS = """() => document.querySelector('#briefs-search[data-ready]') !== null"""
NO_WORKER_JS = "Object.defineProperty(window, 'Worker', {value: undefined, configurable: true});"
# The busy-loop probe: the same loop (a few hundred ms: throttling pauses the thread in
# slices, so a short loop can escape it) three times, the median kept, on the main thread
# and in a dedicated worker.
BUSY_LOOP = """const took = []; for (let k = 0; k < 3; k++) { const t = performance.now();
  let x = 0; for (let i = 0; i < 6e7; i++) { x += i % 7; } took.push(performance.now() - t); }
  return took.sort((a, b) => a - b)[1];"""
BUSY_MAIN_JS = f"() => {{ {BUSY_LOOP} }}"
BUSY_WORKER_JS = f"""async () => {{
  const src = `const run = () => {{ {BUSY_LOOP} }}; onmessage = () => postMessage(run());`;
  const worker = new Worker(URL.createObjectURL(new Blob([src], {{type: 'text/javascript'}})));
  const ms = await new Promise((done) => {{ worker.onmessage = (e) => done(e.data);
                                            worker.postMessage(0); }});
  worker.terminate();
  return ms;
}}"""
# Open the dialog as the `/` key does and, when a query is given, enter it in the same task
# (cold: typed the instant the dialog opens) as one input event.
OPEN_JS = """(query) => {
  document.body.dispatchEvent(new KeyboardEvent('keydown', {key: '/', bubbles: true,
                                                            cancelable: true}));
  if (query !== null) window.__searchType(query);
  return document.getElementById('briefs-search').open;
}"""
TYPE_JS = "(query) => window.__searchType(query)"


# ---------------------------------------------------------------- pure logic


def chromium_path() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found if found and Path(found).is_file() else None


def unavailable() -> str | None:
    """Why the browser measurement cannot run here, or None when it can."""
    if chromium_path() is None:
        return "Chromium not found on PATH (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NAME_LINE = re.compile(r"^name:\s*(.+?)\s*$", re.M)


def pick_query(project: Path) -> str:
    """The most distinctive word (the one fewest actor names share; then the longest, then
    the first alphabetically) of the name of the actor that the most briefs mention by id.
    Deterministic for a given project; raises ValueError when it has no actors."""
    names: dict[str, str] = {}
    for path in sorted((project / "briefs" / "actors").glob("*.yaml")):
        found = _NAME_LINE.search(path.read_text(encoding="utf-8"))
        if found:
            names[path.stem] = found.group(1).strip().strip("'\"")
    if not names:
        raise ValueError(f"no actors under {project / 'briefs' / 'actors'}: pass --query")
    mentions: Counter[str] = Counter()
    for path in sorted((project / "briefs").glob("*.yaml")):
        tokens = set(_TOKEN.findall(path.read_text(encoding="utf-8").casefold()))
        mentions.update(actor for actor in names if actor in tokens)
    actor = min(names, key=lambda a: (-mentions[a], a))
    return distinctive_word(names[actor], names.values())


def distinctive_word(name: str, all_names: Iterable[str]) -> str:
    """The word of `name` that the fewest of `all_names` contain (then the longest, then
    the first alphabetically); words of one or two letters and initials are left aside."""
    def words(text: str) -> list[str]:
        return [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 2]

    shared: Counter[str] = Counter()
    for other in all_names:
        shared.update({w.casefold() for w in words(other)})
    candidates = words(name) or [name]
    return min(candidates, key=lambda w: (shared[w.casefold()], -len(w), w))


def file_kind(path: str) -> str:
    """What a requested URL path is, for the byte breakdown."""
    name = path.rsplit("/", 1)[-1]
    if "/pagefind/" not in path:
        return "page"
    for kind, pattern in (("pagefind.js", r"pagefind\.js"), ("entry", r"pagefind-entry\.json"),
                          ("pagefind-worker.js", r"pagefind-worker\.js"),
                          ("wasm", r"wasm\..*\.pagefind"), ("meta", r".*\.pf_meta"),
                          ("index", r".*\.pf_index"), ("fragment", r".*\.pf_fragment"),
                          ("filter", r".*\.pf_filter")):
        if re.fullmatch(pattern, name):
            return kind
    return "other"


def stats(values: Sequence[float]) -> dict[str, float]:
    """Median, minimum and maximum of a non-empty series."""
    return {"median": float(statistics.median(values)), "min": float(min(values)),
            "max": float(max(values))}


def summarise(runs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A case's runs summed up: median/min/max of each figure over the runs that got a
    result, and the count of runs that did not (`failed`)."""
    good = [r for r in runs if r.get("error") is None]
    out: dict[str, Any] = {"runs": len(runs), "failed": len(runs) - len(good)}
    for key in ("first_result_ms", "all_results_ms", "bytes", "requests", "typed_after_open_ms"):
        values = [float(r[key]) for r in good if r.get(key) is not None]
        if values:
            out[key] = stats(values)
    return out


def check_targets(cases: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The issue's targets against the case summaries: every case's largest transfer at
    most TARGET_BYTES; at 4x, the median first result at most TARGET_FIRST_RESULT_MS after
    the query was typed, judged on the throttled cases as Chromium runs them (Pagefind's
    worker unthrottled: `first_result_ok`) and on those with Pagefind on the throttled
    main thread (`first_result_ok_no_worker`, None when not measured). A case with a
    failed run misses its target."""
    worst_bytes = max((c["bytes"]["max"] for c in cases.values() if "bytes" in c), default=None)

    def verdict(worker: bool) -> tuple[dict[str, float], bool | None]:
        chosen = {name: c for name, c in cases.items()
                  if c.get("rate", 1.0) >= THROTTLED_RATE and c.get("worker", True) == worker}
        medians = {name: c["first_result_ms"]["median"] for name, c in chosen.items()
                   if "first_result_ms" in c}
        if not chosen:
            return medians, None
        ok = all(not c.get("failed") and "first_result_ms" in c for c in chosen.values())
        return medians, ok and all(v <= TARGET_FIRST_RESULT_MS for v in medians.values())

    medians, ok = verdict(worker=True)
    medians_no_worker, ok_no_worker = verdict(worker=False)
    return {
        "bytes_limit": TARGET_BYTES, "largest_bytes": worst_bytes,
        "bytes_ok": worst_bytes is not None and worst_bytes <= TARGET_BYTES
                    and not any(c.get("failed") for c in cases.values()),
        "first_result_limit_ms": TARGET_FIRST_RESULT_MS,
        "throttled_medians_ms": {**medians, **medians_no_worker},
        "first_result_ok": bool(ok), "first_result_ok_no_worker": ok_no_worker,
    }


def case_name(rate: float, warm: bool, worker: bool = True) -> str:
    return f"{rate:g}x {'warm' if warm else 'cold'}{'' if worker else ', no worker'}"


def format_figures(figures: Mapping[str, Any]) -> str:
    """The figures as a Markdown table and a few lines (what the bench prints)."""
    if "skipped" in figures:
        return f"search in the browser: skipped: {figures['skipped']}"
    if "error" in figures and "cases" not in figures:
        return f"search in the browser: failed: {figures['error']}"
    lines = [f"search in the browser: query {figures['query']!r}, {figures['runs']} runs per "
             f"case, a fresh context each; Chromium {figures.get('chromium', '?')}", "",
             "| case | first result (ms): median [min-max] | all results (ms) | "
             "transferred (kB): median [max] | requests |", "|---|---:|---:|---:|---:|"]

    def span(s: Mapping[str, float] | None, scale: float = 1.0) -> str:
        if not s:
            return "-"
        return f"{s['median'] / scale:.0f} [{s['min'] / scale:.0f}-{s['max'] / scale:.0f}]"

    for name, case in figures["cases"].items():
        failed = f" ({case['failed']} failed)" if case.get("failed") else ""
        by = case.get("bytes")
        sent = f"{by['median'] / 1e3:.0f} [{by['max'] / 1e3:.0f}]" if by else "-"
        req = case.get("requests")
        count = f"{req['median']:.0f}" if req else ""
        lines.append(f"| {name}{failed} | {span(case.get('first_result_ms'))} | "
                     f"{span(case.get('all_results_ms'))} | {sent} | "
                     f"{count} |")
    kinds = figures.get("bytes_by_kind")
    if kinds:
        lines += ["", "first query's transfer by file (1x cold, first run): " + ", ".join(
            f"{k} {v / 1e3:.1f} kB" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]))]
    worker = figures.get("worker_throttling") or {}
    if worker:
        probe = worker.get("probe_ms", {})
        lines.append(
            "throttling and the worker: Pagefind in a worker: "
            f"{'yes' if worker.get('pagefind_worker') else 'no'}; "
            f"rate sent to worker targets: {worker.get('worker_answer')}; busy loop "
            + ", ".join(f"{k} {v:.0f} ms" for k, v in probe.items()))
    targets = figures.get("targets")
    if targets:
        largest = targets["largest_bytes"]

        def met(ok: bool | None) -> str:
            return "not measured" if ok is None else "met" if ok else "MISSED"

        lines.append(
            f"targets: first query <= {targets['bytes_limit'] / 1e3:.0f} kB: "
            f"{met(targets['bytes_ok'])} (largest "
            f"{'-' if largest is None else f'{largest / 1e3:.0f} kB'}); first result <= "
            f"{targets['first_result_limit_ms']:.0f} ms at 4x (median): "
            f"{met(targets['first_result_ok'])}, with Pagefind on the main thread: "
            f"{met(targets['first_result_ok_no_worker'])} ("
            + ", ".join(f"{k} {v:.0f} ms" for k, v in targets["throttled_medians_ms"].items())
            + ")")
    return "\n".join(lines)


# ---------------------------------------------------------------- the browser


class _WorkerThrottle:
    """Auto-attach to the page's workers through a CDP session and send each the CPU
    throttling rate (then let it run). Records what the workers answered."""

    def __init__(self, cdp: Any, rate: float) -> None:
        self.cdp = cdp
        self.rate = rate
        self.workers: list[str] = []
        self.answers: list[str] = []
        cdp.on("Target.attachedToTarget", self._attached)
        cdp.on("Target.receivedMessageFromTarget", self._message)
        cdp.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True,
                                          "flatten": False})

    def _send(self, session: str, ident: int, method: str, params: dict[str, Any]) -> None:
        message = json.dumps({"id": ident, "method": method, "params": params})
        with contextlib.suppress(Exception):  # the worker (or the page) is already gone
            self.cdp.send("Target.sendMessageToTarget", {"sessionId": session, "message": message})

    def _attached(self, event: dict[str, Any]) -> None:
        info = event.get("targetInfo", {})
        session = event["sessionId"]
        try:
            if info.get("type") == "worker":
                self.workers.append(str(info.get("url", "")))
                self._send(session, 900_001, "Emulation.setCPUThrottlingRate",
                           {"rate": self.rate})
        finally:
            self._send(session, 900_002, "Runtime.runIfWaitingForDebugger", {})

    def _message(self, event: dict[str, Any]) -> None:
        with contextlib.suppress(ValueError, TypeError):
            message = json.loads(event.get("message", ""))
            if message.get("id") == 900_001:
                error = message.get("error")
                self.answers.append("applied" if error is None
                                    else f"refused: {error.get('message', error)}")


def _new_context(browser: Any, *, worker: bool) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  service_workers="block")
    if not worker:
        context.add_init_script(NO_WORKER_JS)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    return context


def _throttle(context: Any, page: Any, rate: float) -> tuple[Any, _WorkerThrottle | None]:
    cdp = context.new_cdp_session(page)
    if rate == 1.0:
        return cdp, None
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
    return cdp, _WorkerThrottle(cdp, rate)


def measure_run(browser: Any, url: str, query: str, *, rate: float, warm: bool,
                worker: bool = True) -> dict[str, Any]:
    """One run in a fresh context: the figures, or {"error": ...} when no result came."""
    context = _new_context(browser, worker=worker)
    requests: list[Any] = []
    try:
        page = context.new_page()
        page.bring_to_front()
        page.goto(url, wait_until="load")
        page.locator("[data-briefs-search-open]").wait_for(state="visible")  # search.js ran
        page.wait_for_load_state("networkidle")
        _cdp, worker_throttle = _throttle(context, page, rate)
        if not page.evaluate(PROBE_JS, query):
            return {"error": "no search dialog on the home page"}

        def record(request: Any) -> None:  # a function: Playwright wraps it, not a builtin
            requests.append(request)

        context.on("requestfinished", record)
        if not page.evaluate(OPEN_JS, None if warm else query):
            return {"error": "the search dialog did not open"}
        if warm:
            page.wait_for_function(PRELOADED_JS)
            page.wait_for_load_state("networkidle")
            page.evaluate(TYPE_JS, query)
        page.wait_for_function("() => window.__searchTiming.done !== null"
                               " && (window.__searchTiming.first === null"
                               "     || window.__searchTiming.shown !== null)")
        page.wait_for_load_state("networkidle")
        timing: dict[str, Any] = page.evaluate("() => window.__searchTiming")
        workers = [w.url for w in page.workers]
    finally:
        transfers = [_transfer(r) for r in requests]
        context.close()
    run: dict[str, Any] = {"status": timing["status"], "results": timing["results"],
                           "workers": workers}
    if worker_throttle is not None:
        run["worker_answers"] = worker_throttle.answers
    if timing["first"] is None:
        run["error"] = f"no result shown ({timing['status']!r})"
        return run
    run["first_result_ms"] = timing["shown"] - timing["typed"]
    run["first_in_dom_ms"] = timing["first"] - timing["typed"]
    run["all_results_ms"] = timing["done"] - timing["typed"]
    run["typed_after_open_ms"] = timing["typed"] - timing["open"]
    by_kind: Counter[str] = Counter()
    for path, size in transfers:
        by_kind[file_kind(path)] += size
    run["bytes"] = sum(by_kind.values())
    run["requests"] = len(transfers)
    run["bytes_by_kind"] = dict(by_kind)
    return run


def _transfer(request: Any) -> tuple[str, int]:
    """(URL path, bytes received) of a finished request: body as sent plus headers."""
    from urllib.parse import urlsplit

    path = urlsplit(request.url).path
    response = request.response()
    length = int((response.headers if response else {}).get("content-length", 0))
    try:
        sizes = request.sizes()
        # A worker's own script is reported with no body size: its Content-Length then
        body, headers = int(sizes["responseBodySize"]), int(sizes["responseHeadersSize"])
    except Exception:  # no sizes for this request
        body, headers = 0, 0
    return path, max(body, length) + max(headers, 0)


def probe_worker_throttling(browser: Any, url: str) -> dict[str, Any]:
    """Does the CPU throttling rate reach a dedicated worker? The same busy loop timed on
    the main thread and in a worker, unthrottled and at 4x (rate sent to the page and,
    through auto-attach, to the worker)."""
    probe: dict[str, float] = {}
    answers: list[str] = []
    for rate in (1.0, THROTTLED_RATE):
        context = _new_context(browser, worker=True)
        try:
            page = context.new_page()
            page.bring_to_front()
            page.goto(url, wait_until="load")
            _cdp, worker_throttle = _throttle(context, page, rate)
            probe[f"main {rate:g}x"] = float(page.evaluate(BUSY_MAIN_JS))
            probe[f"worker {rate:g}x"] = float(page.evaluate(BUSY_WORKER_JS))
            if worker_throttle is not None:
                page.wait_for_timeout(100)
                answers += worker_throttle.answers
        finally:
            context.close()
    main_ratio = probe[f"main {THROTTLED_RATE:g}x"] / max(probe["main 1x"], 1e-3)
    worker_ratio = probe[f"worker {THROTTLED_RATE:g}x"] / max(probe["worker 1x"], 1e-3)
    return {"probe_ms": probe, "main_slowdown": round(main_ratio, 2),
            "worker_slowdown": round(worker_ratio, 2),
            "worker_answer": answers[0] if answers else "no worker attached",
            # Slowed nearly as much as the main thread (a loaded machine's noise moves
            # either figure by a factor up to about 2, so a plain threshold would not do)
            "reaches_worker": worker_ratio >= 0.75 * main_ratio}


def measure(site: Path, query: str | None = None, runs: int = 3, *,
            no_worker_case: bool = True) -> dict[str, Any]:
    """Search figures of the built site folder `site` (see the module's docstring):
    {"query", "runs", "chromium", "cases": {name: summary with "runs_detail"}, "targets",
    "worker_throttling", "bytes_by_kind", "seconds"}, or {"skipped": reason}."""
    reason = unavailable()
    if reason:
        return {"skipped": reason}
    if not (site / "pagefind" / "pagefind.js").is_file():
        return {"skipped": f"no Pagefind index in {site} (build the site first)"}
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    word = query or pick_query(site.resolve().parent)
    plan = [(rate, warm, True) for rate in (1.0, THROTTLED_RATE) for warm in (False, True)]
    if no_worker_case:
        plan += [(THROTTLED_RATE, warm, False) for warm in (False, True)]
    figures: dict[str, Any] = {"query": word, "runs": runs, "cases": {}}
    with served(site, "search-timing-server") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            figures["chromium"] = browser.version
            figures["worker_throttling"] = probe_worker_throttling(browser, url)
            for rate, warm, worker in plan:
                done = []
                for _ in range(runs):
                    try:
                        done.append(measure_run(browser, url, word, rate=rate, warm=warm,
                                                worker=worker))
                    except Exception as exc:  # a timeout: recorded, the other runs go on
                        done.append({"error": f"{type(exc).__name__}: {exc}".splitlines()[0]})
                case = summarise(done)
                case.update(rate=rate, warm=warm, worker=worker, runs_detail=done)
                figures["cases"][case_name(rate, warm, worker)] = case
        finally:
            browser.close()
    first = figures["cases"][case_name(1.0, False)]["runs_detail"]
    figures["bytes_by_kind"] = next((r["bytes_by_kind"] for r in first if "bytes_by_kind" in r),
                                    {})
    in_worker = [r for c in figures["cases"].values() if c["worker"]
                 for r in c["runs_detail"] if r.get("workers")]
    figures["worker_throttling"]["pagefind_worker"] = any(
        w.endswith("pagefind-worker.js") for r in in_worker for w in r["workers"])
    figures["targets"] = check_targets(figures["cases"])
    figures["seconds"] = time.perf_counter() - started
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.search_timing",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("site", type=Path, help="the built site folder (with pagefind/)")
    p.add_argument("--query", help="the query (default: picked from SITE/../briefs)")
    p.add_argument("--runs", type=int, default=3, help="runs per case (default 3)")
    p.add_argument("--no-worker-case", action="store_true",
                   help="leave out the 4x cases with Worker hidden (Pagefind on the main thread)")
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    args = p.parse_args(argv)
    figures = measure(args.site, args.query, args.runs, no_worker_case=not args.no_worker_case)
    print(format_figures(figures))
    text = json.dumps(figures, indent=2)
    print()
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 1 if "error" in figures else 0


if __name__ == "__main__":
    sys.exit(main())
