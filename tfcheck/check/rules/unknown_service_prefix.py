"""An action whose service prefix is a misspelling of a catalog service.

`ssmmessage:OpenDataChannel` names a service that does not exist, so the
statement silently grants nothing for it and Session Manager or ECS Exec
fails when a session opens. Prefixes that are close to a catalog prefix
(`ssmmessage`, `ssm-messages`, `ssmmesages`) are reported with the right
prefix; prefixes of other services are left alone.

Fail:

    actions = ["ssmmessage:OpenDataChannel"]

Pass:

    actions = ["ssmmessages:OpenDataChannel"]
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.actions import near_miss, written_actions
from tfcheck.check.base import Context, quoted, rule
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC101",
    "unknown-service-prefix",
    Severity.ERROR,
    "service prefix is a misspelling of a catalog service",
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    for written in written_actions(statement):
        service = near_miss(written.prefix, context.catalog)
        if service is None:
            continue
        fixed = f"{service.prefix}:{written.name}"
        yield RULE.finding(
            f"unknown service prefix {quoted(written.prefix)} in "
            f"{quoted(str(written))}; did you mean {quoted(fixed)}?",
            written.text.location,
            document=context.document,
            statement=statement,
            action=str(written),
        )
