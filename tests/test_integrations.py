"""The GitHub Action, the Atlantis configuration and the pre-commit hooks, run
the way GitHub, Atlantis and pre-commit run them, on fixture repositories.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
REPOS_YAML = yaml.safe_load((ROOT / "examples/atlantis/repos.yaml").read_text())
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def tool(name: str) -> str:
    """A console script installed next to this Python (the test extra's)."""
    found = BIN / name
    if not found.exists():
        pytest.skip(f"{name} is not installed; pip install -e '.[test]'")
    return str(found)


# --- GitHub Action -----------------------------------------------------------


def test_action_metadata_is_valid_against_the_github_actions_schema():
    checked = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions"]
        + [str(ROOT / "action.yml")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_no_workflow_expression_reaches_a_shell():
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]
        uses = step.get("uses")
        if uses and not uses.startswith("./"):
            assert re.fullmatch(r"[^@]+@[0-9a-f]{40}", uses), f"pin {uses} by SHA"


def test_zizmor_finds_no_template_injection_and_would_find_one(tmp_path):
    zizmor = tool("zizmor")
    clean = subprocess.run(
        [zizmor, "--offline", "--pedantic", str(ROOT / "action.yml")],
        capture_output=True,
        text=True,
    )
    assert clean.returncode == 0, clean.stdout + clean.stderr

    # The same audit on an action that pastes an input into `run:` must fail,
    # or the check above proves nothing.
    bad = (
        (ROOT / "action.yml")
        .read_text()
        .replace(
            """run: '"$GITHUB_ACTION_PATH/action/run.sh"'""",
            "run: tfcheck ${{ inputs.args }}",
        )
    )
    (tmp_path / "action.yml").write_text(bad)
    dirty = subprocess.run(
        [zizmor, "--offline", "--pedantic", str(tmp_path / "action.yml")],
        capture_output=True,
        text=True,
    )
    assert dirty.returncode != 0 and "template-injection" in dirty.stdout


def _resolve(text: str, inputs: dict[str, str], steps: dict[str, dict]) -> str:
    def value(match: re.Match) -> str:
        expression = match.group(1)
        if expression.startswith("inputs."):
            return inputs[expression.removeprefix("inputs.")]
        _, step, _, name = expression.split(".")
        return steps.get(step, {}).get(name, "")

    return EXPRESSION.sub(value, text)


def _read_outputs(path: Path) -> dict[str, str]:
    outputs: dict[str, str] = {}
    lines = iter(path.read_text().splitlines())
    for line in lines:
        if "<<" in line and "=" not in line.split("<<")[0]:
            name, marker = line.split("<<", 1)
            outputs[name] = "\n".join(iter(lambda: next(lines), marker))
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


def run_action(workspace: Path, tmp_path: Path, **given: str) -> dict:
    """Run the composite steps as the runner does, offline.

    Inputs are resolved only where GitHub resolves them in our action (env,
    working-directory, outputs); each step runs under GitHub's `shell: bash`
    template with the runner's files; tfcheck comes from this test's
    environment (TFCHECK_SKIP_INSTALL) instead of a fresh install.
    """
    inputs = {
        name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()
    }
    inputs.update(given)
    runner = tmp_path / "runner"
    runner.mkdir()
    files = {
        name: runner / name.lower()
        for name in (
            "GITHUB_OUTPUT",
            "GITHUB_STEP_SUMMARY",
            "GITHUB_PATH",
            "GITHUB_ENV",
        )
    }
    for path in files.values():
        path.touch()
    base = {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTION_PATH": str(ROOT),
        "RUNNER_TEMP": str(runner),
        "TFCHECK_SKIP_INSTALL": "1",
        **{name: str(path) for name, path in files.items()},
    }

    steps: dict[str, dict] = {}
    logs = []
    status = 0
    for step in ACTION["runs"]["steps"]:
        assert step["shell"] == "bash"
        env = dict(base)
        env.update({k: _resolve(str(v), inputs, steps) for k, v in step["env"].items()})
        cwd = workspace / _resolve(step.get("working-directory", "."), inputs, steps)
        files["GITHUB_OUTPUT"].write_text("")
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
        )
        logs.append(done)
        steps[step.get("id", "")] = _read_outputs(files["GITHUB_OUTPUT"])
        status = done.returncode
        if status != 0:
            break

    outputs = {
        name: _resolve(spec["value"], inputs, steps)
        for name, spec in ACTION["outputs"].items()
    }
    return {
        "status": status,
        "outputs": outputs,
        "stdout": "".join(log.stdout for log in logs),
        "stderr": "".join(log.stderr for log in logs),
        "summary": files["GITHUB_STEP_SUMMARY"].read_text(),
    }


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A checkout whose Terraform lives in infra/, as in many repositories."""
    checkout = tmp_path / "checkout"
    shutil.copytree(FIXTURES / "report-tree", checkout / "infra")
    return checkout


@needs_bash
def test_action_reports_annotations_summary_sarif_and_outputs(workspace, tmp_path):
    ran = run_action(
        workspace, tmp_path, **{"working-directory": "infra", "sarif-file": "out.sarif"}
    )

    assert ran["status"] == 1, ran["stderr"]
    outputs = ran["outputs"]
    assert outputs["exit-code"] == "1"
    assert outputs["version"] and outputs["version"][0].isdigit()

    # The counts agree with the annotations: errors as ::error, warnings as ::warning.
    annotations = [line for line in ran["stdout"].splitlines() if line.startswith("::")]
    errors = [a for a in annotations if a.startswith("::error ")]
    warnings = [a for a in annotations if a.startswith("::warning ")]
    assert int(outputs["errors"]) == len(errors) >= 1
    assert int(outputs["warnings"]) == len(warnings) >= 1
    assert int(outputs["findings"]) >= len(errors) + len(warnings)

    # GitHub resolves paths against the workspace, not the working directory.
    assert all("file=infra/" in a for a in errors + warnings), annotations
    assert "TFC101" in ran["summary"] and ran["summary"].lstrip().startswith("#")

    assert outputs["sarif-file"] == "out.sarif"
    sarif = json.loads((workspace / "infra" / "out.sarif").read_text())
    results = sarif["runs"][0]["results"]
    shown = [r for r in results if not r.get("suppressions")]
    assert len(shown) == int(outputs["findings"])
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in results
    }
    assert uris and all(uri.startswith("infra/") for uri in uris)


@needs_bash
def test_action_soft_fail_and_no_annotations(workspace, tmp_path):
    ran = run_action(
        workspace,
        tmp_path,
        **{"working-directory": "infra", "fail-on": "none", "annotations": "false"},
    )

    assert ran["status"] == 0, ran["stderr"]
    assert ran["outputs"]["exit-code"] == "0"
    assert int(ran["outputs"]["errors"]) >= 1  # still counted
    assert not any(line.startswith("::") for line in ran["stdout"].splitlines())
    assert ran["outputs"]["sarif-file"] == ""


@needs_bash
def test_action_arguments_are_never_evaluated(workspace, tmp_path):
    marker = tmp_path / "pwned"
    ran = run_action(
        workspace,
        tmp_path,
        paths=f"infra $(touch {marker})",
        args="--select TFC101 `touch " + str(marker) + "`",
    )

    assert not marker.exists()
    assert (
        ran["outputs"]["exit-code"] == "2"
    )  # the odd words are paths that do not exist
    assert "does not exist" in ran["stderr"] or "no such" in ran["stderr"].lower()


@needs_bash
def test_action_plan_input_checks_the_plan(tmp_path):
    checkout = tmp_path / "checkout"
    shutil.copytree(FIXTURES / "plan", checkout)
    ran = run_action(checkout, tmp_path, plan="plan.json")

    assert ran["outputs"]["exit-code"] == "1", ran["stderr"]
    # The misspelt action comes from a variable default only the plan resolved.
    assert "OpenControlChanel" in ran["stdout"]
    assert "file=main.tf" in ran["stdout"]


# --- Atlantis ------------------------------------------------------------------


def _atlantis(command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """Run a command the way Atlantis does: `bash -c`, with its variables."""
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env={"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **env},
        capture_output=True,
        text=True,
    )


POLICY_TF = """\
resource "aws_iam_policy" "session" {
  name   = "session"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ssmmessages:CreateControlChannel", "ssmmessages:OpenDataChannel"]
      Resource = "*"
    }]
  })
}
"""


def _plan_of(actions: list[str]) -> dict:
    """What `terraform show -json` gives for POLICY_TF with these actions."""
    statement = {"Effect": "Allow", "Action": actions, "Resource": "*"}
    policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    resource = {
        "address": "aws_iam_policy.session",
        "mode": "managed",
        "type": "aws_iam_policy",
        "name": "session",
        "values": {"name": "session", "policy": policy},
    }
    return {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [resource]}},
        "resource_changes": [],
    }


def _project(repo: Path, typo: bool) -> Path:
    """A pull request's project directory with its plan, as `show` leaves it."""
    project = repo / "project"
    project.mkdir(parents=True, exist_ok=True)
    text = POLICY_TF.replace("OpenDataChannel", "OpenDataChanel") if typo else POLICY_TF
    (project / "main.tf").write_text(text)
    action = "ssmmessages:OpenDataChanel" if typo else "ssmmessages:OpenDataChannel"
    plan = _plan_of(["ssmmessages:CreateControlChannel", action])
    (project / "plan.json").write_text(json.dumps(plan))
    return project


def _plan_step(stage: str) -> str:
    steps = REPOS_YAML["workflows"]["tfcheck"][stage]["steps"]
    return next(step["run"] for step in steps if isinstance(step, dict))


@needs_bash
@pytest.mark.parametrize("typo", [True, False])
def test_atlantis_pre_workflow_hook(tmp_path, typo):
    repo = tmp_path / "repo"
    _project(repo, typo)
    hook = REPOS_YAML["repos"][0]["pre_workflow_hooks"][0]
    status_file = tmp_path / "status"
    ran = _atlantis(
        hook["run"], repo, DIR=str(repo), OUTPUT_STATUS_FILE=str(status_file)
    )

    assert "\x1b[" not in ran.stdout
    if typo:
        # Blocks plan (with --fail-on-pre-workflow-hook-error) and says where.
        assert ran.returncode == 1
        assert "project/main.tf:7:" in ran.stdout and "OpenDataChanel" in ran.stdout
        assert not status_file.exists()
    else:
        assert ran.returncode == 0, ran.stdout
        assert status_file.read_text().strip() == "tfcheck: no blocking findings"


@needs_bash
@pytest.mark.parametrize("typo", [True, False])
def test_atlantis_plan_step(tmp_path, typo):
    project = _project(tmp_path / "repo", typo)
    ran = _atlantis(
        _plan_step("plan"),
        project,
        DIR=str(project),
        SHOWFILE=str(project / "plan.json"),
        REPO_REL_DIR="project",
    )

    assert "\x1b[" not in ran.stdout
    if typo:
        # Non-zero fails the plan; the text lands in the plan comment.
        assert ran.returncode == 1
        assert "main.tf:7:" in ran.stdout and "OpenDataChanel" in ran.stdout
    else:
        assert ran.returncode == 0, ran.stdout + ran.stderr
        assert ran.stdout.strip() and "fail" not in ran.stdout.lower()


@needs_bash
@pytest.mark.parametrize("typo", [True, False])
def test_atlantis_custom_policy_check_contract(tmp_path, typo):
    project = _project(tmp_path / "repo", typo)
    ran = _atlantis(
        _plan_step("policy_check"), project, SHOWFILE=str(project / "plan.json")
    )

    # Always exit 0: Atlantis (>= 0.33) counts non-zero as an error, not a
    # policy failure that can be approved.
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.splitlines()
    assert lines, "Atlantis >= 0.38 fails an empty output"
    if typo:
        assert lines[0] == (
            "FAIL - aws_iam_policy.session - TFC102 - unknown action "
            '"ssmmessages:OpenDataChanel": ssmmessages defines no such action; '
            'did you mean "ssmmessages:OpenDataChannel"?'
        )
        assert re.search(r"[1-9][0-9]* failure", lines[-1])
    else:
        # Before 0.39, any "fail" in the text failed the policy set.
        assert "fail" not in ran.stdout.lower()


# --- pre-commit ----------------------------------------------------------------


def test_per_file_mode_evaluates_the_module_but_reports_only_the_named_file(
    tmp_path, capsys, monkeypatch
):
    from tfcheck.cli import main

    (tmp_path / "locals.tf").write_text(
        'locals {\n  typo = "ssmmessages:OpenDataChanel"\n}\n'
    )
    (tmp_path / "policy.tf").write_text(
        'data "aws_iam_policy_document" "p" {\n'
        "  statement {\n"
        "    actions   = [local.typo]\n"
        '    resources = ["*"]\n'
        "  }\n"
        "}\n"
        'data "aws_iam_policy_document" "q" {\n'
        "  statement {\n"
        '    actions   = ["ssmmessages:OpenControlChanel"]\n'
        '    resources = ["*"]\n'
        "  }\n"
        "}\n"
    )
    (tmp_path / "other.tf").write_text(
        'data "aws_iam_policy_document" "r" {\n'
        "  statement {\n"
        '    actions   = ["ssmmessages:CreateDataChanel"]\n'
        '    resources = ["*"]\n'
        "  }\n"
        "}\n"
    )
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--format", "concise", "policy.tf"])
    out = capsys.readouterr().out

    assert exit_info.value.code == 1
    assert "OpenControlChanel" in out
    assert "CreateDataChanel" not in out  # other.tf was not named
    assert "OpenDataChanel" not in out  # reported in locals.tf, not named either

    # Naming locals.tf alone: the typo is found only because policy.tf, which
    # was not named, uses the local, so the whole module was evaluated.
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--format", "concise", "locals.tf"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 1
    assert out.startswith("locals.tf:2:10: TFC102")
    assert "Chanel" not in out.replace("OpenDataChanel", "")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.parametrize("hook", ["tfcheck", "tfcheck-repo"])
def test_pre_commit_try_repo_runs_both_hooks(tmp_path, hook):
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "report-tree", repo)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "fixture"], cwd=repo, check=True, env=env)

    ran = subprocess.run(
        [tool("pre-commit"), "try-repo", str(ROOT), hook, "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "Failed" in ran.stdout
    assert "main.tf:" in ran.stdout and "TFC101" in ran.stdout


def test_atlantis_docs_show_the_tested_repos_yaml():
    docs = (ROOT / "docs" / "atlantis.md").read_text()
    tested = (ROOT / "examples" / "atlantis" / "repos.yaml").read_text()
    assert f"```yaml\n{tested}```" in docs
