"""An IAM policy variable that names no `aws:` key.

IAM replaces `${aws:username}` with the value of that key at request time;
Terraform needs it written `&{aws:username}` in `aws_iam_policy_document`
and `$${aws:username}` elsewhere, and tfcheck reads both. A variable that
names an `aws:` key that does not exist is replaced by nothing that can
match, so the resource or condition value it sits in never matches. The
special variables `${*}`, `${?}` and `${$}` are fine.

Fail:

    resources = ["arn:aws:ssm:*:*:session/&{aws:user-name}-*"]

Pass:

    resources = ["arn:aws:ssm:*:*:session/&{aws:username}-*"]

See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.catalog.conditions import condition_catalog
from tfcheck.check.base import Context, quoted, rule
from tfcheck.check.conditions import is_global, policy_variables
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC117",
    "unknown-policy-variable",
    Severity.WARNING,
    "policy variable names an aws: key that does not exist",
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    texts = []
    for part in (statement.resources, statement.not_resources):
        if part is not None:
            texts.extend(part.texts())
    for condition in statement.conditions:
        texts.extend(condition.values.texts())

    keys = condition_catalog()
    for text in texts:
        if not text.known:
            continue
        for name in policy_variables(text.value):
            if name in ("*", "?", "$") or not is_global(name) or keys.key(name):
                continue
            guess = keys.nearest(name)
            hint = f"; did you mean {quoted('${' + guess + '}')}?" if guess else ""
            yield RULE.finding(
                f"policy variable {quoted('${' + name + '}')} names no aws: key, so "
                f"{quoted(text.value)} never matches{hint}",
                text.location,
                document=context.document,
                statement=statement,
                subject=name.lower(),
            )
