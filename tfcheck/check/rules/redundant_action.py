"""An action listed twice, or covered by a wildcard in the same list, or a
statement that repeats an earlier one.

Harmless to IAM, but it hides intent: a reader sees
`ssmmessages:OpenDataChannel` next to `ssmmessages:*` and may think the
statement was meant to be narrow. Only catalog actions are judged.

Fail:

    actions = ["ssmmessages:*", "ssmmessages:OpenDataChannel"]

Pass:

    actions = ["ssmmessages:*"]

See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.actions import (
    matching_actions,
    split,
    wildcard_match,
    written_actions,
)
from tfcheck.check.base import Context, quoted, rule
from tfcheck.extract.model import PolicyDocument, Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC125",
    "redundant-action",
    Severity.NOTE,
    "action or statement that repeats another",
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    for part in (statement.actions, statement.not_actions):
        if part is None:
            continue
        written = [w for w in map(split, part.items) if w is not None]
        for i, action in enumerate(written):
            service = context.catalog.service(action.prefix)
            if service is None or not matching_actions(action, service):
                continue  # unknown actions are unknown-action's to report
            for other in written[:i] + written[i + 1 :]:
                if other is action or not wildcard_match(str(other), str(action)):
                    continue
                if (
                    str(other).lower() == str(action).lower()
                    and written.index(other) > i
                ):
                    continue  # the first of two equal entries is not the repeat
                yield RULE.finding(
                    f"{quoted(str(action))} is already covered by "
                    f"{quoted(str(other))} in this list; remove it",
                    action.text.location,
                    document=context.document,
                    statement=statement,
                    action=str(action),
                )
                break


def check_document(document: PolicyDocument, context: Context) -> Iterator[Finding]:
    seen: dict[tuple, Statement] = {}
    for statement in document.statements:
        if not list(written_actions(statement)):
            continue
        key = _shape(statement)
        if key in seen:
            first = seen[key].location
            yield RULE.finding(
                f"this statement repeats the one at {first.file}:{first.line}; "
                "remove one of them",
                statement.location,
                document=document,
                statement=statement,
            )
        else:
            seen[key] = statement


def _shape(statement: Statement) -> tuple:
    def texts(part):
        if part is None:
            return None
        return tuple(sorted(t.value.lower() for t in part.texts() if t.known))

    conditions = tuple(
        sorted(
            (repr(c.operator), repr(c.key), texts(c.values))
            for c in statement.conditions
        )
    )
    return (
        repr(statement.effect),
        texts(statement.actions),
        texts(statement.not_actions),
        texts(statement.resources),
        texts(statement.not_resources),
        conditions,
    )
