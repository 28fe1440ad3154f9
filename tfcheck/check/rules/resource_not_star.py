"""A resource other than `"*"` on an action of a service without resource types.

ssmmessages defines no resource types: its actions are authorised against
`"*"` only. A statement that scopes them to ARNs grants nothing (an Allow)
or denies nothing (a Deny), and nothing fails until a Session Manager or ECS
Exec session will not open. The verdict is per action, so a statement that
mixes ssmmessages with other services names the exact actions affected:

- error: no resource of the statement can match the action, such as ARNs
  of other services (`arn:aws:ec2:...:instance/*`), resource types that
  ssmmessages does not have (`arn:aws:ssmmessages:...:control-channel/*`,
  `.../ecs-task/*`), text that is not an ARN, or an empty list. The finding
  is on the `resources` line;
- warning: the best resource is an `arn:<partition>:ssmmessages:...:*`
  pattern, or an ARN whose service is a wildcard. Access-denied messages show
  such ARNs, but AWS does not document them, so the grant may stop working;
- note: a Session Manager session ARN on `ssmmessages:OpenDataChannel`, a
  use AWS's own samples and managed policies make although the reference
  lists no resource type. The catalog cannot confirm it grants anything.

Parts of an ARN that are not known (`${var.region}`) do not stop the rule
when the known parts decide. The documented exceptions are data, in
`tfcheck/catalog/exceptions.json`, each with its sources.

Fail:

    actions   = ["ssmmessages:OpenDataChannel"]
    resources = ["arn:aws:ecs:us-east-1:111122223333:task/*"]

Pass:

    actions   = ["ssmmessages:OpenDataChannel"]
    resources = ["*"]

See https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmessagegatewayservice.html
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.actions import catalog_actions
from tfcheck.check.base import Context, quoted, rule
from tfcheck.check.resources import GOODNESS, OK, UNKNOWN, judge
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC104",
    "resource-not-star",
    Severity.ERROR,
    'resource other than "*" on an action without resource types',
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    field = statement.resources
    if field is None:
        return
    outcome = "denies nothing" if statement.denies else "grants nothing"

    for grant in catalog_actions(statement.actions, context.catalog):
        if grant.action.resource_types:
            continue
        verdicts = [judge(item, grant) for item in field.items]
        best = max(verdicts, key=lambda v: GOODNESS[v.rank], default=None)
        name = f"{grant.service.prefix}:{grant.action.name}"

        if best is None:
            fix = (
                'use "Resource": "*"'
                if context.document.syntax == "json"
                else 'use resources = ["*"]'
            )
            yield RULE.finding(
                f"resources is empty, so this statement {outcome} for {name}; {fix}",
                field.location,
                document=context.document,
                statement=statement,
                action=name,
            )
        elif best.rank in (OK, UNKNOWN):
            continue
        elif best.rank == Severity.ERROR:
            reasons = "; ".join(dict.fromkeys(v.reason for v in verdicts))
            yield RULE.finding(
                f"{name} can match none of these resources, so this statement "
                f"{outcome} for it: {reasons}; {grant.service.prefix} has no "
                'resource types, use "*"',
                field.location,
                document=context.document,
                statement=statement,
                action=name,
                subject=name + "|" + reasons,
            )
        else:
            assert best.resource is not None
            yield RULE.finding(
                f"{name} on {quoted(best.resource.display)}: {best.reason}; "
                f'"*" is the documented resource',
                best.resource.location,
                document=context.document,
                statement=statement,
                action=name,
                severity=Severity(best.rank),
                subject=name + "|" + best.resource.value,
            )
