"""ssmmessages actions granted by a policy but outside the permissions boundary.

A permissions boundary caps what a role's policies can grant: an action is
effective only when both allow it. A boundary written for Systems Manager
often allows `ssm:*` but not `ssmmessages:*`, so the channel actions the
role's policy grants are silently not effective and sessions fail.

Fail:

    # boundary
    actions = ["ssm:*", "ec2messages:*"]

Pass:

    actions = ["ssm:*", "ec2messages:*", "ssmmessages:*"]

See https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.base import rule
from tfcheck.check.roles import RoleView
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC128",
    "boundary-excludes",
    Severity.WARNING,
    "granted ssmmessages actions outside the permissions boundary",
    __doc__,
)


def check_role(view: RoleView, views: list[RoleView]) -> Iterator[Finding]:
    outside = [
        loss
        for loss in view.losses.values()
        if loss.why.startswith("outside the permissions boundary")
    ]
    if not outside or not view.boundary:
        return
    boundary = view.boundary[0]
    actions = ", ".join(loss.action for loss in outside)
    yield RULE.finding(
        f"{view.address} is granted {actions} but its permissions boundary "
        f"{boundary.address} does not allow them, so they are not effective; add "
        '"ssmmessages:*" on "*" to the boundary',
        outside[0].location or boundary.location,
        address=boundary.address,
        subject=view.address,
    )
