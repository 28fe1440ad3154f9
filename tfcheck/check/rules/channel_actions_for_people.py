"""Agent-side channel actions granted to IAM users or groups.

`CreateControlChannel`, `CreateDataChannel` and `OpenControlChannel` are
what the SSM agent calls to register an instance's channels. People start
sessions with `ssm:StartSession` and, per AWS's samples, at most
`ssmmessages:OpenDataChannel` on their own sessions. A user or group holding
the agent's actions could impersonate an instance's side of a session.

Fail (an `aws_iam_user_policy` or a policy attached to a group):

    actions = ["ssmmessages:*"]

Pass:

    actions = ["ssm:StartSession"]

See https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-quickstart.html
"""

from __future__ import annotations

import re
from typing import Iterator

from tfcheck.check.actions import catalog_actions
from tfcheck.check.base import Context, rule
from tfcheck.check.effective import effect_of
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC123",
    "channel-actions-for-people",
    Severity.WARNING,
    "agent-side channel actions granted to users or groups",
    __doc__,
)

AGENT_ACTIONS = {"CreateControlChannel", "CreateDataChannel", "OpenControlChannel"}
_PEOPLE = re.compile(r"(^|\.)aws_iam_(user|group)\.")


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if effect_of(statement) != "Allow":
        return
    people = [h for h in context.holders() if _PEOPLE.search(h)]
    if not people:
        return
    agent = [
        g
        for g in catalog_actions(statement.actions, context.catalog)
        if g.action.name in AGENT_ACTIONS
    ]
    if not agent:
        return
    names = ", ".join(f"{g.service.prefix}:{g.action.name}" for g in agent)
    yield RULE.finding(
        f"{people[0]} is given {names}, which only the SSM agent needs; people "
        "need ssm:StartSession (and at most ssmmessages:OpenDataChannel on their "
        "own sessions)",
        agent[0].written.text.location,
        document=context.document,
        statement=statement,
        subject=people[0],
    )
