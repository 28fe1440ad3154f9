"""A condition value that can never match the way it is written.

Each operator reads its values in one format, and some keys only ever hold
values of one shape. A value in another format never matches, which turns
an Allow into nothing and a Deny into nothing (or, negated, into
everything). Checked here:

- `IpAddress` / `NotIpAddress`: an IPv4 or IPv6 address or CIDR block;
- `Date...`: an ISO 8601 date or time, or epoch seconds;
- `Bool` and `Null`: `true` or `false`;
- `Numeric...`: a number;
- `Arn...`, and values of ARN keys: an ARN, with `*` and `?` allowed;
- `aws:SourceVpce`: a `vpce-` id, `aws:SourceVpc` and
  `aws:Ec2InstanceSourceVpc`: a `vpc-` id (8 or 17 hex digits);
- `aws:RequestedRegion` and the region of an ARN: a region of some AWS
  partition, as botocore lists them (offline).

Values holding an IAM policy variable (`${aws:username}`) are not judged.
A malformed value is wrong whatever the actions, so every statement is
checked.

Fail:

    test     = "IpAddress"
    variable = "aws:SourceIp"
    values   = ["203.0.113.0/33"]

Pass:

    test     = "IpAddress"
    variable = "aws:SourceIp"
    values   = ["203.0.113.0/24"]

See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime
from typing import Iterator

from tfcheck.check.actions import wildcard_match
from tfcheck.check.base import Context, quoted, rule
from tfcheck.check.conditions import ConditionView, known_regions, views
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC113",
    "malformed-condition-value",
    Severity.ERROR,
    "condition value in a format that never matches",
    __doc__,
)

_RESOURCE_IDS = {
    "aws:sourcevpce": "vpce",
    "aws:sourcevpc": "vpc",
    "aws:ec2instancesourcevpc": "vpc",
}


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    for view in views(statement, context.catalog):
        for value in view.values:
            if "${" in value.value:
                continue  # a policy variable, resolved by IAM at request time
            problem = _problem(view, value.value)
            if problem is not None:
                yield RULE.finding(
                    problem,
                    value.location,
                    document=context.document,
                    statement=statement,
                    subject=f"{view.key_text}|{value.value}",
                )


def _problem(view: ConditionView, value: str) -> str | None:
    family = view.operator.family if view.operator else None
    shown = quoted(value)
    wild = "*" in value or "?" in value
    like = view.operator is not None and view.operator.name.endswith("Like")

    if family == "IPAddress" and not _is_ip(value):
        return f"{shown} is not an IP address or CIDR block; write one like 10.0.0.0/16"
    if family == "Date" and not _is_date(value):
        return (
            f"{shown} is not a date; write ISO 8601 such as "
            "2026-12-31T23:59:59Z, or epoch seconds"
        )
    if family in ("Bool", "Null") and value.lower() not in ("true", "false"):
        return f"{view.operator.name} takes true or false, not {shown}"
    if family == "Numeric" and not _is_number(value):
        return f"{shown} is not a number"

    key_type = view.key.type if view.key else None
    if family == "ARN" or (key_type == "ARN" and family in ("String", None)):
        if value != "*" and not _is_arn(value):
            return f"{shown} is not an ARN; write arn:<partition>:<service>:..."
        region = _arn_region(value)
        if region is not None:
            return region

    name = (view.key_text or "").lower()
    kind = _RESOURCE_IDS.get(name)
    if kind and family in ("String", None):
        pattern = rf"^{kind}-([0-9a-f]{{8}}|[0-9a-f]{{17}})$"
        if not (re.match(pattern, value) or (wild and like and value.startswith(kind))):
            return (
                f"{shown} is not a {kind}- id; {view.key_text} holds ids like "
                f"{kind}-0123456789abcdef0"
            )
    if name == "aws:requestedregion" and family in ("String", None):
        return _region_problem(value, wild and like)
    return None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True


def _is_date(value: str) -> bool:
    if _is_number(value):
        return True
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _is_arn(value: str) -> bool:
    return value.startswith("arn:") and len(value.split(":", 5)) == 6


def _arn_region(value: str) -> str | None:
    if not _is_arn(value):
        return None
    region = value.split(":", 5)[3]
    if not region or "*" in region or "?" in region:
        return None
    return _region_problem(region, False, in_arn=value)


def _region_problem(region: str, pattern: bool, in_arn: str = "") -> str | None:
    regions, _ = known_regions()
    if pattern:
        if any(wildcard_match(region, known) for known in regions):
            return None
    elif region in regions:
        return None
    where = f" in {quoted(in_arn)}" if in_arn else ""
    return (
        f"{quoted(region)}{where} is not a region of any AWS partition; "
        "write one like us-east-1"
    )
