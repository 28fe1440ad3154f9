"""Terraform semantics that a trial of tfcheck found wrong once, each a test."""

from __future__ import annotations

import json

import pytest

from tests.conftest import at, check_tree
from tfcheck.check.base import quoted
from tfcheck.cli import main


def write(tmp_path, text, name="main.tf"):
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(text)
    return tmp_path


def sids(result):
    return [s.sid_text for d in result.policy_documents for s in d.statements]


def test_dynamic_over_a_list_uses_the_index_as_key(tmp_path, catalog):
    write(
        tmp_path,
        """
locals {
  g = [["ssmmessages:OpenDataChannel"], ["ssmmessages:OpenDataChanel"]]
}
data "aws_iam_policy_document" "d" {
  dynamic "statement" {
    for_each = ["Channels", "Channels"]
    content {
      sid       = "${statement.value}${statement.key}"
      actions   = local.g[statement.key]
      resources = ["*"]
    }
  }
}
""",
    )
    result = check_tree(tmp_path, catalog)
    assert sids(result) == ["Channels0", "Channels1"]
    assert [(f.name, f.location.line) for f in result.findings] == [
        ("unknown-action", 3)
    ]
    assert result.statements == 2


def test_dynamic_condition_and_inline_policy_blocks_are_expanded(tmp_path, catalog):
    write(
        tmp_path,
        """
locals {
  keys = { "ssmmessages:SessionId" = "x" }
}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["ssmmessages:OpenDataChannel"]
    resources = ["*"]
    dynamic "condition" {
      for_each = local.keys
      content {
        test     = "StringEquals"
        variable = condition.key
        values   = [condition.value]
      }
    }
  }
}
resource "aws_iam_role" "r" {
  assume_role_policy = "{}"
  dynamic "inline_policy" {
    for_each = toset(["ssmmessages:OpenControlChanel"])
    content {
      name = "p"
      policy = jsonencode({ Statement = [{
        Effect = "Allow", Action = inline_policy.value, Resource = "*" }] })
    }
  }
}
""",
    )
    result = check_tree(tmp_path, catalog)
    assert {f.name for f in result.findings} == {
        "condition-key-never-present",
        "unknown-action",
    }


def test_count_zero_creates_nothing_and_says_so(tmp_path, catalog):
    write(
        tmp_path,
        """
variable "enabled" {
  default = false
}
data "aws_iam_policy_document" "bastion" {
  count = var.enabled ? 1 : 0
  statement {
    actions   = ["ssmmessages:OpenDataChanel"]
    resources = ["*"]
  }
}
""",
    )
    result = check_tree(tmp_path, catalog)
    assert [(f.name, f.location.line) for f in result.findings] == [("unresolved", 6)]
    assert "creates none" in result.findings[0].message


def test_many_instances_are_checked_up_to_the_budget_and_the_rest_said(
    tmp_path, catalog
):
    write(
        tmp_path,
        """
data "aws_iam_policy_document" "d" {
  count = 300
  statement {
    actions   = [count.index == 69 ? "ssmmessages:OpenDataChanel" : "ssmmessages:*"]
    resources = ["*"]
  }
}
""",
    )
    result = check_tree(tmp_path, catalog)
    assert at(result.findings, "unknown-action") == [("main.tf", 5)]
    notes = [f for f in result.findings if f.name == "unresolved"]
    assert len(notes) == 1 and "first 256" in notes[0].message


def test_module_for_each_makes_keyed_instances(tmp_path, catalog):
    write(
        tmp_path,
        """
variable "actions" {}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = var.actions
    resources = ["*"]
  }
}
""",
        "modules/agent/main.tf",
    )
    write(
        tmp_path,
        """
module "per_env" {
  for_each = {
    dev  = "ssmmessages:OpenDataChannel"
    prod = "ssmmessages:OpenDataChanel"
  }
  source   = "../modules/agent"
  actions  = [each.value]
}
""",
        "live/main.tf",
    )
    result = check_tree(tmp_path, catalog)
    found = [f for f in result.findings if f.name == "unknown-action"]
    assert [(f.location.file, f.location.line, f.address) for f in found] == [
        ("live/main.tf", 5, 'module.per_env["prod"].data.aws_iam_policy_document.d')
    ]
    assert {f.name for f in result.findings} == {"unknown-action"}


def test_variable_types_convert_and_fill_optional_defaults(tmp_path, catalog):
    write(
        tmp_path,
        """
variable "settings" {
  type = object({
    actions = optional(list(string), ["ssmmessages:OpenDataChanel"])
  })
  default = {}
}
variable "copies" {
  type    = number
  default = "2"
}
variable "enabled" {
  type    = bool
  default = "true"
}
data "aws_iam_policy_document" "d" {
  count = var.enabled ? var.copies : 0
  statement {
    actions   = var.settings.actions
    resources = ["*"]
  }
}
""",
    )
    result = check_tree(tmp_path, catalog)
    assert [(f.name, f.location.line) for f in result.findings] == [
        ("unknown-action", 4)
    ]
    addresses = [d.address for d in result.policy_documents]
    assert addresses == [
        "data.aws_iam_policy_document.d[0]",
        "data.aws_iam_policy_document.d[1]",
    ]


@pytest.mark.parametrize(
    "order, effect",
    [
        (["--var-file", "extra.tfvars", "--var", "effect=Deny"], None),
        (["--var", "effect=Deny", "--var-file", "extra.tfvars"], "allow"),
        (['--var=effect="Allow"'], '"Allow"'),
    ],
)
def test_var_and_var_file_in_command_line_order(
    tmp_path, capsys, monkeypatch, order, effect
):
    write(
        tmp_path,
        """
variable "effect" {
  type    = string
  default = "Allow"
}
data "aws_iam_policy_document" "d" {
  statement {
    effect    = var.effect
    actions   = ["ssmmessages:OpenDataChannel"]
    resources = ["*"]
  }
}
""",
    )
    write(tmp_path, 'effect = "allow"\n', "extra.tfvars")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        main([*order, "--format", "json", "."])
    findings = json.loads(capsys.readouterr().out)["findings"]
    messages = [f["message"] for f in findings if f["name"] == "invalid-effect"]
    if effect is None:
        assert messages == []
    else:
        (message,) = messages
        assert message.startswith(f"effect {quoted(effect)} is not valid")


def test_jsondecode_of_a_document_keeps_its_statements(tmp_path, catalog):
    write(
        tmp_path,
        """
data "aws_iam_policy_document" "ssm" {
  statement {
    sid       = "Channels"
    actions   = ["ssmmessages:OpenDataChannel"]
    resources = ["*"]
  }
}
locals {
  extra = [{
    Effect   = "Allow"
    Action   = "ssmmessages:CreateDataChannel"
    Resource = "arn:aws:ssmmessages:eu-west-1:111122223333:control-channel/*"
  }]
}
resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Statement = concat(jsondecode(data.aws_iam_policy_document.ssm.json).Statement,
                       local.extra)
  })
}
""",
    )
    result = check_tree(tmp_path, catalog)
    assert [(f.name, f.location.line) for f in result.findings] == [
        ("resource-not-star", 13)
    ]
    policy = next(d for d in result.policy_documents if d.address == "aws_iam_policy.p")
    assert [s.sid_text for s in policy.statements] == ["Channels", None]


def test_format_with_an_unknown_argument_keeps_its_known_parts(tmp_path, catalog):
    write(
        tmp_path,
        """
data "aws_region" "current" {}
data "aws_iam_policy_document" "d" {
  statement {
    actions = ["ssmmessages:CreateDataChannel"]
    resources = [
      format("arn:aws:ec2:%s:111122223333:instance/*", data.aws_region.current.name),
    ]
  }
}
""",
    )
    result = check_tree(tmp_path, catalog)
    assert sorted((f.name, f.location.line) for f in result.findings) == [
        ("resource-not-star", 6),
        ("unresolved", 7),
    ]


def test_a_typo_in_a_local_is_reported_where_it_is_written(tmp_path, catalog):
    write(
        tmp_path,
        """locals {
  kinds = ["Control", "Data", "Date"]
}
resource "aws_iam_policy" "p" {
  policy = templatefile("${path.module}/p.tpl", { kinds = local.kinds })
}
""",
    )
    write(
        tmp_path,
        """{"Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
%{ for k in kinds ~}
"ssmmessages:Open${k}Channel",
%{ endfor ~}
"ssmmessages:CreateControlChannel"]}]}
""",
        "p.tpl",
    )
    result = check_tree(tmp_path, catalog)
    (finding,) = result.findings
    assert (finding.location.file, finding.location.line) == ("main.tf", 2)
    assert "(assembled at p.tpl:3)" in finding.message
