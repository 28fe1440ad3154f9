"""IAM's condition semantics: the key catalog, operators, and the rules on them."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from tests.conftest import FIXTURES, at, check_tree
from tfcheck.catalog.conditions import (
    OPERATORS,
    condition_catalog,
    nearest_operator,
    parse_operator,
    type_verdict,
)

CASES = FIXTURES / "cases"
RULES = FIXTURES / "rules"
KEY_TYPES = ("String", "ARN", "Bool", "Date", "Numeric", "IPAddress", "Binary")

# The verdict of every operator family on every key type.
EXPECTED = {
    "String": {"String": "ok", "ARN": "warning"},
    "Numeric": {"Numeric": "ok", "Date": "ok"},
    "Date": {"Date": "ok"},
    "Bool": {"Bool": "ok"},
    "Binary": {"Binary": "ok"},
    "IPAddress": {"IPAddress": "ok"},
    "ARN": {"ARN": "ok"},
    "Null": dict.fromkeys(KEY_TYPES, "ok"),
}


@pytest.mark.parametrize("operator", sorted(OPERATORS))
@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_every_operator_on_every_key_type(operator, key_type):
    for form in (operator, f"{operator}IfExists", f"ForAnyValue:{operator}"):
        parsed = parse_operator(form)
        if operator == "Null" and form != operator:
            assert parsed is None or form.startswith("ForAnyValue")
            continue
        assert parsed is not None, form
        expected = EXPECTED[parsed.family].get(key_type, "error")
        assert type_verdict(parsed.family, key_type) == expected, (form, key_type)


def test_operator_forms_and_suggestions():
    parsed = parse_operator("forallvalues:stringnotequalsifexists")
    assert parsed.text == "ForAllValues:StringNotEqualsIfExists"
    assert parsed.negated and parsed.if_exists
    assert parse_operator("NullIfExists") is None
    assert parse_operator("StringEqual") is None
    assert nearest_operator("StringEqual") == "StringEquals"
    assert nearest_operator("ArnLikes") == "ArnLike"


@pytest.mark.parametrize(
    "operator, values, holds",
    [
        ("StringEquals", [], False),
        ("StringNotEquals", [], True),
        ("StringEqualsIfExists", [], True),
        ("ForAllValues:StringEquals", [], True),
        ("ForAnyValue:StringEquals", [], False),
        ("Null", ["true"], True),
        ("Null", ["false"], False),
        ("ArnNotLike", [], True),
    ],
)
def test_what_an_operator_does_when_the_key_is_absent(operator, values, holds):
    assert parse_operator(operator).holds_when_absent(values) is holds


def test_every_key_has_a_type_a_presence_rule_and_a_source():
    catalog = condition_catalog()
    data = json.loads(
        (resources.files("tfcheck") / "catalog" / "conditions.json").read_text()
    )
    assert len(catalog.keys) == len(data["keys"]) >= 45
    for key in catalog.keys:
        assert key.type in KEY_TYPES, key
        assert key.present in catalog.presence, key
        assert key.source.startswith("https://"), key
    for presence, description in catalog.presence.items():
        assert description, presence


def test_key_lookup_ignores_case_and_reads_tag_patterns():
    catalog = condition_catalog()
    assert catalog.key("AWS:EC2INSTANCESOURCEVPC").name == "aws:Ec2InstanceSourceVpc"
    assert catalog.key("aws:ResourceTag/Team").present == "resource"
    assert catalog.key("aws:PrincipalTag/team").present == "principal"
    assert catalog.key("aws:ResourceTag/") is None
    assert catalog.key("aws:PrincipalVpc") is None
    assert catalog.suggestions("aws:PrincipalVpc") == (
        "aws:SourceVpc",
        "aws:Ec2InstanceSourceVpc",
    )


def test_c014_tag_conditions_on_ssmmessages(catalog):
    result = check_tree(CASES / "C014", catalog)
    found = [f for f in result.findings if f.name == "condition-key-never-present"]
    assert sorted({(f.location.line, f.severity.label) for f in found}) == [
        (34, "error"),
        (48, "error"),
        (54, "error"),
    ]
    assert {f.name for f in result.findings} == {
        "condition-key-never-present",
        "session-manager-incomplete",
    }


def test_c016_valid_perimeter_has_no_findings(catalog):
    assert check_tree(CASES / "C016", catalog).findings == []


def test_statements_without_ssmmessages_get_only_key_and_value_findings(
    tmp_path, catalog
):
    (tmp_path / "main.tf").write_text("""
data "aws_iam_policy_document" "s3" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::bucket/*"]
    condition {
      test     = "StringEqual"
      variable = "aws:ResourceTag/team"
      values   = ["ops"]
    }
    condition {
      test     = "ForAllValues:IpAddress"
      variable = "aws:SourceIp"
      values   = ["10.0.0.0/8", "not-an-ip"]
    }
    condition {
      test     = "IpAddress"
      variable = "aws:VpcSourceIp"
      values   = ["10.0.0.0/8"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalVpc"
      values   = ["vpc-0123456789abcdef0"]
    }
    condition {
      test     = "ArnLike"
      variable = "ssm:SourceInstanceARN"
      values   = ["arn:aws:ssm:*:*:managed-instance/*"]
    }
  }
}
""")
    result = check_tree(tmp_path, catalog)
    assert sorted({f.name for f in result.findings}) == [
        "malformed-condition-value",
        "unknown-global-condition-key",
    ]


def test_condition_rule_messages(catalog):
    def messages(name):
        result = check_tree(RULES / name / "fail.tf", catalog)
        return [f.message for f in result.findings if f.name == name]

    assert messages("unknown-global-condition-key")[0] == (
        '"aws:PrincipalVpc" is not an AWS global condition key, so no request '
        "carries it and the condition never holds and this statement grants "
        'nothing for it; use "aws:SourceVpc" or "aws:Ec2InstanceSourceVpc"'
    )
    assert messages("unknown-condition-operator")[0] == (
        '"StringEqual" is not an IAM condition operator, so IAM rejects the '
        'policy; did you mean "StringEquals"?'
    )
    assert messages("condition-type-mismatch") == [
        '"IpAddress" compares IPAddress values but "aws:SourceVpc" is of type '
        "String; use StringEquals or StringLike",
        '"StringEquals" compares String values but "ec2:SourceInstanceARN" is of '
        "type ARN; use ArnEquals or ArnLike",
    ]
    assert messages("malformed-condition-value")[:2] == [
        '"10.0.0.0/33" is not an IP address or CIDR block; write one like 10.0.0.0/16',
        '"vpc-123" is not a vpc- id; aws:SourceVpc holds ids like '
        "vpc-0123456789abcdef0",
    ]
    assert messages("malformed-condition-value")[4] == (
        '"us-esat-1" is not a region of any AWS partition; write one like us-east-1'
    )
    assert messages("source-ip-private-range") == [
        '"10.20.0.0/16" is a private range, but aws:SourceIp is never private for '
        "ssmmessages (requests from a VPC come through an endpoint and carry no "
        "aws:SourceIp); use aws:VpcSourceIp with aws:SourceVpc"
    ]
    assert messages("set-operator-on-single-value") == [
        '"aws:SourceVpc" holds a single value, so ForAllValues: only hides what '
        "the condition does and holds when the key is absent; write "
        '"StringEquals"'
    ]
    assert messages("vpc-source-ip-alone") == [
        "aws:VpcSourceIp alone admits any VPC that uses the same private range; "
        "add an aws:SourceVpc or aws:SourceVpce condition to this statement"
    ]
    assert messages("unknown-policy-variable") == [
        'policy variable "${aws:user-name}" names no aws: key, so '
        '"arn:aws:ssm:*:111122223333:session/${aws:user-name}-*" never matches; '
        'did you mean "${aws:username}"?'
    ]
    assert messages("condition-key-absent-for-principal") == [
        '"aws:Ec2InstanceSourceVpc" is never sent by aws_iam_role.task, an ECS '
        "task role (the key is present only for requests signed with EC2 "
        "instance-role credentials), so the condition never holds and this "
        "statement grants nothing"
    ]


def test_attachments_reach_the_role(catalog):
    result = check_tree(RULES / "condition-key-absent-for-principal" / "pass.tf")
    channels = next(
        d for d in result.policy_documents if d.address == "aws_iam_policy.channels"
    )
    assert [(c.address, c.context, c.principal) for c in channels.consumers] == [
        ("aws_iam_policy.channels", "identity", ""),
        ("aws_iam_role_policy_attachment.channels", "identity", "aws_iam_role.node"),
    ]
    assert at(result.findings, "condition-key-absent-for-principal") == []
