"""A condition key that no request for the action ever carries.

A condition on a key that is absent from the request never holds: an Allow
grants nothing and a Deny denies nothing. With an operator that holds when
the key is absent (`...IfExists`, a negated operator such as
`StringNotEquals`, `ForAllValues:`, `Null` with `true`) the condition always
holds instead, and a Deny then denies every call. The finding says which.

For each ssmmessages action of a statement, a key is reported when:

- it is a service key (not `aws:`) that the catalog does not list for the
  action (`ssmmessages:SessionId`, `ssm:resourceTag/...`, `ec2:ResourceTag/...`),
  unless it comes with the caller's credentials whatever the action
  (`ec2:SourceInstanceARN`, and `ssm:SourceInstanceARN` for hybrid managed
  instances);
- it is a global key that ssmmessages requests never carry: resource tags
  and other resource keys (ssmmessages has no resource types), request tags
  and `aws:TagKeys` (no action takes tags), and the keys set when a service
  calls on a principal's behalf (`aws:SourceArn`, `aws:CalledVia`).

Key names are matched without regard to case.

Fail:

    actions = ["ssmmessages:OpenDataChannel"]
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Team"
      values   = ["ops"]
    }

Pass:

    actions = ["ssmmessages:CreateControlChannel"]
    condition {
      test     = "ArnEquals"
      variable = "ec2:SourceInstanceARN"
      values   = ["arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0"]
    }

See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.actions import catalog_actions
from tfcheck.check.base import Context, quoted, rule
from tfcheck.check.conditions import absent_effect, absent_reason, views
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC105",
    "condition-key-never-present",
    Severity.ERROR,
    "condition key is never present for the action",
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    grants = catalog_actions(statement.actions, context.catalog)
    if not grants:
        return

    for view in views(statement, context.catalog):
        name = view.key_text
        if name is None or ":" not in name:
            continue

        for grant in grants:
            why = absent_reason(name, view.key, grant.action, grant.service)
            if why is None:
                continue
            action = f"{grant.service.prefix}:{grant.action.name}"
            effect, severity = absent_effect(view, statement.denies)
            yield RULE.finding(
                f"condition key {quoted(name)} is never present for {action} "
                f"({why}), {effect}",
                view.condition.key.location,
                document=context.document,
                statement=statement,
                action=action,
                subject=action + "|" + name.lower(),
                severity=severity,
            )
