"""`tfcheck plan`: the plan's values, reported at the .tf lines that wrote them."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import FIXTURES
from tfcheck.cli import main

PLAN_TREE = FIXTURES / "plan"


def run_cli(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_plan_mode_gives_the_findings_of_hcl_mode_at_the_same_lines(
    capsys, monkeypatch
):
    monkeypatch.chdir(PLAN_TREE)
    hcl_code, hcl, _ = run_cli(capsys, "--format", "json", ".")
    plan_code, plan, _ = run_cli(capsys, "plan", "--format", "json", "plan.json")

    def key(f):
        return (f["rule"], f["file"], f["line"], f["column"], f["message"])

    hcl_findings = json.loads(hcl)["findings"]
    plan_findings = json.loads(plan)["findings"]
    assert sorted(map(key, plan_findings)) == sorted(map(key, hcl_findings))
    assert plan_code == hcl_code == 1
    # What the fixture covers: prior_state data sources, a deferred read, an
    # after_unknown policy, for_each module instances, and a deleted resource.
    names = {(f["name"], f["address"]) for f in plan_findings}
    assert (
        "unknown-global-condition-key",
        "data.aws_iam_policy_document.deferred",
    ) in names
    assert ("unresolved", "aws_iam_policy.later") in names
    assert (
        "wildcard-matches-nothing",
        'module.agents["a"].data.aws_iam_policy_document.agent',
    ) in names
    assert not any("old" in (f["address"] or "") for f in plan_findings)


def test_the_plan_knows_what_hcl_could_not(tmp_path, capsys, monkeypatch):
    for name in ("main.tf",):
        shutil.copy(FIXTURES / "cases" / "C026" / name, tmp_path / name)
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ModuleAccess",
                    "Effect": "Allow",
                    "Resource": "*",
                    "Action": [
                        "ssmmessages:CreateControlChannel",
                        "ssmmessages:OpenDataChanel",
                    ],
                }
            ],
        }
    )
    plan = {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": []}},
        "prior_state": {
            "values": {
                "root_module": {
                    "resources": [
                        {
                            "address": "data.aws_iam_policy_document.access",
                            "mode": "data",
                            "type": "aws_iam_policy_document",
                            "name": "access",
                            "values": {"json": document},
                        }
                    ]
                }
            }
        },
        "resource_changes": [],
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, "plan", "--format", "concise", "plan.json")
    assert code == 1
    # The value came from the plan (tfvars of the CI run); the line is the .tf's.
    assert out.splitlines()[0].startswith(
        'main.tf:31:5: TFC102 unknown action "ssmmessages:OpenDataChanel"'
    )


def test_sensitive_policies_never_reach_the_output(tmp_path, capsys, monkeypatch):
    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_iam_policy.secret",
                        "mode": "managed",
                        "type": "aws_iam_policy",
                        "name": "secret",
                        "values": {
                            "policy": '{"Statement": {"Effect": "Allow", '
                            '"Action": "ssmmessages:TopSecretAction", "Resource": "*"}}'
                        },
                        "sensitive_values": {"policy": True},
                    }
                ]
            }
        },
        "resource_changes": [],
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, "plan", "plan.json")
    assert "TopSecretAction" not in out
    assert "is sensitive, so it was not read" in out


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the plan is empty"),
        (b"PK\x03\x04\x00\x00", "this is a binary plan file"),
        (b"[command]/usr/bin/terraform show -json\n{}", "set terraform_wrapper: false"),
        (
            b'{"format_version": "2.0", "planned_values": {}}',
            "format_version 2.0 is not supported",
        ),
        (b'{"format_version": "1.2", "planned_values": ', "not valid JSON"),
        (b'{"values": {}}', "no format_version"),
        (b"[]", "plan.json: not a JSON object"),
        (b'{"format_version": 1.2}', "format_version is 1.2, not a string"),
        (
            b'{"format_version": "1.2", "planned_values": {"root_module": '
            b'{"resources": {"a": 1}}}}',
            "plan.json: the plan's planned_values.root_module.resources is an "
            "object, not an array",
        ),
        (
            b'{"format_version": "1.2", "resource_changes": [{"address": "a", '
            b'"change": {"after_unknown": "zz"}}], "planned_values": {"root_module":'
            b' {"resources": [{"address": "a", "type": "aws_iam_policy"}]}}}',
            "resource_changes[0].change.after_unknown is a string, not an object "
            "or a boolean",
        ),
    ],
    ids=[
        "empty",
        "binary",
        "wrapper",
        "version",
        "cut",
        "state",
        "array",
        "version-number",
        "shape",
        "flags",
    ],
)
def test_bad_plans_exit_two_with_one_line(
    tmp_path, capsys, monkeypatch, content, message
):
    (tmp_path / "plan.json").write_bytes(content)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "plan", "plan.json")
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_plan_from_standard_input(capsys, monkeypatch):
    import io

    monkeypatch.chdir(PLAN_TREE)
    data = (PLAN_TREE / "plan.json").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = run_cli(capsys, "plan", "--format", "concise", "-")
    assert code == 1 and "TFC102" in out


def test_inline_suppressions_apply_in_plan_mode(tmp_path, capsys, monkeypatch):
    tree = FIXTURES / "report-tree"
    monkeypatch.chdir(tree)
    _, hcl, _ = run_cli(capsys, "--format", "json", ".")
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {"format_version": "1.2", "planned_values": {}, "resource_changes": []}
        )
    )
    _, planned, _ = run_cli(capsys, "plan", "--format", "json", str(plan))
    assert json.loads(planned)["summary"]["suppressed"] == 3
    assert json.loads(planned)["suppressed"] == json.loads(hcl)["suppressed"]
