"""A statement whose action list is empty.

`actions = []` (or `"Action": []`) grants or denies nothing, often because
a variable or `compact()` emptied it. IAM rejects a JSON statement with an
empty `Action`; the AWS provider renders one that does nothing.

Fail:

    actions = []

Pass:

    actions = ["ssmmessages:OpenDataChannel"]

See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.base import Context, rule
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC126",
    "empty-action-list",
    Severity.WARNING,
    "statement with an empty action list",
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    for name, part in (
        ("actions", statement.actions),
        ("not_actions", statement.not_actions),
    ):
        if part is not None and not part.items:
            yield RULE.finding(
                f"{name} is empty, so this statement applies to no action; list "
                "the actions it is meant for, or remove it",
                part.location,
                document=context.document,
                statement=statement,
            )
