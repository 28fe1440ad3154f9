"""Literal evaluation: strings, heredocs, templates, jsonencode, JSON positions."""

from __future__ import annotations

from tests.conftest import check_tree, triples

POLICY = """resource "aws_iam_policy" "p" {{
  name   = "p"
  policy = {policy}
}}
"""


def findings_for(tmp_path, catalog, policy: str):
    (tmp_path / "main.tf").write_text(POLICY.format(policy=policy))
    return check_tree(tmp_path, catalog).findings


def test_indented_heredoc_keeps_source_columns(tmp_path, catalog):
    found = findings_for(
        tmp_path,
        catalog,
        """<<-EOT
    {
      "Statement": [{"Effect": "Allow",
        "Action": ["ssmmessages:Open*", "ssmmessages:OpenDataChanel"],
        "Resource": "*"}]
    }
  EOT""",
    )
    assert triples(found) == [("unknown-action", 6, 41)]


def test_quoted_json_string_with_escapes_is_located(tmp_path, catalog):
    found = findings_for(
        tmp_path,
        catalog,
        r'"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ssmmessage:*\",'
        r'\"Resource\":\"*\"}}"',
    )
    assert triples(found) == [("unknown-service-prefix", 3, 61)]


def test_template_holes_inside_json_strings_keep_the_known_parts(tmp_path, catalog):
    found = findings_for(
        tmp_path,
        catalog,
        """<<EOT
{"Statement": [{"Effect": "Allow",
  "Action": "ssmmessages:OpenDataChannel",
  "Resource": "arn:aws:ec2:${var.region}:111122223333:instance/*"}]}
EOT""",
    )
    assert triples(found) == [
        ("resource-not-star", 6, 3),
        ("unresolved", 6, 30),
    ]
    assert "var.region" in found[1].message


def test_a_hole_where_json_structure_belongs_is_unresolved_not_bad_json(
    tmp_path, catalog
):
    found = findings_for(
        tmp_path,
        catalog,
        """<<EOT
{"Statement": [{"Effect": "Allow", "Action": ${jsonencode(var.actions)},
  "Resource": "*"}]}
EOT""",
    )
    assert [(f.name, f.location.line) for f in found] == [("unresolved", 4)]
    assert "jsonencode(var.actions)" in found[0].message


def test_escaped_interpolation_is_literal_text(tmp_path, catalog):
    found = findings_for(
        tmp_path,
        catalog,
        """jsonencode({
    Statement = [{
      Effect   = "Allow"
      Action   = "ssmmessages:OpenDataChannel"
      Resource = "arn:aws:ssm:*:*:session/$${aws:userid}-*"
    }]
  })""",
    )
    assert [(f.name, f.severity.label) for f in found] == [
        ("resource-not-star", "note")
    ]
    assert "session/${aws:userid}-*" in found[0].message


def test_template_directive_over_an_unknown_is_reported_not_guessed(tmp_path, catalog):
    found = findings_for(
        tmp_path,
        catalog,
        """<<EOT
{"Statement": [%{ for a in var.actions }{"Effect": "Allow", "Action": "${a}",
  "Resource": "*"}%{ endfor }]}
EOT""",
    )
    assert [(f.name, f.location.line) for f in found] == [("unresolved", 4)]
    assert "var.actions, which has no default" in found[0].message


def test_jsonencode_object_with_expression_keys_and_values(tmp_path, catalog):
    found = findings_for(
        tmp_path,
        catalog,
        """jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = ["ssmmessages:OpenDataChannel"]
      Resource  = "*"
      Condition = { StringEquals = { (var.key) = "x" } }
    }]
  })""",
    )
    assert [(f.name, f.location.line) for f in found] == [("unresolved", 8)]


def test_inline_policy_of_a_role_and_a_non_literal_policy(tmp_path, catalog):
    (tmp_path / "main.tf").write_text("""resource "aws_iam_role" "r" {
  name = "r"
  inline_policy {
    name   = "channels"
    policy = jsonencode({ Statement = [{ Effect = "Allow",
      Action = "ssmmessages:OpenControlChanel", Resource = "*" }] })
  }
  inline_policy {
    name   = "other"
    policy = var.policy
  }
}
""")
    result = check_tree(tmp_path, catalog)
    assert [(f.name, f.location.line, f.address) for f in result.findings] == [
        ("unknown-action", 6, "aws_iam_role.r"),
        ("unresolved", 10, "aws_iam_role.r"),
    ]


def test_unknown_merges_and_dynamic_statements_are_reported_as_not_checked(
    tmp_path, catalog
):
    (tmp_path / "main.tf").write_text("""data "aws_iam_policy_document" "d" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]

  dynamic "statement" {
    for_each = var.statements
    content {
      actions   = statement.value.actions
      resources = ["*"]
    }
  }
}
""")
    result = check_tree(tmp_path, catalog)
    assert [(f.name, f.location.line) for f in result.findings] == [
        ("unresolved", 2),
        ("unresolved", 5),
    ]
    assert "base.json, which is not a policy document defined" in (
        result.findings[0].message
    )
