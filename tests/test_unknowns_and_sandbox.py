"""Unknown values never produce findings of their own; evaluation stays inside.

Each unknown below gives one `unresolved` note and no other finding. Then:
evaluation executes nothing, reads nothing outside the scanned tree, and
follows no link out of it.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import check_tree

DOCUMENT = """
variable "unknown" {{}}

data "aws_iam_policy_document" "d" {{
  statement {{
    actions   = {actions}
    resources = {resources}
    condition {{
      test     = "StringEquals"
      variable = "aws:SourceVpce"
      values   = {values}
    }}
  }}
}}
"""


@pytest.mark.parametrize(
    "actions, resources, values, line",
    [
        (
            '["ssmmessages:OpenDataChannel", var.unknown]',
            '["*"]',
            '["vpce-0a1b2c3d4e5f67890"]',
            6,
        ),
        (
            '["ssmmessages:OpenDataChannel"]',
            "[var.unknown]",
            '["vpce-0a1b2c3d4e5f67890"]',
            7,
        ),
        (
            '["ssmmessages:OpenDataChannel"]',
            '["arn:aws:ssmmessages:${var.unknown}:*"]',
            '["vpce-0a1b2c3d4e5f67890"]',
            7,
        ),
        ('["ssmmessages:OpenDataChannel"]', '["*"]', "[var.unknown]", 11),
    ],
    ids=["action", "resource", "arn-part", "condition-value"],
)
def test_an_unknown_part_gives_one_note_and_nothing_else(
    tmp_path, catalog, actions, resources, values, line
):
    (tmp_path / "main.tf").write_text(
        DOCUMENT.format(actions=actions, resources=resources, values=values)
    )
    result = check_tree(tmp_path, catalog)
    assert [(f.name, f.location.line) for f in result.findings] == [
        ("unresolved", line)
    ]
    assert "var.unknown" in result.findings[0].message
    assert result.fully_evaluated == 0


def test_an_unknown_whole_document_gives_one_note(tmp_path, catalog):
    (tmp_path / "main.tf").write_text("""
resource "aws_iam_policy" "p" {
  policy = aws_s3_bucket.b.policy
}
""")
    result = check_tree(tmp_path, catalog)
    assert [(f.name, f.location.line) for f in result.findings] == [("unresolved", 3)]
    assert "known only after apply" in result.findings[0].message


def test_local_modules_are_evaluated_with_their_inputs(tmp_path, catalog):
    (tmp_path / "modules" / "agent").mkdir(parents=True)
    (tmp_path / "modules" / "agent" / "main.tf").write_text("""
variable "actions" {}
data "aws_iam_policy_document" "agent" {
  statement {
    actions   = var.actions
    resources = ["*"]
  }
}
output "json" {
  value = data.aws_iam_policy_document.agent.json
}
""")
    (tmp_path / "live").mkdir()
    (tmp_path / "live" / "main.tf").write_text("""
module "agent" {
  source  = "../modules/agent"
  actions = ["ssmmessages:OpenDataChanel"]
}
module "vendor" {
  source = "terraform-aws-modules/iam/aws"
}
resource "aws_iam_role_policy" "agent" {
  policy = module.agent.json
}
""")
    result = check_tree(tmp_path, catalog)
    assert [
        (f.name, f.location.file, f.location.line, f.address) for f in result.findings
    ] == [
        (
            "unknown-action",
            "live/main.tf",
            4,
            "module.agent.data.aws_iam_policy_document.agent",
        ),
        ("not-analysed", "live/main.tf", 6, "module.vendor"),
    ]
    agent = result.policy_documents[0]
    assert [c.address for c in agent.consumers] == ["aws_iam_role_policy.agent"]


def test_evaluation_never_executes_anything(tmp_path, catalog, monkeypatch):
    import subprocess

    def forbidden(*args, **kwargs):
        raise AssertionError("tfcheck tried to run a program")

    for name in ("run", "Popen", "call", "check_output"):
        monkeypatch.setattr(subprocess, name, forbidden)
    monkeypatch.setattr(os, "system", forbidden)
    marker = tmp_path / "ran"
    (tmp_path / "main.tf").write_text(f"""
data "external" "x" {{
  program = ["touch", "{marker}"]
}}
resource "null_resource" "y" {{
  provisioner "local-exec" {{
    command = "touch {marker}"
  }}
}}
resource "aws_iam_policy" "p" {{
  policy = data.external.x.result.policy
}}
""")
    result = check_tree(tmp_path, catalog)
    assert not marker.exists()
    assert [f.name for f in result.findings] == ["unresolved"]


def test_files_outside_the_tree_are_not_read(tmp_path, catalog):
    outside = tmp_path / "secret.json"
    outside.write_text('{"Statement": {"Effect": "Allow", "Action": "ssmmessage:*"}}')
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "main.tf").write_text("""
resource "aws_iam_policy" "a" {
  policy = file("../secret.json")
}
resource "aws_iam_policy" "b" {
  policy = templatefile("/etc/hostname", {})
}
""")
    result = check_tree(tree, catalog)
    assert [f.name for f in result.findings] == ["unresolved", "unresolved"]
    assert "outside the scanned tree" in result.findings[0].message
    assert "outside the scanned tree" in result.findings[1].message


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_links_out_of_the_tree_are_not_followed(tmp_path, catalog):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "policy.json").write_text('{"Statement": {"Action": "ssmmessage:*"}}')
    (outside / "evil.tf").write_text('data "aws_iam_policy_document" "x" {}\n')
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "linked.json").symlink_to(outside / "policy.json")
    (tree / "linked_dir").symlink_to(outside, target_is_directory=True)
    (tree / "main.tf").write_text("""
resource "aws_iam_policy" "a" {
  policy = file("linked.json")
}
module "m" {
  source = "./linked_dir"
}
""")
    result = check_tree(tree, catalog)
    names = [(f.name, f.location.line) for f in result.findings]
    assert names == [("unresolved", 3), ("not-analysed", 5)]
    assert "outside the scanned tree" in result.findings[0].message
    assert result.files == 1  # the linked directory was not walked
