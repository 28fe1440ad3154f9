"""An `aws:` condition key that does not exist.

A condition on a key that no request carries never holds: an Allow grants
nothing, a Deny denies nothing, and with a negated operator or `IfExists`
the condition always holds. `aws:PrincipalVpc` is common in public code but
is not an AWS key; `aws:SourceVpc`, `aws:SourceVpce` or
`aws:Ec2InstanceSourceVpc` is usually what was meant. Keys are matched
without regard to case. The list of global keys, with their types and
sources, is `tfcheck/catalog/conditions.json`. An unknown `aws:` key is wrong
whatever the actions, so every statement is checked.

Fail:

    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalVpc"
      values   = ["vpc-0123456789abcdef0"]
    }

Pass:

    condition {
      test     = "StringEquals"
      variable = "aws:SourceVpc"
      values   = ["vpc-0123456789abcdef0"]
    }

See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.catalog.conditions import condition_catalog
from tfcheck.check.base import Context, quoted, rule
from tfcheck.check.conditions import absent_effect, is_global, views
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC110",
    "unknown-global-condition-key",
    Severity.WARNING,
    "aws: condition key that does not exist",
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    for view in views(statement, context.catalog):
        name = view.key_text
        if name is None or view.key is not None or not is_global(name):
            continue
        effect, _ = absent_effect(view, statement.denies)
        guesses = condition_catalog().suggestions(name)
        hint = "; use " + " or ".join(quoted(g) for g in guesses) if guesses else ""
        yield RULE.finding(
            f"{quoted(name)} is not an AWS global condition key, so no request "
            f"carries it and {effect.removeprefix('so ')}{hint}",
            view.condition.key.location,
            document=context.document,
            statement=statement,
            subject=name.lower(),
        )
