"""`ForAnyValue:` or `ForAllValues:` on a key that holds one value.

The set qualifiers are for multivalued keys such as `aws:TagKeys` or
`aws:PrincipalOrgPaths`. On a single-valued key `ForAnyValue:` behaves like
the plain operator, and `ForAllValues:` also holds when the key is absent,
which quietly turns a restriction into nothing.

Fail:

    test     = "ForAllValues:StringEquals"
    variable = "aws:SourceVpc"

Pass:

    test     = "StringEquals"
    variable = "aws:SourceVpc"

See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.actions import catalog_actions
from tfcheck.check.base import Context, quoted, rule
from tfcheck.check.conditions import views
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC115",
    "set-operator-on-single-value",
    Severity.WARNING,
    "ForAnyValue/ForAllValues on a single-valued key",
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if not catalog_actions(statement.actions, context.catalog):
        return
    for view in views(statement, context.catalog):
        operator, key = view.operator, view.key
        if operator is None or key is None or not operator.qualifier:
            continue
        if key.multivalued:
            continue
        extra = (
            " and holds when the key is absent"
            if operator.qualifier == "ForAllValues"
            else ""
        )
        yield RULE.finding(
            f"{quoted(view.key_text)} holds a single value, so "
            f"{operator.qualifier}: only hides what the condition does{extra}; "
            f"write {quoted(view.operator_text.split(':', 1)[1])}",
            view.condition.operator.location,
            document=context.document,
            statement=statement,
            subject=f"{operator.text}|{view.key_text}",
        )
