"""A value tfcheck could not evaluate, said out loud.

tfcheck never guesses. When a statement, or a whole policy, depends on a
value that is not written in the file (`var.x`, `local.y`, a resource
attribute, a function other than `jsonencode`, a merged or dynamic
statement), this note names the expression and where it is. Every known
part of the statement is still checked: `arn:aws:ec2:${var.region}:...` is
still an EC2 ARN. One note is given per statement, naming the first unknown
part and counting the others.

Statements whose actions are all known and name no catalog service get no
note: nothing in them concerns ssmmessages.

Example:

    actions = var.session_actions   # note: not evaluated, not checked
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.actions import touches_catalog
from tfcheck.check.base import Context, rule
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC002",
    "unresolved",
    Severity.NOTE,
    "value could not be evaluated; known parts were still checked",
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    unknowns = statement.unknowns()
    if not unknowns or not touches_catalog(statement, context.catalog):
        return

    first = unknowns[0]
    others = len({u.source for u in unknowns} - {first.source})
    more = f" (and {others} more)" if others else ""
    reason = first.reason or "is not known before apply"
    yield RULE.finding(
        f"statement not fully evaluated: {first.source} {reason}{more}; "
        "its known parts were checked",
        first.location,
        document=context.document,
        statement=statement,
        subject=first.source,
    )
