"""An `effect` other than `Allow` or `Deny`, or a JSON statement without one.

The AWS provider accepts only `Allow` and `Deny`, with that exact case, in
`aws_iam_policy_document`, and IAM rejects any other `Effect` in a JSON
policy. `allow` in lower case fails at plan or apply time. A JSON statement
must have an `Effect`; only `aws_iam_policy_document` defaults it to `Allow`.

Fail:

    effect = "allow"

Pass:

    effect = "Allow"
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.base import Context, quoted, rule
from tfcheck.evaluate.values import Text
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC106",
    "invalid-effect",
    Severity.ERROR,
    "effect is not exactly Allow or Deny",
    __doc__,
)

_VALID = ("Allow", "Deny")


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    effect = statement.effect
    if effect is None and context.document.syntax == "json":
        # aws_iam_policy_document defaults to Allow; JSON has no default.
        yield RULE.finding(
            'statement has no "Effect", which IAM rejects; add "Effect": "Allow" '
            'or "Effect": "Deny"',
            statement.location,
            document=context.document,
            statement=statement,
        )
        return
    if not isinstance(effect, Text) or not effect.known or effect.value in _VALID:
        return

    fix = next((v for v in _VALID if v.lower() == effect.value.strip().lower()), None)
    hint = f"write {quoted(fix)}" if fix else 'use "Allow" or "Deny"'
    yield RULE.finding(
        f"effect {quoted(effect.value)} is not valid: {hint}, with that case",
        effect.location,
        document=context.document,
        statement=statement,
        subject=effect.value,
    )
