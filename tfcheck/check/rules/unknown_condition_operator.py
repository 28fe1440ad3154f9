"""A condition operator IAM does not have.

IAM rejects a policy whose `Condition` uses an operator it does not know
(`StringEqual`, `ArnMatch`, `ForAnyValues:StringLike`), so `terraform apply`
fails. The nearest valid operator is suggested. Every operator of IAM is
known, with its `...IfExists` form and the `ForAnyValue:` and
`ForAllValues:` qualifiers.

Fail:

    test = "StringEqual"

Pass:

    test = "StringEquals"

See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.catalog.conditions import nearest_operator
from tfcheck.check.actions import catalog_actions
from tfcheck.check.base import Context, quoted, rule
from tfcheck.check.conditions import views
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC111",
    "unknown-condition-operator",
    Severity.ERROR,
    "condition operator IAM does not have",
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if not catalog_actions(statement.actions, context.catalog):
        return
    for view in views(statement, context.catalog):
        if view.operator_text is None or view.operator is not None:
            continue
        guess = nearest_operator(view.operator_text)
        hint = f"; did you mean {quoted(guess)}?" if guess else ""
        yield RULE.finding(
            f"{quoted(view.operator_text)} is not an IAM condition operator, so IAM "
            f"rejects the policy{hint}",
            view.condition.operator.location,
            document=context.document,
            statement=statement,
            subject=view.operator_text,
        )
