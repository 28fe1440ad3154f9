"""`aws:VpcSourceIp` without `aws:SourceVpc` or `aws:SourceVpce`.

Private address ranges repeat across VPCs and accounts: `10.0.0.0/16` in
your VPC is also `10.0.0.0/16` in someone else's. `aws:VpcSourceIp` alone
therefore admits callers from any VPC that uses the same range. AWS's
guidance is to pair it with `aws:SourceVpc` (or `aws:SourceVpce`) in the
same statement.

Fail:

    condition {
      test     = "IpAddress"
      variable = "aws:VpcSourceIp"
      values   = ["10.0.0.0/16"]
    }

Pass: add

    condition {
      test     = "StringEquals"
      variable = "aws:SourceVpc"
      values   = ["vpc-0123456789abcdef0"]
    }

See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-vpcsourceip
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.actions import catalog_actions
from tfcheck.check.base import Context, rule
from tfcheck.check.conditions import views
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC116",
    "vpc-source-ip-alone",
    Severity.WARNING,
    "aws:VpcSourceIp without aws:SourceVpc or aws:SourceVpce",
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if not catalog_actions(statement.actions, context.catalog):
        return
    found = views(statement, context.catalog)
    names = {(v.key_text or "").lower() for v in found}
    if names & {"aws:sourcevpc", "aws:sourcevpce"}:
        return
    for view in found:
        if (view.key_text or "").lower() == "aws:vpcsourceip":
            yield RULE.finding(
                "aws:VpcSourceIp alone admits any VPC that uses the same private "
                "range; add an aws:SourceVpc or aws:SourceVpce condition to this "
                "statement",
                view.condition.key.location,
                document=context.document,
                statement=statement,
            )
