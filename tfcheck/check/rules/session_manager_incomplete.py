"""An agent-side role that cannot open all four message channels.

The SSM agent on an EC2 instance, a hybrid managed instance, or in an ECS
task with ECS Exec opens its sessions with the role it runs as, and needs
all four ssmmessages actions (`CreateControlChannel`, `CreateDataChannel`,
`OpenControlChannel`, `OpenDataChannel`) effectively granted on `"*"`.
tfcheck follows every policy that reaches the role (inline policies,
`aws_iam_role_policy`, attached customer and AWS managed policies,
`managed_policy_arns`), applies Denies, the permissions boundary and any SCP
in the tree, and names each missing action with where it was lost: never
granted, denied at a line, outside the boundary, blocked by the SCP, or
granted by a statement that cannot apply (resources that can never match,
a condition on a key that is never present). A grant under a condition
that can hold counts as a grant. A role that is used by an
`aws_iam_instance_profile`, as `task_role_arn` of a task definition whose
service sets `enable_execute_command = true`, or by an `aws_ssm_activation`
is agent-side. A role whose policies tfcheck could not fully read is
reported as not analysed (TFC129) instead.

Fail (an instance profile's role):

    actions = ["ssmmessages:CreateControlChannel", "ssmmessages:OpenControlChannel"]

Pass:

    actions = [
      "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
    ]
    resources = ["*"]

See https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-add-permissions-to-existing-profile.html
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.base import rule
from tfcheck.check.roles import RoleView
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC120",
    "session-manager-incomplete",
    Severity.WARNING,
    "agent-side role without all four channel actions",
    __doc__,
)


def check_role(view: RoleView, views: list[RoleView]) -> Iterator[Finding]:
    job = view.agent_job
    if job is None or not view.analysed or not view.losses:
        return
    what = "ECS Exec" if "ecs-exec-task" in view.jobs else "Session Manager"
    by_reason: dict[str, list[str]] = {}
    for loss in view.losses.values():
        by_reason.setdefault(loss.why, []).append(loss.action.split(":", 1)[1])
    lost = "; ".join(
        f"{', '.join(actions)}: {why}" for why, actions in by_reason.items()
    )
    yield RULE.finding(
        f"{view.address}, {job}, cannot open {what} channels: {lost}; "
        f"{_fix(view, what)}",
        view.holder.location,
        address=view.address,
        subject=",".join(sorted(view.losses)),
    )


def _fix(view: RoleView, what: str) -> str:
    """What to change, for the ways the actions were lost."""
    reasons = " ".join(loss.why for loss in view.losses.values())
    fixes = []
    if "never granted" in reasons or "cannot apply" in reasons:
        grant = 'grant them on "*"'
        if what == "Session Manager":
            grant += " (AmazonSSMManagedInstanceCore has all four)"
        fixes.append(grant)
    if "denied at" in reasons:
        fixes.append("narrow the Deny")
    if "boundary" in reasons:
        fixes.append("allow them in the permissions boundary")
    if "SCP" in reasons:
        fixes.append("exempt them from the SCP")
    return "; ".join(fixes)
