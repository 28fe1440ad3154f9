"""`aws:SourceIp` compared with private (RFC 1918) addresses.

Session Manager traffic from private subnets reaches ssmmessages through a
VPC endpoint, and requests through a VPC endpoint carry no `aws:SourceIp`;
from the internet they carry a public address. A private range in
`aws:SourceIp` therefore never matches an ssmmessages request. Use
`aws:VpcSourceIp`, together with `aws:SourceVpc` or `aws:SourceVpce`.

Fail:

    test     = "IpAddress"
    variable = "aws:SourceIp"
    values   = ["10.0.0.0/16"]

Pass:

    condition {
      test     = "IpAddress"
      variable = "aws:VpcSourceIp"
      values   = ["10.0.0.0/16"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceVpc"
      values   = ["vpc-0123456789abcdef0"]
    }

See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip
"""

from __future__ import annotations

import ipaddress
from typing import Iterator

from tfcheck.check.actions import catalog_actions
from tfcheck.check.base import Context, quoted, rule
from tfcheck.check.conditions import views
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

# RFC 1918, and IPv6 unique local addresses (RFC 4193).
_PRIVATE = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)

RULE = rule(
    "TFC114",
    "source-ip-private-range",
    Severity.WARNING,
    "aws:SourceIp with a private range never matches ssmmessages",
    __doc__,
)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if not catalog_actions(statement.actions, context.catalog):
        return
    for view in views(statement, context.catalog):
        if (view.key_text or "").lower() != "aws:sourceip":
            continue
        for value in view.values:
            try:
                network = ipaddress.ip_network(value.value, strict=False)
            except ValueError:
                continue
            if not any(
                network.version == p.version and network.overlaps(p) for p in _PRIVATE
            ):
                continue
            yield RULE.finding(
                f"{quoted(value.value)} is a private range, but aws:SourceIp is "
                "never private for ssmmessages (requests from a VPC come through "
                "an endpoint and carry no aws:SourceIp); use aws:VpcSourceIp with "
                "aws:SourceVpc",
                value.location,
                document=context.document,
                statement=statement,
                subject=value.value,
            )
