"""The effective-permission calculation agrees with IAM's rules, checked directly.

Hypothesis generates statements (Allow or Deny; Action or NotAction with
IAM wildcards in any case; Resource or NotResource), and a slow, literal
reading of IAM's evaluation logic decides each ssmmessages action: an
explicit Deny that matches wins, then an Allow that matches, else nothing.
"""

from __future__ import annotations

import fnmatch

from hypothesis import given, settings
from hypothesis import strategies as st

from tfcheck.catalog import load_catalog
from tfcheck.check.effective import Verdict, evaluate
from tfcheck.evaluate.values import from_python
from tfcheck.extract.model import PolicyDocument
from tfcheck.extract.statements import json_statements
from tfcheck.findings import Location

CATALOG = load_catalog()
SERVICE = CATALOG.service("ssmmessages")
HERE = Location("generated.json", 1, 1)

PATTERNS = [
    "*",
    "ssmmessages:*",
    "SSMMessages:Open*",
    "ssmmessages:*Channel",
    "ssmmessages:Create?ontrolChannel",
    "ssmmessages:opendatachannel",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:OpenControlChannel",
    "ssm:*",
    "ssm*:*",
    "ec2messages:*",
    "ssmmessages:Delete*",
]
RESOURCES = ["*", "arn:aws:ec2:*:*:instance/*", "arn:aws:s3:::bucket"]

statement = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "actions": st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=3),
        "negated": st.booleans(),
        "resources": st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2),
        "not_resource": st.booleans(),
    }
)


def as_json(spec: dict) -> dict:
    action_key = "NotAction" if spec["negated"] else "Action"
    resource_key = "NotResource" if spec["not_resource"] else "Resource"
    return {
        "Effect": spec["Effect"],
        action_key: spec["actions"],
        resource_key: spec["resources"],
    }


def iam_matches(pattern: str, action: str) -> bool:
    # IAM: case-insensitive, * any run, ? one character; fnmatch's [] never occur.
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def slow_verdict(specs: list[dict], action: str) -> Verdict:
    def applies(spec: dict) -> bool:
        named = any(iam_matches(p, action) for p in spec["actions"])
        if named == spec["negated"]:
            return False
        star = "*" in spec["resources"]
        return not star if spec["not_resource"] else star

    if any(s["Effect"] == "Deny" and applies(s) for s in specs):
        return Verdict.DENIED
    if any(s["Effect"] == "Allow" and applies(s) for s in specs):
        return Verdict.GRANTED
    return Verdict.MISSING


@settings(max_examples=300, deadline=None)
@given(st.lists(statement, min_size=1, max_size=5))
def test_effective_verdict_matches_iam_rules(specs):
    value = from_python({"Statement": [as_json(s) for s in specs]}, HERE)
    statements = json_statements(value, "generated", [])
    document = PolicyDocument("generated", "json", HERE, tuple(statements))

    for action in SERVICE.actions.values():
        name = f"ssmmessages:{action.name}"
        verdict = evaluate([document], action, SERVICE).verdict
        assert verdict == slow_verdict(specs, name), (specs, name)
