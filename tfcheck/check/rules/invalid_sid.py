"""A `sid` that IAM rejects in the policy that uses it.

In IAM policies (identity, trust and permissions-boundary policies) a `Sid`
may hold only ASCII letters and digits; `terraform apply` fails with
`MalformedPolicyDocument` for `ssm-messages` or `Register instance`. Other
services are more lenient (a KMS key or S3 bucket policy accepts spaces),
so the rule applies only where a document is used as an IAM policy: it
follows `data.aws_iam_policy_document.X.json` to its consumers, through
merges as well.

Fail (in a document used by `aws_iam_role_policy`):

    sid = "ssm-messages"

Pass:

    sid = "SsmMessages"
"""

from __future__ import annotations

import re
from typing import Iterator

from tfcheck.check.base import Context, quoted, rule
from tfcheck.extract.model import IAM_CONTEXTS, Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC108",
    "invalid-sid",
    Severity.ERROR,
    "sid has characters IAM rejects in the policy that uses it",
    __doc__,
)

_VALID = re.compile(r"^[A-Za-z0-9]*$")


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    sid = statement.sid_text
    if sid is None or _VALID.match(sid):
        return
    users = [c for c in context.document.consumers if c.context in IAM_CONTEXTS]
    if not users:
        return
    fixed = re.sub(r"[^A-Za-z0-9]", "", sid.title() if " " in sid else sid)
    yield RULE.finding(
        f"sid {quoted(sid)} has characters IAM rejects (used by {users[0].address}); "
        f"only letters and digits are allowed, for example {quoted(fixed)}",
        statement.sid.location,
        document=context.document,
        statement=statement,
        subject=sid,
    )
