"""An Allow with `NotAction` that grants the ssmmessages actions by accident.

`NotAction` in an Allow grants every action of every service except those
listed. Written to exclude a few dangerous actions, it also grants the
Session Manager channel actions (and everything else) on `"*"`, which is
rarely what the author meant.

Fail:

    statement {
      not_actions = ["iam:*"]
      resources   = ["*"]
    }

Pass: list the actions to allow with `actions`.

See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.base import Context, rule
from tfcheck.check.effective import Match, effect_of, statement_match
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC127",
    "not-action-allows-channels",
    Severity.WARNING,
    "Allow with NotAction grants the ssmmessages actions",
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if effect_of(statement) != "Allow" or statement.not_actions is None:
        return
    if statement.actions is not None:
        return
    granted = []
    for service in context.catalog.services.values():
        for action in service.actions.values():
            match, _ = statement_match(statement, action, service)
            if match in (Match.ALWAYS, Match.CONDITIONAL):
                granted.append(f"{service.prefix}:{action.name}")
    if not granted:
        return
    yield RULE.finding(
        f"this Allow with NotAction also grants {', '.join(granted)} (and every "
        "other action not listed); list the actions to allow instead",
        statement.not_actions.location,
        document=context.document,
        statement=statement,
    )
