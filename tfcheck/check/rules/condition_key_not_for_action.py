"""A service condition key that is never present for a catalog action.

A condition on a key that is absent from the request never holds: an Allow
grants nothing and a Deny denies nothing (with `...IfExists` or `Null`, the
condition has no effect at all). For each ssmmessages action of a statement,
a condition key that is not an `aws:` key must be one the catalog lists for
that action (`ec2:SourceInstanceARN` and `ssm:SourceInstanceARN` on
`CreateControlChannel`) or a key that comes with the caller's credentials
whatever the action (`ec2:SourceInstanceARN`, and `ssm:SourceInstanceARN`
for hybrid managed instances). `ssmmessages:SessionId`, `ssm:resourceTag/...`
and other services' keys are reported. Global `aws:` keys are not judged by
this rule. Key names are matched without regard to case.

Fail:

    actions = ["ssmmessages:OpenDataChannel"]
    condition {
      test     = "StringEquals"
      variable = "ssmmessages:SessionId"
      values   = ["abc"]
    }

Pass:

    actions = ["ssmmessages:CreateControlChannel"]
    condition {
      test     = "ArnEquals"
      variable = "ec2:SourceInstanceARN"
      values   = ["arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0"]
    }
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.catalog import Service
from tfcheck.check.actions import catalog_actions
from tfcheck.check.base import Context, quoted, rule
from tfcheck.evaluate.values import Text
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC105",
    "condition-key-not-for-action",
    Severity.ERROR,
    "service condition key is never present for the action",
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    grants = catalog_actions(statement.actions, context.catalog)
    if not grants:
        return
    denies = isinstance(statement.effect, Text) and statement.effect.value == "Deny"

    for condition in statement.conditions:
        key = condition.key
        if not isinstance(key, Text) or not key.known or ":" not in key.value:
            continue
        if key.value.split(":", 1)[0].lower() == "aws":
            continue
        operator = condition.operator
        op = operator.value if isinstance(operator, Text) and operator.known else ""
        no_effect = op.endswith("IfExists") or op == "Null"

        for grant in grants:
            service = grant.service
            allowed = set(grant.action.condition_keys) | set(service.credential_keys)
            if key.value.lower() in allowed:
                continue
            name = f"{service.prefix}:{grant.action.name}"
            if no_effect:
                effect = f"so the {op} condition has no effect on it"
            else:
                effect = (
                    f"so this statement {'denies' if denies else 'grants'} "
                    "nothing for it"
                )
            valid = sorted(
                set(grant.action.condition_keys) | set(service.credential_keys)
            )
            spelled = [_spelling(k, service) for k in valid]
            hint = (
                "use one of " + ", ".join(spelled) + " or an aws: global key"
                if spelled
                else "use an aws: global key"
            )
            yield RULE.finding(
                f"condition key {quoted(key.value)} is never present for {name}, "
                f"{effect}; {hint}",
                key.location,
                document=context.document,
                statement=statement,
                action=name,
                subject=name + "|" + key.value.lower(),
                severity=Severity.WARNING if no_effect else None,
            )


def _spelling(lowered: str, service: Service) -> str:
    """The catalog's own spelling of a lower-cased key."""
    if lowered in service.credential_keys:
        return service.credential_keys[lowered].name
    if lowered in service.condition_keys:
        return service.condition_keys[lowered].name
    return lowered
