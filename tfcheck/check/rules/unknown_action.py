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

from tfcheck.catalog import Catalog
from tfcheck.check.actions import ActionName, near_miss, suggest, written_actions
from tfcheck.check.base import Context, quoted, rule
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC102",
    "unknown-action",
    Severity.ERROR,
    "action is not defined by its service",
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    catalog = context.catalog
    for written in written_actions(statement):
        if written.has_wildcard:
            continue
        message = _problem(written, catalog)
        if message is None:
            continue
        # Point at the part that is wrong as written, even when a template
        # assembled the action from pieces written in several places.
        where = written.text.location_at(
            len(written.prefix) + 1 + _first_wrong(written, context.catalog)
        )
        if where != written.text.location:
            here = written.text.location
            message += f" (assembled at {here.file}:{here.line})"
        yield RULE.finding(
            message,
            where,
            document=context.document,
            statement=statement,
            action=str(written),
        )


def _problem(written: ActionName, catalog: Catalog) -> str | None:
    stripped = str(written).strip()
    if stripped != str(written):
        # IAM compares the whole string: blanks make it another action.
        return (
            f"unknown action {quoted(str(written))}: it has blanks around it; "
            f"write {quoted(stripped)}"
        )
    service = catalog.service(written.prefix)
    if service is not None:
        if service.action(written.name):
            return None
        guess = suggest(written.name, service.action_names())
        hint = (
            f"; did you mean {quoted(service.prefix + ':' + guess)}?"
            if guess
            else f"; its actions are {', '.join(service.action_names())}"
        )
        return (
            f"unknown action {quoted(str(written))}: "
            f"{service.prefix} defines no such action{hint}"
        )

    # A misspelt prefix is unknown-service-prefix's to report.
    if near_miss(written.prefix, catalog) is not None:
        return None
    for owner in catalog.services.values():
        action = owner.action(written.name)
        if action is not None:
            right = f"{owner.prefix}:{action.name}"
            return (
                f"unknown action {quoted(str(written))}: {action.name} belongs to "
                f"{owner.prefix}; did you mean {quoted(right)}?"
            )
    return None


def _first_wrong(written: ActionName, catalog: Catalog) -> int:
    """Where the name first departs from the action it was meant to be."""
    service = catalog.service(written.prefix)
    if service is None:
        return 0
    guess = suggest(written.name, service.action_names())
    if guess is None:
        return 0
    for index, (a, b) in enumerate(
        zip(written.name.lower(), guess.lower(), strict=False)
    ):
        if a != b:
            return index
    return min(len(written.name), len(guess))
