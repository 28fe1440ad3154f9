"""Each rule on its failing and passing fixture, compared as (rule, line, column).

The fixtures are under fixtures/rules/<rule name>/. Message texts are asserted
once per rule, in test_messages.
"""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, check_tree, triples

RULES = FIXTURES / "rules"

EXPECTED_FAILURES = {
    "unknown-service-prefix": [(4, 7), (5, 7), (6, 7), (18, 20)],
    "unknown-action": [(4, 7), (5, 7), (6, 7), (7, 7), (21, 19), (30, 18)],
    "wildcard-matches-nothing": [(3, 18), (3, 41)],
    "resource-not-star": [
        (7, 5),
        (15, 5),
        (20, 18),
        (25, 18),
        (31, 124),
        (40, 7),
        (51, 7),
    ],
    "condition-key-never-present": [(8, 18), (14, 18)]
    + [(28, 18)] * 4
    + [(39, 18), (52, 18), (58, 18)],
    "invalid-effect": [(3, 17), (15, 18), (26, 18)],
    "policy-not-json": [(4, 12), (15, 68)],
    "unresolved": [(7, 17), (12, 49), (19, 12)],
    "parse-error": [(3, 18)],
    "unknown-global-condition-key": [(7, 18), (18, 18)],
    "unknown-condition-operator": [(6, 18), (11, 18)],
    "condition-type-mismatch": [(6, 18), (11, 18)],
    "malformed-condition-value": [
        (8, 19),
        (13, 19),
        (18, 19),
        (23, 19),
        (34, 19),
        (39, 19),
        (44, 19),
    ],
    "source-ip-private-range": [(8, 37)],
    "set-operator-on-single-value": [(6, 18)],
    "vpc-source-ip-alone": [(7, 18)],
    "unknown-policy-variable": [(4, 18)],
    "condition-key-absent-for-principal": [(18, 18)],
    "empty-file": [(1, 1)],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_failing_fixture(catalog, name):
    result = check_tree(RULES / name / "fail.tf", catalog)
    found = [t for t in triples(result.findings) if t[0] == name]
    assert found == [(name, line, col) for line, col in EXPECTED_FAILURES[name]]


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_passing_fixture(catalog, name):
    result = check_tree(RULES / name / "pass.tf", catalog)
    assert [t for t in triples(result.findings) if t[0] == name] == []
    assert result.exit_code(fail_on=None) == 0


def test_passing_fixtures_are_silent_apart_from_notes(catalog):
    for name in EXPECTED_FAILURES:
        result = check_tree(RULES / name / "pass.tf", catalog)
        loud = [f for f in result.findings if f.severity.label != "note"]
        assert loud == [], name


def _messages(catalog, name):
    result = check_tree(RULES / name / "fail.tf", catalog)
    return [(f.severity.label, f.message) for f in result.findings if f.name == name]


def test_messages(catalog):
    assert _messages(catalog, "unknown-service-prefix")[0] == (
        "error",
        'unknown service prefix "ssmmessage" in "ssmmessage:OpenDataChannel"; '
        'did you mean "ssmmessages:OpenDataChannel"?',
    )
    assert _messages(catalog, "unknown-action")[:3] == [
        (
            "error",
            'unknown action "ssmmessages:OpenDataChanel": ssmmessages defines '
            'no such action; did you mean "ssmmessages:OpenDataChannel"?',
        ),
        (
            "error",
            'unknown action "ssmmessages:CreateControlChannels": ssmmessages '
            "defines no such action; did you mean "
            '"ssmmessages:CreateControlChannel"?',
        ),
        (
            "error",
            'unknown action "ssm:CreateDataChannel": CreateDataChannel belongs '
            'to ssmmessages; did you mean "ssmmessages:CreateDataChannel"?',
        ),
    ]
    assert _messages(catalog, "wildcard-matches-nothing")[0] == (
        "warning",
        '"ssmmessages:Delete*" matches no action of ssmmessages, so it has no '
        "effect; its actions are CreateControlChannel, CreateDataChannel, "
        "OpenControlChannel, OpenDataChannel",
    )
    resource = _messages(catalog, "resource-not-star")
    assert resource[0] == (
        "error",
        "ssmmessages:OpenDataChannel can match none of these resources, so this "
        'statement grants nothing for it: "arn:aws:ec2:us-east-1:111122223333:'
        'instance/*" is an ARN of ec2, not of ssmmessages; ssmmessages has no '
        'resource types, use "*"',
    )
    assert resource[1] == (
        "error",
        "resources is empty, so this statement denies nothing for "
        'ssmmessages:CreateControlChannel; use resources = ["*"]',
    )
    assert [severity for severity, _ in resource[2:4]] == ["warning", "note"]
    only = (
        "(not a key of this action; only ec2:SourceInstanceARN, "
        "ssm:SourceInstanceARN and aws: keys apply)"
    )
    conditions = _messages(catalog, "condition-key-never-present")
    assert conditions[:3] == [
        (
            "error",
            'condition key "ssmmessages:SessionId" is never present for '
            f"ssmmessages:OpenDataChannel {only}, so the condition never holds "
            "and this statement grants nothing for it",
        ),
        (
            "warning",
            'condition key "ssm:resourceTag/Team" is never present for '
            f"ssmmessages:OpenDataChannel {only}, so the StringEqualsIfExists "
            "condition always holds and has no effect on it",
        ),
        (
            "error",
            'condition key "ssm:resourceTag/Env" is never present for '
            f"ssmmessages:CreateControlChannel {only}, so the StringNotLike "
            "condition always holds and this statement denies it on every call",
        ),
    ]
    assert conditions[-2] == (
        "error",
        'condition key "aws:ResourceTag/Team" is never present for '
        "ssmmessages:OpenDataChannel (ssmmessages defines no resource types, so no "
        "request has a resource to read tags or an account from), so the condition "
        "never holds and this statement grants nothing for it",
    )
    assert "aws:SourceArn" in conditions[-1][1]
    assert "calls ssmmessages on a principal's behalf" in conditions[-1][1]
    assert conditions[-3][0] == "warning"
    assert "ForAllValues:StringEquals condition always holds" in conditions[-3][1]
    assert _messages(catalog, "invalid-effect")[0] == (
        "error",
        'effect "allow" is not valid: write "Allow", with that case',
    )
    assert _messages(catalog, "policy-not-json") == [
        ("error", "the policy is empty, not a JSON document"),
        ("error", "the policy is not valid JSON: unexpected '}'"),
    ]
    assert _messages(catalog, "unresolved")[0] == (
        "note",
        "statement not fully evaluated: var.actions has no default and no value "
        "from tfvars, --var or --var-file; its known parts were checked",
    )
    assert _messages(catalog, "parse-error") == [
        (
            "error",
            "cannot parse Terraform: unexpected ':'; an IAM policy variable "
            "must be written &{aws:username} in aws_iam_policy_document or "
            "$${aws:username} in other strings",
        ),
    ]
    assert _messages(catalog, "empty-file") == [
        ("note", "file is empty; nothing to check")
    ]


def test_known_parts_of_a_partly_unknown_arn_are_still_checked(catalog):
    result = check_tree(RULES / "unresolved" / "fail.tf", catalog)
    assert ("resource-not-star", 13, 5) in triples(result.findings)
