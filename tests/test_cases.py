"""The shared field cases this repository covers, as tests.

Each case directory under fixtures/cases is a copy of the inputs of the
shared case with the same id; the expectations below are the case's
statement-level ones, mapped to tfcheck's rule names. Role-level findings
(missing actions per role) belong to a later issue and are not asserted.
"""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, at, check_tree

CASES = FIXTURES / "cases"


def names(result) -> set[str]:
    return {f.name for f in result.findings}


def test_c004_foreign_and_invented_arns(catalog):
    result = check_tree(CASES / "C004", catalog)
    errors = [f for f in result.findings if f.name == "resource-not-star"]
    assert [(f.location.line, f.severity.label) for f in errors] == [(42, "error")] * 4
    assert {f.action for f in errors} == {
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    }
    assert all('"control-channel"' in f.message for f in errors)
    # The ARNs hold data-source values: said once, never guessed.
    assert at(result.findings, "unresolved") == [("main.tf", 43)]
    assert names(result) == {
        "resource-not-star",
        "unresolved",
        "session-manager-incomplete",
    }


def test_c005_invented_ecs_task_type_in_jsonencode(catalog):
    result = check_tree(CASES / "C005", catalog)
    errors = [f for f in result.findings if f.name == "resource-not-star"]
    assert {(f.location.line, f.severity.label) for f in errors} == {(39, "error")}
    assert len(errors) == 4
    assert '"ecs-task"' in errors[0].message


def test_c006_session_arn_is_the_documented_exception(catalog):
    result = check_tree(CASES / "C006", catalog)
    # The issue asks for a note; the case asks for "not an error".
    assert [(f.name, f.location.line, f.severity.label) for f in result.findings] == [
        ("resource-not-star", 27, "note")
    ]
    assert result.exit_code(fail_on=_error()) == 0


def test_c007_channel_actions_under_the_ssm_prefix(catalog):
    result = check_tree(CASES / "C007", catalog)
    found = [f for f in result.findings if f.name == "unknown-action"]
    assert [f.location.line for f in found] == [26, 27, 28, 29]
    for finding in found:
        right = finding.action.replace("ssm:", "ssmmessages:")
        assert f'did you mean "{right}"' in finding.message
    assert names(result) == {"unknown-action"}


def test_c008_prefix_typo(catalog):
    result = check_tree(CASES / "C008", catalog)
    found = [f for f in result.findings if f.name == "unknown-service-prefix"]
    assert [f.location.line for f in found] == [23, 24]
    assert all('did you mean "ssmmessages:' in f.message for f in found)
    assert names(result) == {"unknown-service-prefix", "session-manager-incomplete"}


def test_c009_action_name_typos(catalog):
    result = check_tree(CASES / "C009", catalog)
    found = [f for f in result.findings if f.name == "unknown-action"]
    assert [f.location.line for f in found] == [26, 29]
    assert '"ssmmessages:CreateControlChannel"' in found[0].message
    assert '"ssmmessages:OpenDataChannel"' in found[1].message
    assert names(result) == {"unknown-action", "session-manager-incomplete"}


@pytest.mark.parametrize("case", ["C012", "C016", "C044"])
def test_valid_policies_have_no_findings(catalog, case):
    result = check_tree(CASES / case, catalog)
    assert result.findings == []
    assert result.exit_code(fail_on=_error()) == 0


def test_c015_vpc_endpoint_policies(catalog):
    result = check_tree(CASES / "C015", catalog)
    found = [f for f in result.findings if f.name == "unknown-action"]
    assert [f.location.line for f in found] == [20, 21]
    assert all(f.address == "aws_vpc_endpoint.ssm" for f in found)
    # `aws_vpc.main.id` in the conditions is a resource attribute.
    assert {f.location.line for f in result.findings if f.name == "unresolved"} == {
        28,
        57,
    }


def test_c015_unknown_global_condition_key(catalog):
    result = check_tree(CASES / "C015", catalog)
    found = [f for f in result.findings if f.name == "unknown-global-condition-key"]
    assert [(f.location.line, f.severity.label) for f in found] == [
        (28, "warning"),
        (57, "warning"),
    ]
    assert '"aws:SourceVpc" or "aws:Ec2InstanceSourceVpc"' in found[1].message
    assert "never holds" in found[1].message


def test_c017_credential_keys_are_accepted(catalog):
    result = check_tree(CASES / "C017", catalog)
    lines = {f.location.line for f in result.findings}
    assert 30 not in lines and 60 not in lines
    assert not [f for f in result.findings if f.severity.label == "error"]


def test_c017_ssm_source_instance_arn_absent_on_ec2_role(catalog):
    result = check_tree(CASES / "C017", catalog)
    found = [
        f for f in result.findings if f.name == "condition-key-absent-for-principal"
    ]
    assert [(f.location.line, f.severity.label) for f in found] == [(43, "warning")]
    assert "aws_iam_role.node, an EC2 instance-profile role" in found[0].message


def test_c029_single_statement_object_and_scalar_fields(catalog):
    result = check_tree(CASES / "C029", catalog)
    assert at(result.findings, "resource-not-star") == [("main.tf", 30)]
    assert names(result) == {"resource-not-star", "session-manager-incomplete"}


def test_c034_heredoc_marker_with_trailing_blanks(catalog):
    result = check_tree(CASES / "C034", catalog)
    # Parsed as Terraform parses it, and b.tf is still checked.
    assert at(result.findings, "resource-not-star") == [("a.tf", 11), ("a.tf", 11)]
    assert at(result.findings, "unknown-service-prefix") == [("b.tf", 3)]
    assert result.exit_code(fail_on=_error()) == 1


def test_c037_crlf_heredoc_lines_are_not_doubled(catalog):
    result = check_tree(CASES / "C037", catalog)
    assert at(result.findings, "resource-not-star") == [("main.tf", 11)] * 2


def test_c038_policy_variables(catalog):
    result = check_tree(CASES / "C038", catalog)
    assert [(f.location.file, f.location.line, f.name) for f in result.findings] == [
        ("bad.tf", 4, "parse-error")
    ]
    message = result.findings[0].message
    assert "&{aws:username}" in message and "$${aws:username}" in message
    assert "\n" not in message
    assert result.statements == 2  # good.tf was analysed
    assert result.exit_code(fail_on=_error()) == 2


def _error():
    from tfcheck.findings import Severity

    return Severity.ERROR
