"""An action wildcard that matches no action of its catalog service.

`ssmmessages:Delete*` is valid IAM syntax but grants (or denies) nothing,
because ssmmessages has no action starting with `Delete`. Wildcards follow
IAM's rules: `*` is any run of characters, `?` one character, and case does
not matter.

Fail:

    actions = ["ssmmessages:Delete*"]

Pass:

    actions = ["ssmmessages:Open*"]
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.actions import matching_actions, written_actions
from tfcheck.check.base import Context, quoted, rule
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC103",
    "wildcard-matches-nothing",
    Severity.WARNING,
    "action wildcard matches no action of its service",
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    for written in written_actions(statement):
        if not written.has_wildcard:
            continue
        service = context.catalog.service(written.prefix)
        if service is None or matching_actions(written, service):
            continue
        names = ", ".join(service.action_names())
        yield RULE.finding(
            f"{quoted(str(written))} matches no action of {service.prefix}, "
            f"so it has no effect; its actions are {names}",
            written.text.location,
            document=context.document,
            statement=statement,
            action=str(written),
        )
