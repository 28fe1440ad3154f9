"""A Deny on ssmmessages actions that can never match.

A Deny meant as a guard rail (only through this VPC endpoint, only from
this instance) denies nothing when its resources cannot match an
ssmmessages request or its condition is on a key that request never
carries. The guard rail silently does not exist. The finding is on the
statement, with the reason for each action.

Fail:

    statement {
      effect    = "Deny"
      actions   = ["ssmmessages:*"]
      resources = ["arn:aws:ec2:*:*:instance/*"]
    }

Pass:

    statement {
      effect    = "Deny"
      actions   = ["ssmmessages:*"]
      resources = ["*"]
      condition {
        test     = "StringNotEquals"
        variable = "aws:SourceVpce"
        values   = ["vpce-0a1b2c3d4e5f67890"]
      }
    }

See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.actions import catalog_actions
from tfcheck.check.base import Context, rule
from tfcheck.check.effective import Match, effect_of, statement_match
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC122",
    "deny-never-matches",
    Severity.WARNING,
    "Deny on ssmmessages actions that can never match",
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if effect_of(statement) != "Deny":
        return
    grants = catalog_actions(statement.actions, context.catalog)
    if not grants:
        return
    reasons = []
    for grant in grants:
        match, reason = statement_match(statement, grant.action, grant.service)
        if match is not Match.NEVER:
            return
        reasons.append(reason)
    names = ", ".join(f"{g.service.prefix}:{g.action.name}" for g in grants)
    yield RULE.finding(
        f"this Deny can never match {names} ({'; '.join(dict.fromkeys(reasons))}), "
        "so it denies nothing; scope it with a condition on a key the request "
        'carries, on Resource "*"',
        statement.location,
        document=context.document,
        statement=statement,
    )
