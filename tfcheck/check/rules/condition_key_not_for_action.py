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
        holds = absent_key_verdict(op, condition.values.texts())

        for grant in grants:
            service = grant.service
            allowed = set(grant.action.condition_keys) | set(service.credential_keys)
            if key.value.lower() in allowed:
                continue
            name = f"{service.prefix}:{grant.action.name}"
            effect, severity = _effect(op, holds, denies)
            spelled = [_spelling(k, service) for k in sorted(allowed)]
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
                severity=severity,
            )


def absent_key_verdict(operator: str, values: list[Text]) -> bool | None:
    """Whether a condition holds when its key is absent (None: cannot tell).

    IAM's rules: a negated operator (`StringNotEquals`, `ArnNotLike`, ...),
    any `...IfExists` operator and `ForAllValues:` hold; `Null` holds when
    its value is "true"; every other operator does not hold.
    """
    if not operator:
        return None
    qualifier, _, bare = operator.rpartition(":")
    if qualifier.lower() == "forallvalues":
        return True
    if bare.endswith("IfExists"):
        return True
    if bare == "Null":
        known = {v.value.lower() for v in values if v.known}
        if known == {"true"}:
            return True
        if known == {"false"}:
            return False
        return None
    return "Not" in bare


def _effect(operator: str, holds: bool | None, denies: bool) -> tuple[str, Severity]:
    if holds is None:
        return "so what this condition does to it cannot be told", Severity.WARNING
    if not holds:
        verb = "denies" if denies else "grants"
        return (
            f"so the condition never holds and this statement {verb} nothing for it",
            Severity.ERROR,
        )
    if denies:
        return (
            f"so the {operator} condition always holds and this statement denies "
            "it on every call",
            Severity.ERROR,
        )
    return (
        f"so the {operator} condition always holds and has no effect on it",
        Severity.WARNING,
    )


def _spelling(lowered: str, service: Service) -> str:
    """The catalog's own spelling of a lower-cased key."""
    if lowered in service.credential_keys:
        return service.credential_keys[lowered].name
    if lowered in service.condition_keys:
        return service.condition_keys[lowered].name
    return lowered
