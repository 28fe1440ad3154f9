"""A condition operator of the wrong type for its key.

Each condition key has a type, and each operator compares one type. An
`IpAddress` test on a string key, or `Bool` on a date, never matches as
written: an error. A string operator on an ARN key does compare, but only as
plain text, so a warning suggests the ARN operator meant (`ArnEquals`,
`ArnLike`). `Null` works with any key.

Fail:

    test     = "StringEquals"
    variable = "ec2:SourceInstanceARN"

Pass:

    test     = "ArnEquals"
    variable = "ec2:SourceInstanceARN"

See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.catalog.conditions import SUGGESTED_OPERATOR, type_verdict
from tfcheck.check.actions import catalog_actions
from tfcheck.check.base import Context, quoted, rule
from tfcheck.check.conditions import views
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC112",
    "condition-type-mismatch",
    Severity.ERROR,
    "condition operator does not compare the key's type",
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if not catalog_actions(statement.actions, context.catalog):
        return
    for view in views(statement, context.catalog):
        if view.operator is None or view.key is None:
            continue
        key_type = view.key.type.removeprefix("ArrayOf")
        verdict = type_verdict(view.operator.family, key_type)
        if verdict == "ok":
            continue
        use = SUGGESTED_OPERATOR.get(key_type, "an operator of its type")
        yield RULE.finding(
            f"{quoted(view.operator.text)} compares {view.operator.family} values "
            f"but {quoted(view.key_text)} is of type {key_type}; use {use}",
            view.condition.operator.location,
            document=context.document,
            statement=statement,
            subject=f"{view.operator.text}|{view.key_text}",
            severity=Severity.WARNING if verdict == "warning" else None,
        )
