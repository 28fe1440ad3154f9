"""The shared field cases of Terraform evaluation (issue 3), as tests."""

from __future__ import annotations

from tests.conftest import FIXTURES, at, check_tree

CASES = FIXTURES / "cases"


def document(result, address):
    found = [d for d in result.policy_documents if d.address == address]
    assert len(found) == 1, [d.address for d in result.policy_documents]
    return found[0]


def actions(statement):
    return [item.value for item in statement.actions.items]


def test_c020_invalid_sid_in_a_policy_iam_reads(catalog):
    result = check_tree(CASES / "C020", catalog)
    assert at(result.findings, "invalid-sid") == [("main.tf", 23), ("main.tf", 34)]
    assert {f.name for f in result.findings} == {"invalid-sid"}
    assert "aws_iam_role_policy.session" in result.findings[0].message


def test_invalid_sid_is_fine_outside_iam(tmp_path, catalog):
    (tmp_path / "main.tf").write_text("""
data "aws_iam_policy_document" "key" {
  statement {
    sid       = "Allow use of the key"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
  }
}
resource "aws_kms_key" "k" {
  policy = data.aws_iam_policy_document.key.json
}
""")
    assert check_tree(tmp_path, catalog).findings == []


def test_c021_duplicate_sid(catalog):
    result = check_tree(CASES / "C021", catalog)
    assert [(f.name, f.location.line) for f in result.findings] == [
        ("role-not-analysed", 1),
        ("duplicate-sid", 29),
    ]
    # The plan fails: the role is not analysed rather than called incomplete.
    assert "used twice" in result.findings[0].message
    assert "main.tf:23" in result.findings[1].message


def test_c023_statement_merged_through_source_policy_documents(catalog):
    result = check_tree(CASES / "C023", catalog)
    found = [f for f in result.findings if f.name == "resource-not-star"]
    # Reported once per action, at the source statement, naming the merge.
    assert [(f.location.line, f.address) for f in found] == [
        (30, "data.aws_iam_policy_document.ssm_part")
    ] * 4
    assert found[0].via == ("data.aws_iam_policy_document.combined",)
    combined = document(result, "data.aws_iam_policy_document.combined")
    assert [s.sid_text for s in combined.statements] == ["SessionChannels", "Logs"]
    assert [c.address for c in combined.consumers] == ["aws_iam_role_policy.node"]
    assert {f.name for f in result.findings} == {
        "resource-not-star",
        "session-manager-incomplete",
    }


def test_override_documents_replace_statements_with_the_same_sid(tmp_path, catalog):
    (tmp_path / "main.tf").write_text("""
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Channels"
    actions   = ["ssmmessages:OpenDataChanel"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "fix" {
  statement {
    sid       = "Channels"
    actions   = ["ssmmessages:OpenDataChannel"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "merged" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [data.aws_iam_policy_document.fix.json]
}
""")
    result = check_tree(tmp_path, catalog)
    merged = document(result, "data.aws_iam_policy_document.merged")
    assert [actions(s) for s in merged.statements] == [["ssmmessages:OpenDataChannel"]]
    # base is still wrong on its own, and said once.
    assert at(result.findings, "unknown-action") == [("main.tf", 5)]


def test_c024_dynamic_statements_over_locals(catalog):
    result = check_tree(CASES / "C024", catalog)
    assert at(result.findings, "unknown-action") == [("main.tf", 26)]
    node = document(result, "data.aws_iam_policy_document.node")
    assert [s.sid_text for s in node.statements] == ["Core", "Session"]
    assert actions(node.statements[1])[3] == "ssmmessages:OpenDataChanel"
    assert {f.name for f in result.findings} == {
        "unknown-action",
        "session-manager-incomplete",
    }


def test_c025_count_and_splat_references_reach_the_same_document(catalog):
    result = check_tree(CASES / "C025", catalog)
    assert result.findings == []
    exec_doc = document(result, "data.aws_iam_policy_document.ecs_ssm_exec[0]")
    assert sorted(c.address for c in exec_doc.consumers) == [
        "aws_iam_role_policy.ecs_ssm_exec[0]",
        "aws_iam_role_policy.ecs_ssm_exec_legacy[0]",
    ]


def test_c026_tfvars_override_the_default(catalog):
    result = check_tree(CASES / "C026", catalog)
    access = document(result, "data.aws_iam_policy_document.access")
    statement = access.statements[0]
    assert actions(statement) == [
        "ssm:UpdateInstanceInformation",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
    ]
    # Each value keeps the line of terraform.tfvars that wrote it.
    assert {i.location.file for i in statement.actions.items} == {"terraform.tfvars"}
    assert statement.actions.items[0].location.line == 4
    (finding,) = result.findings
    assert finding.name == "session-manager-incomplete"
    assert "OpenControlChannel, OpenDataChannel: never granted" in finding.message


def test_var_file_and_var_take_precedence(tmp_path, catalog):
    from tfcheck.discover import discover
    from tfcheck.pipeline import Options, run

    (tmp_path / "main.tf").write_text("""
variable "action" {
  default = "ssmmessages:OpenDataChannel"
}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = [var.action]
    resources = ["*"]
  }
}
""")
    (tmp_path / "terraform.tfvars").write_text('action = "ssmmessages:FromTfvars"\n')
    (tmp_path / "b.auto.tfvars.json").write_text('{"action": "ssmmessages:FromAuto"}')
    (tmp_path / "extra.tfvars").write_text('action = "ssmmessages:FromVarFile"\n')

    def action(**options):
        result = run(
            discover([str(tmp_path)], cwd=tmp_path),
            catalog,
            Options(cwd=tmp_path, roots=[tmp_path], **options),
        )
        statement = result.policy_documents[0].statements[0]
        return actions(statement)[0]

    assert action() == "ssmmessages:FromAuto"
    extra = ("file", str(tmp_path / "extra.tfvars"))
    cli = ("var", "action=ssmmessages:FromCli")
    assert action(variables=[extra]) == "ssmmessages:FromVarFile"
    # As with terraform, the later of -var and -var-file wins.
    assert action(variables=[extra, cli]) == "ssmmessages:FromCli"
    assert action(variables=[cli, extra]) == "ssmmessages:FromVarFile"


def test_c027_reference_across_files_of_a_module(catalog):
    result = check_tree(CASES / "C027", catalog)
    assert {(f.location.file, f.location.line) for f in result.findings} == {
        ("policies.tf", 11),
        ("iam.tf", 1),  # the task role: ECS Exec cannot open channels
    }
    task_exec = document(result, "data.aws_iam_policy_document.task_exec")
    assert [c.address for c in task_exec.consumers] == ["aws_iam_role_policy.task_exec"]


def test_c028_templatefile_is_rendered_and_located_in_the_template(catalog):
    result = check_tree(CASES / "C028", catalog)
    found = [f for f in result.findings if f.name == "resource-not-star"]
    assert {(f.location.file, f.location.line) for f in found} == {
        ("templates/exec-policy.json.tpl", 13)
    }
    assert '"arn:aws:ssmmessages:us-east-1:111122223333:ecs-task/*"' in found[0].message
    logs = document(result, "aws_iam_role_policy.session_logs")
    assert logs.statements[0].location.file == "policies/session-logs.json"
    assert {f.name for f in result.findings} == {
        "resource-not-star",
        "session-manager-incomplete",
    }


def test_c030_terraform_json_syntax(catalog):
    result = check_tree(CASES / "C030", catalog)
    assert {(f.location.file, f.location.line) for f in result.findings} == {
        ("exec.tf.json", 14)
    }
    exec_doc = document(result, "data.aws_iam_policy_document.exec")
    assert [c.address for c in exec_doc.consumers] == ["aws_iam_role_policy.exec"]
    assert exec_doc.statements[0].actions.items[0].location.line == 9


def test_c031_bool_condition_values_and_colon_objects(catalog):
    result = check_tree(CASES / "C031", catalog)
    assert result.findings == []
    session = document(result, "data.aws_iam_policy_document.session")
    values = session.statements[0].conditions[0].values.items
    assert [v.value for v in values] == ["true"]
    core = document(result, "aws_iam_policy.core")
    assert len(actions(core.statements[0])) == 5


def test_c039_conditional_merge_and_template_directives(catalog):
    result = check_tree(CASES / "C039", catalog)
    assert result.findings == []
    node = document(result, "data.aws_iam_policy_document.node")
    assert [s.sid_text for s in node.statements] == ["Channels"]
    extra = document(result, "aws_iam_role_policy.exec_extra")
    assert [s.sid_text for s in extra.statements] == ["Register"]


def test_c040_provider_function_is_unresolved_and_for_each_is_followed(catalog):
    result = check_tree(CASES / "C040", catalog)
    assert [(f.name, f.location.line, f.severity.label) for f in result.findings] == [
        ("unresolved", 34, "note")
    ]
    assert "provider function" in result.findings[0].message
    session = document(result, "data.aws_iam_policy_document.session")
    assert [c.address for c in session.consumers] == [
        'aws_iam_role_policy.inline["session"]'
    ]


def test_c042_large_heredoc_error_at_its_exact_line(catalog):
    result = check_tree(CASES / "C042", catalog)
    assert at(result.findings, "resource-not-star") == [("main.tf", 1116)] * 4
    assert result.statements == 182


def test_c043_empty_heredoc_and_marker_text_inside_the_body(catalog):
    result = check_tree(CASES / "C043", catalog)
    assert [(f.name, f.location.line) for f in result.findings] == [
        ("policy-not-json", 4)
    ]
    session = document(result, "aws_iam_role_policy.session")
    assert session.statements[0].sid_text == "EOTChannels"
