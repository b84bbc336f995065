"""tools/search_timing.py's pure logic: the query it picks, the byte breakdown, the summary
of runs and the targets. (The browser measurement itself runs in `make bench`.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tools import search_timing as st


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_query_is_the_distinctive_word_of_the_most_mentioned_actor(tmp_path: Path) -> None:
    actors = tmp_path / "briefs" / "actors"
    _write(actors / "republic-of-vokaran.yaml", 'name: "Republic of Vokaran"\nkind: country\n')
    _write(actors / "republic-of-drebousis.yaml", 'name: "Republic of Drebousis"\n')
    _write(actors / "anka-drapomon.yaml", "name: Anka Drapomon\nkind: person\n")
    # Drebousis: in three briefs (a wiki link, a perspective, a timeline list); Vokaran in two;
    # a seed id that merely contains an actor id does not count.
    _write(tmp_path / "briefs" / "a.yaml", "why: |\n  How [[republic-of-drebousis]] acts.\n")
    _write(tmp_path / "briefs" / "b.yaml", "perspectives:\n  - actor: republic-of-drebousis\n"
                                           "  - actor: republic-of-vokaran\n")
    _write(tmp_path / "briefs" / "c.yaml", "actors:\n  - republic-of-drebousis\n"
                                           "  - republic-of-vokaran\n")
    _write(tmp_path / "briefs" / "d.yaml", "source:\n  seed: anka-drapomon-talks-1-article\n")
    assert st.pick_query(tmp_path) == "Drebousis"  # not "Republic": every country has it


def test_a_tie_goes_to_the_first_actor_id(tmp_path: Path) -> None:
    _write(tmp_path / "briefs" / "actors" / "b-actor.yaml", "name: Zeno Brakulis\n")
    _write(tmp_path / "briefs" / "actors" / "a-actor.yaml", "name: Tavi Kousemon\n")
    assert st.pick_query(tmp_path) == "Kousemon"  # no mentions at all: the first id


def test_no_actors_asks_for_a_query(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="--query"):
        st.pick_query(tmp_path)


def test_distinctive_word() -> None:
    names = ["Sergei V. Lavrov", "Sergei Shoigu", "Republic of Kasu"]
    assert st.distinctive_word("Sergei V. Lavrov", names) == "Lavrov"  # "Sergei" is shared
    assert st.distinctive_word("Republic of Kasu", names) == "Republic"  # longest of the unique
    assert st.distinctive_word("EU", names) == "EU"  # no word of three letters: the name


@pytest.mark.parametrize(("path", "kind"), [
    ("/pagefind/pagefind.js", "pagefind.js"),
    ("/pagefind/pagefind-worker.js", "pagefind-worker.js"),
    ("/pagefind/pagefind-entry.json", "entry"),
    ("/pagefind/wasm.en.pagefind", "wasm"),
    ("/pagefind/pagefind.en_7e3c7311a3.pf_meta", "meta"),
    ("/pagefind/index/en_0b1c2d3.pf_index", "index"),
    ("/pagefind/fragment/en_0b1c2d3.pf_fragment", "fragment"),
    ("/pagefind/filter/en_0b1c2d3.pf_filter", "filter"),
    ("/pagefind/pagefind-ui.css", "other"),
    ("/assets/search.js", "page"),
    ("/sub/path/pagefind/pagefind.js", "pagefind.js"),
])
def test_file_kind(path: str, kind: str) -> None:
    assert st.file_kind(path) == kind


def _run(first: float, total: float, size: int) -> dict[str, Any]:
    return {"first_result_ms": first, "all_results_ms": total, "bytes": size, "requests": 20,
            "typed_after_open_ms": 0.5}


def test_summarise_takes_median_min_max_over_runs_with_a_result() -> None:
    runs = [_run(300, 400, 1000), _run(100, 200, 1000), {"error": "timeout"},
            _run(200, 900, 1200)]
    summary = st.summarise(runs)
    assert summary["runs"] == 4 and summary["failed"] == 1
    assert summary["first_result_ms"] == {"median": 200.0, "min": 100.0, "max": 300.0}
    assert summary["all_results_ms"] == {"median": 400.0, "min": 200.0, "max": 900.0}
    assert summary["bytes"] == {"median": 1000.0, "min": 1000.0, "max": 1200.0}
    assert st.summarise([_run(100, 200, 10), _run(300, 400, 30)])["first_result_ms"][
        "median"] == 200.0  # an even count: the mean of the middle two


def test_summarise_with_no_good_run_has_no_figures() -> None:
    assert st.summarise([{"error": "x"}]) == {"runs": 1, "failed": 1}


def _case(rate: float, worker: bool, first: float, size: float, failed: int = 0
          ) -> dict[str, Any]:
    return {"rate": rate, "worker": worker, "failed": failed,
            "first_result_ms": {"median": first, "min": first, "max": first},
            "bytes": {"median": size, "min": size, "max": size}}


def test_targets() -> None:
    cases = {"1x cold": _case(1, True, 2500, 200_000),  # 1x is not judged on time
             "4x cold": _case(4, True, 1400, 210_000),
             "4x warm": _case(4, True, 500, 210_000),
             "4x cold, no worker": _case(4, False, 1600, 180_000)}
    targets = st.check_targets(cases)
    assert targets["bytes_ok"] and targets["largest_bytes"] == 210_000
    assert targets["first_result_ok"] is True
    assert targets["first_result_ok_no_worker"] is False
    assert targets["throttled_medians_ms"] == {"4x cold": 1400, "4x warm": 500,
                                               "4x cold, no worker": 1600}
    cases["4x warm"] = _case(4, True, 500, 600_000)
    assert not st.check_targets(cases)["bytes_ok"]
    cases["4x warm"] = _case(4, True, 500, 100_000, failed=1)  # a failed run misses
    assert not st.check_targets(cases)["first_result_ok"]
    del cases["4x cold, no worker"]
    assert st.check_targets(cases)["first_result_ok_no_worker"] is None


def test_format_figures() -> None:
    assert st.format_figures({"skipped": "Chromium not found"}) == (
        "search in the browser: skipped: Chromium not found")
    cases = {st.case_name(1.0, False): {**_case(1, True, 812.4, 232_000), "runs": 3,
                                        "requests": {"median": 29, "min": 29, "max": 29}},
             st.case_name(4.0, True, worker=False): {"rate": 4.0, "worker": False, "runs": 3,
                                                     "failed": 3}}
    text = st.format_figures({"query": "Kekaivur", "runs": 3, "chromium": "156", "cases": cases,
                              "targets": st.check_targets(cases)})
    assert "| 1x cold | 812 [812-812] | - | 232 [232] | 29 |" in text
    assert "| 4x warm, no worker (3 failed) | - | - | - |  |" in text
    # Runs that failed measured nothing: no target can be called met
    assert "first query <= 500 kB: MISSED (largest 232 kB)" in text
    assert "first result <= 1500 ms at 4x (median): MISSED" in text
    del cases[st.case_name(4.0, True, worker=False)]
    text = st.format_figures({"query": "Kekaivur", "runs": 3, "cases": cases,
                              "targets": st.check_targets(cases)})
    assert "first query <= 500 kB: met" in text
    assert "at 4x (median): MISSED, with Pagefind on the main thread: not measured" in text


def test_unavailable_without_chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(st, "chromium_path", lambda: None)
    assert "Chromium not found" in (st.unavailable() or "")
    assert st.measure(Path("nowhere"))["skipped"].startswith("Chromium not found")
