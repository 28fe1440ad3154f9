"""An action that the catalog service does not define.

IAM accepts a policy with a misspelt action and simply grants less, so the
mistake shows only when a session fails to open. This rule reports:

- a name that is not an action of a catalog service
  (`ssmmessages:OpenDataChanel`), with the closest real name;
- a catalog action written under another prefix
  (`ssm:CreateControlChannel`), with the right prefix.

Names are matched without regard to case, as IAM matches them.

Fail:

    actions = ["ssmmessages:OpenDataChanel", "ssm:CreateControlChannel"]

Pass:

    actions = ["ssmmessages:OpenDataChannel", "ssmmessages:CreateControlChannel"]
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.actions import near_miss, split, suggest
from tfcheck.check.base import Context, quoted, rule
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule("TFC102", "unknown-action", Severity.ERROR,
            "action is not defined by its service", __doc__)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    catalog = context.catalog
    for field in (statement.actions, statement.not_actions):
        if field is None:
            continue
        for item in field.items:
            written = split(item)
            if written is None or written.has_wildcard:
                continue
            service = catalog.service(written.prefix)

            if service is not None:
                if service.action(written.name):
                    continue
                guess = suggest(written.name, service.action_names())
                hint = (f"; did you mean {quoted(service.prefix + ':' + guess)}?"
                        if guess else
                        f"; its actions are {', '.join(service.action_names())}")
                message = (f"unknown action {quoted(str(written))}: "
                           f"{service.prefix} defines no such action{hint}")
            elif near_miss(written.prefix, catalog) is None:
                owner = next((s for s in catalog.services.values()
                              if s.action(written.name)), None)
                if owner is None:
                    continue
                right = f"{owner.prefix}:{owner.action(written.name).name}"
                message = (f"unknown action {quoted(str(written))}: "
                           f"{owner.action(written.name).name} belongs to "
                           f"{owner.prefix}; did you mean {quoted(right)}?")
            else:
                continue

            yield RULE.finding(
                message,
                written.text.location,
                document=context.document,
                statement=statement,
                action=str(written),
            )
