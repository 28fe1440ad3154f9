"""An operator's `OpenDataChannel` on sessions that are not their own.

AWS's samples let a person or CI role open data channels only for their own
Session Manager sessions, with a session ARN built from the caller's id:
`arn:aws:ssm:*:*:session/${aws:userid}-*` (written `&{aws:userid}` in
`aws_iam_policy_document`). `session/*` lets the holder attach to anyone's
session. Applies to users, groups and roles that are not agent-side and
can be assumed by someone other than an AWS service.

Fail:

    actions   = ["ssmmessages:OpenDataChannel"]
    resources = ["arn:aws:ssm:*:*:session/*"]

Pass:

    actions   = ["ssmmessages:OpenDataChannel"]
    resources = ["arn:aws:ssm:*:*:session/&{aws:userid}-*"]

See https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-quickstart.html
"""

from __future__ import annotations

import re
from typing import Iterator

from tfcheck.check.actions import catalog_actions
from tfcheck.check.base import Context, quoted, rule
from tfcheck.check.effective import effect_of
from tfcheck.check.roles import AGENT_JOBS
from tfcheck.evaluate.values import Text
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC124",
    "open-data-channel-unscoped",
    Severity.WARNING,
    "operator OpenDataChannel on sessions not scoped to the caller",
    __doc__,
)

_SESSION = re.compile(r"^arn:[^:]*:ssm:[^:]*:[^:]*:session/", re.I)
_CALLER = re.compile(r"\$\{aws:(userid|username)\}", re.I)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if effect_of(statement) != "Allow" or statement.resources is None:
        return
    if not any(
        g.action.name == "OpenDataChannel"
        for g in catalog_actions(statement.actions, context.catalog)
    ):
        return
    operators = [h for h in context.holders() if _operator(h, context)]
    if not operators:
        return
    for item in statement.resources.items:
        if not (isinstance(item, Text) and item.known):
            continue
        if _SESSION.match(item.value) and not _CALLER.search(item.value):
            yield RULE.finding(
                f"{operators[0]} may open data channels of any session matching "
                f"{quoted(item.value)}; scope it to the caller with "
                "session/${aws:userid}-* (&{aws:userid} in aws_iam_policy_document)",
                item.location,
                document=context.document,
                statement=statement,
                subject=item.value,
            )


def _operator(holder: str, context: Context) -> bool:
    if re.search(r"(^|\.)aws_iam_(user|group)\.", holder):
        return True
    jobs = context.principals.get(holder, set())
    return not (jobs & set(AGENT_JOBS)) and "service-trust" not in jobs
