"""What a resource in a statement means for an action without resource types.

Shared by the resource rule and the effective-permission calculation.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfcheck.catalog import Action, Service
from tfcheck.check.actions import Grant, wildcard_match
from tfcheck.check.base import quoted
from tfcheck.evaluate.values import Text, Unknown
from tfcheck.findings import Severity

HOLE = "\uffff"
OK = 4
UNKNOWN = 5  # may be "*" once known: never report

# Which verdict is the statement's best chance of matching the action.
GOODNESS = {
    Severity.ERROR: 0,
    Severity.WARNING: 1,
    Severity.NOTE: 2,
    OK: 3,
    UNKNOWN: 4,
}


@dataclass(frozen=True)
class Verdict:
    rank: int  # OK, UNKNOWN, or the Severity a finding on it would have
    reason: str
    resource: Text | None


def resource_verdict(item: object, action: Action, service: Service) -> object:
    """ "ok", "unknown", or the Severity of what a resource means for the action."""
    verdict = judge(item, Grant(service, action, None))
    if verdict.rank == OK:
        return "ok"
    if verdict.rank == UNKNOWN:
        return "unknown"
    return Severity(verdict.rank)


def judge(item: object, grant: Grant) -> Verdict:
    if isinstance(item, Unknown):
        return Verdict(UNKNOWN, "", None)
    if not isinstance(item, Text):
        return Verdict(Severity.ERROR, "a resource must be a string", None)

    pattern = "".join(p if isinstance(p, str) else HOLE for p in item.parts)
    if pattern.strip("*") == "":
        return Verdict(OK, "", item)
    if pattern.startswith(HOLE):
        return Verdict(UNKNOWN, "", item)
    if not pattern.startswith("arn:"):
        return Verdict(Severity.ERROR, f"{quoted(item.display)} is not an ARN", item)

    fields = pattern.split(":", 5)
    if len(fields) < 6:
        if HOLE in pattern:
            return Verdict(UNKNOWN, "", item)
        return Verdict(
            Severity.ERROR, f"{quoted(item.display)} is not a whole ARN", item
        )

    service = fields[2]
    if HOLE in service:
        return Verdict(UNKNOWN, "", item)

    for exception in grant.service.resource_exceptions:
        if exception.applies_to(grant.action.name) and exception.pattern.match(pattern):
            return Verdict(exception.severity, exception.reason, item)

    return judge_arn(item, fields, grant.service)


def judge_arn(item: Text, fields: list[str], service: Service) -> Verdict:
    written, resource = fields[2], fields[5]
    if written.lower() == service.prefix.lower():
        if resource.startswith(HOLE):
            return Verdict(UNKNOWN, "", item)
        kind = resource.replace(HOLE, "").split("/")[0].split(":")[0]
        return Verdict(
            Severity.ERROR,
            f"{quoted(kind)} in {quoted(item.display)} is not a resource type of "
            f"{service.prefix}",
            item,
        )
    if wildcard_match(written, service.prefix):
        return Verdict(
            Severity.WARNING,
            f"the service part {quoted(written)} is a wildcard and "
            f"{service.prefix} documents no ARN",
            item,
        )
    return Verdict(
        Severity.ERROR,
        f"{quoted(item.display)} is an ARN of {written}, not of {service.prefix}",
        item,
    )
