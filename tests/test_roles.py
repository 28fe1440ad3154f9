"""Effective permissions and Session Manager readiness, per role (issue 5)."""

from __future__ import annotations

from tests.conftest import FIXTURES, check_tree

CASES = FIXTURES / "cases"
FOUR = (
    "CreateControlChannel",
    "CreateDataChannel",
    "OpenControlChannel",
    "OpenDataChannel",
)


def role_findings(result, name="session-manager-incomplete"):
    return [f for f in result.findings if f.name == name]


def losses(result, address):
    view = next(v for v in result.roles if v.address == address)
    return {a.split(":")[1]: loss.why for a, loss in view.losses.items()}


def write(tmp_path, text):
    (tmp_path / "main.tf").write_text(text)
    return tmp_path


def test_c001_instance_role_without_any_channel_action(catalog):
    result = check_tree(CASES / "C001", catalog)
    (finding,) = role_findings(result)
    assert finding.address == "aws_iam_role.node"
    assert finding.severity.label == "warning"
    assert losses(result, "aws_iam_role.node") == dict.fromkeys(FOUR, "never granted")
    assert not [f for f in result.findings if f.severity.label == "error"]


def test_c002_two_of_four(catalog):
    result = check_tree(CASES / "C002", catalog)
    assert losses(result, "aws_iam_role.node") == {
        "CreateDataChannel": "never granted",
        "OpenDataChannel": "never granted",
    }
    (finding,) = role_findings(result)
    assert "CreateDataChannel, OpenDataChannel: never granted" in finding.message


def test_c004_and_c005_grants_that_cannot_apply(catalog):
    for case, role, line in (
        ("C004", "aws_iam_role.node", 31),
        ("C005", "aws_iam_role.task", 30),
    ):
        result = check_tree(CASES / case, catalog)
        lost = losses(result, role)
        assert set(lost) == set(FOUR)
        assert all(f"main.tf:{line} cannot apply" in why for why in lost.values())
        assert len(role_findings(result)) == 1


def test_c006_service_role_is_not_agent_side(catalog):
    result = check_tree(CASES / "C006", catalog)
    assert role_findings(result) == []
    assert role_findings(result, "open-data-channel-unscoped") == []


def test_c008_c009_typos_lose_their_actions(catalog):
    result = check_tree(CASES / "C008", catalog)
    assert set(losses(result, "aws_iam_role.task")) == {
        "OpenControlChannel",
        "OpenDataChannel",
    }
    assert "ECS Exec" in role_findings(result)[0].message
    result = check_tree(CASES / "C009", catalog)
    assert set(losses(result, "aws_iam_role.node")) == {"OpenDataChannel"}


def test_c012_complete_ecs_exec_task_role(catalog):
    result = check_tree(CASES / "C012", catalog)
    assert result.findings == []
    view = next(v for v in result.roles if v.address == "aws_iam_role.task")
    assert "ecs-exec-task" in view.jobs and view.losses == {}


def test_c018_boundary_excludes(catalog):
    result = check_tree(CASES / "C018", catalog)
    lost = losses(result, "aws_iam_role.worker")
    assert set(lost) == set(FOUR)
    assert all("outside the permissions boundary" in why for why in lost.values())
    (boundary,) = role_findings(result, "boundary-excludes")
    assert boundary.address == "aws_iam_policy.instance_boundary"
    assert '"ssmmessages:*"' in boundary.message


def test_c045_exec_actions_on_the_execution_role(catalog):
    result = check_tree(CASES / "C045", catalog)
    (execution,) = role_findings(result, "ecs-exec-on-execution-role")
    assert execution.location.line == 25  # the policy given to the execution role
    assert execution.address == "aws_iam_role_policy.execution_exec"
    assert "task_role_arn" in execution.message
    (task,) = role_findings(result)
    assert task.address == "aws_iam_role.task"


def test_managed_policies_known_and_unknown(tmp_path, catalog):
    write(
        tmp_path,
        """
resource "aws_iam_role" "good" {
  assume_role_policy = "{}"
}
resource "aws_iam_instance_profile" "good" {
  role = aws_iam_role.good.name
}
resource "aws_iam_role_policy_attachment" "core" {
  role       = aws_iam_role.good.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role" "odd" {
  assume_role_policy  = "{}"
  managed_policy_arns = ["arn:aws:iam::aws:policy/SomethingNew"]
}
resource "aws_iam_instance_profile" "odd" {
  role = aws_iam_role.odd.name
}
""",
    )
    result = check_tree(tmp_path, catalog)
    assert losses(result, "aws_iam_role.good") == {}
    assert role_findings(result) == []  # never "incomplete" when not analysed
    (note,) = role_findings(result, "role-not-analysed")
    assert note.address == "aws_iam_role.odd"
    assert "SomethingNew" in note.message


def test_unresolved_policy_makes_the_role_not_analysed(tmp_path, catalog):
    write(
        tmp_path,
        """
resource "aws_iam_role" "node" {
  assume_role_policy = "{}"
}
resource "aws_iam_instance_profile" "node" {
  role = aws_iam_role.node.name
}
resource "aws_iam_role_policy" "node" {
  role   = aws_iam_role.node.id
  policy = var.policy
}
""",
    )
    result = check_tree(tmp_path, catalog)
    assert role_findings(result) == []
    assert len(role_findings(result, "role-not-analysed")) == 1


def test_denies_scps_and_absent_key_conditions_are_where_grants_are_lost(
    tmp_path, catalog
):
    write(
        tmp_path,
        """
resource "aws_iam_role" "node" {
  assume_role_policy = "{}"
}
resource "aws_iam_instance_profile" "node" {
  role = aws_iam_role.node.name
}
resource "aws_iam_role_policy" "node" {
  role = aws_iam_role.node.id
  policy = jsonencode({ Statement = [
    { Effect = "Allow", Action = "ssmmessages:*", Resource = "*" },
    { Effect = "Deny", Action = "ssmmessages:OpenDataChannel", Resource = "*" },
  ] })
}
resource "aws_iam_role_policy" "tagged" {
  role = aws_iam_role.node.id
  policy = jsonencode({ Statement = [
    { Effect = "Deny", Action = "ssmmessages:CreateDataChannel", Resource = "*",
      Condition = { StringEquals = { "aws:ResourceTag/env" = "prod" } } },
  ] })
}
resource "aws_organizations_policy" "scp" {
  content = jsonencode({ Statement = [
    { Effect = "Deny", Action = "ssmmessages:OpenControlChannel", Resource = "*" },
  ] })
}
""",
    )
    result = check_tree(tmp_path, catalog)
    lost = losses(result, "aws_iam_role.node")
    assert lost["OpenDataChannel"] == "denied at main.tf:12"
    assert lost["OpenControlChannel"].startswith("blocked by the SCP")
    assert "CreateDataChannel" not in lost  # that Deny never matches
    (never,) = role_findings(result, "deny-never-matches")
    assert never.location.line == 18


def test_people_and_operators(tmp_path, catalog):
    write(
        tmp_path,
        """
resource "aws_iam_user" "alice" {
  name = "alice"
}
resource "aws_iam_user_policy" "alice" {
  user = aws_iam_user.alice.name
  policy = jsonencode({ Statement = [
    { Effect = "Allow", Action = ["ssm:StartSession", "ssmmessages:*"],
      Resource = "*" },
    { Effect = "Allow", Action = "ssmmessages:OpenDataChannel",
      Resource = "arn:aws:ssm:*:*:session/*" },
  ] })
}
""",
    )
    result = check_tree(tmp_path, catalog)
    (people,) = role_findings(result, "channel-actions-for-people")
    assert people.location.line == 8
    (unscoped,) = role_findings(result, "open-data-channel-unscoped")
    assert unscoped.location.line == 11
    assert "${aws:userid}" in unscoped.message


def test_redundant_empty_and_not_action(tmp_path, catalog):
    write(
        tmp_path,
        """
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["ssmmessages:*", "ssmmessages:OpenDataChannel"]
    resources = ["*"]
  }
  statement {
    actions   = ["ssmmessages:*", "ssmmessages:OpenDataChannel"]
    resources = ["*"]
  }
  statement {
    actions   = []
    resources = ["*"]
  }
  statement {
    not_actions = ["iam:*"]
    resources   = ["*"]
  }
}
""",
    )
    result = check_tree(tmp_path, catalog)
    found = sorted((f.name, f.location.line) for f in result.findings)
    assert found == [
        ("empty-action-list", 12),
        ("not-action-allows-channels", 16),
        ("redundant-action", 4),
        ("redundant-action", 7),  # the statement repeats the first
        ("redundant-action", 8),
    ]


def test_explain_shows_each_action_and_the_statements_behind_it(capsys, monkeypatch):
    import pytest

    from tfcheck.cli import main

    monkeypatch.chdir(CASES / "C018")
    with pytest.raises(SystemExit) as exit_info:
        main(["explain", "aws_iam_role.worker", "."])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert (
        out.splitlines()[0]
        == "aws_iam_role.worker (main.tf:26): ec2-instance, service-trust"
    )
    assert "boundary:\n  aws_iam_policy.instance_boundary (main.tf:13)\n" in out
    assert (
        "ssmmessages:OpenDataChannel: outside the permissions boundary "
        "(aws_iam_policy.instance_boundary at main.tf:13)\n"
        "  main.tf:43 Allow SessionManager: always (no condition)\n"
    ) in out

    with pytest.raises(SystemExit) as exit_info:
        main(["explain", "aws_iam_role.nope", "."])
    assert exit_info.value.code == 2
    assert "known: aws_iam_role.worker" in capsys.readouterr().err
