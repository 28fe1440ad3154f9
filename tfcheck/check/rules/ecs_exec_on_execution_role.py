"""ECS Exec's channel actions granted to the task execution role.

ECS Exec runs the SSM agent inside the task with the task role
(`task_role_arn`). The execution role (`execution_role_arn`) is used by ECS
itself to pull images and write logs; ssmmessages actions there do nothing
for ECS Exec, and the task role still lacks them.

Fail:

    resource "aws_iam_role_policy" "exec" {
      role   = aws_iam_role.execution.id    # execution_role_arn of the task
      policy = data.aws_iam_policy_document.channels.json
    }

Pass: attach the same policy to the role given as `task_role_arn`.

See https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.base import rule
from tfcheck.check.roles import RoleView
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC121",
    "ecs-exec-on-execution-role",
    Severity.WARNING,
    "ECS Exec actions on the execution role, which ECS Exec does not use",
    __doc__,
)


def check_role(view: RoleView, views: list[RoleView]) -> Iterator[Finding]:
    if "ecs-exec-execution" not in view.jobs or "ecs-exec-task" in view.jobs:
        return
    granted = [a for a in sorted(view.outcomes) if view.granted(a)]
    if not granted:
        return
    step = view.outcomes[granted[0]].deciding()
    # Point at what gives the role the grant, not at a document others share.
    consumer = next(
        (
            c
            for c in (step.document.consumers if step else [])
            if c.principal == view.address
        ),
        None,
    )
    location = consumer.location if consumer else view.holder.location
    yield RULE.finding(
        f"{view.address} is the execution role of an ECS service with ECS Exec, "
        f"which does not use it: {', '.join(granted)} here do nothing for ECS Exec; "
        "grant them to the role given as task_role_arn",
        location,
        address=consumer.address if consumer else view.address,
        subject=view.address,
    )
