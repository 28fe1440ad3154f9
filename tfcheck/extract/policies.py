"""Find every IAM policy a module instance makes, and who uses each.

Policies are the `aws_iam_policy_document` data sources and every resource
argument that holds a policy: the identity policies of IAM, trust policies,
VPC endpoint, S3 bucket and KMS key policies, SCPs, permission-set inline
policies, and any other resource argument named `policy`. Each document
knows its consumers and the kind of policy each makes of it, because some
rules depend on that (a Sid with spaces is fine in a KMS key policy and
rejected in an IAM policy). What cannot be read is reported as a gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tfcheck.evaluate.modules import (
    Gap,
    ModuleInstance,
    expand_blocks,
    instance_names,
    unresolved_gap,
)
from tfcheck.evaluate.values import Seq, Unknown, Value
from tfcheck.extract import documents as policy_documents
from tfcheck.extract.model import Consumer, PolicyDocument
from tfcheck.extract.statements import json_statements, read_policy
from tfcheck.parse.config import Attr, Block

# Resource type -> (argument holding a policy, the kind of policy it is).
POLICY_ARGUMENTS: dict[str, tuple[str, str]] = {
    "aws_iam_policy": ("policy", "identity"),
    "aws_iam_role_policy": ("policy", "identity"),
    "aws_iam_user_policy": ("policy", "identity"),
    "aws_iam_group_policy": ("policy", "identity"),
    "aws_iam_role": ("assume_role_policy", "trust"),
    "aws_vpc_endpoint": ("policy", "vpc-endpoint"),
    "aws_vpc_endpoint_policy": ("policy", "vpc-endpoint"),
    "aws_organizations_policy": ("content", "scp"),
    "aws_ssoadmin_permission_set_inline_policy": ("inline_policy", "identity"),
    "aws_kms_key": ("policy", "resource"),
    "aws_s3_bucket_policy": ("policy", "resource"),
}

_POLICY_ARN = re.compile(r"^aws_iam_policy\.([\w-]+)(\[[^\]]*\])?\.arn$")
_PRINCIPAL = re.compile(r"^(aws_iam_(?:role|user|group)\.[\w-]+)(\[[^\]]*\])?(\.|$)")

# Resource types whose argument names the principal an inline policy belongs to.
PRINCIPAL_ARGUMENTS = {
    "aws_iam_role_policy": "role",
    "aws_iam_user_policy": "user",
    "aws_iam_group_policy": "group",
}
# Resource type -> (argument naming a role, the job the role then does).
ROLE_USES: dict[str, tuple[tuple[str, str], ...]] = {
    "aws_iam_instance_profile": (("role", "ec2-instance"),),
    "aws_ecs_task_definition": (
        ("task_role_arn", "ecs-task"),
        ("execution_role_arn", "ecs-execution"),
    ),
    "aws_ssm_activation": (("iam_role", "managed-instance"),),
}
# Attachments: resource type -> (argument naming principals, the policy argument).
ATTACHMENTS = {
    "aws_iam_role_policy_attachment": (("role",), "policy_arn"),
    "aws_iam_user_policy_attachment": (("user",), "policy_arn"),
    "aws_iam_group_policy_attachment": (("group",), "policy_arn"),
    "aws_iam_policy_attachment": (("roles", "users", "groups"), "policy_arn"),
}


@dataclass
class Extraction:
    documents: list[PolicyDocument] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    # Role address -> the jobs it does: ec2-instance, ecs-task, ecs-execution,
    # managed-instance.
    principals: dict[str, set[str]] = field(default_factory=dict)


def extract(instance: ModuleInstance) -> Extraction:
    """Every policy document of a module instance and of the modules it calls."""
    result = Extraction()
    seen: set[int] = set()
    _extract(instance, result, seen)
    return result


def _extract(instance: ModuleInstance, result: Extraction, seen: set[int]) -> None:
    def add(document: PolicyDocument) -> None:
        if id(document) not in seen:
            seen.add(id(document))
            result.documents.append(document)

    for block in instance.module.blocks("data"):
        if block.labels[:1] == (policy_documents.KIND,) and len(block.labels) == 2:
            built = policy_documents.documents(instance, block.labels[1])
            for _, document in built[1] if built else []:
                add(document)

    by_policy: dict[str, list[PolicyDocument]] = {}
    for block in instance.module.blocks("resource"):
        if len(block.labels) != 2:
            continue
        kind, name = block.labels
        policy = kind in POLICY_ARGUMENTS or "policy" in block.body.attributes
        base = f"{instance.address}{kind}.{name}"
        for key, names in instance_names(instance, block, base if policy else ""):
            address = f"{instance.address}{kind}.{name}{key}"
            for document in _consumed(instance, block, address, names):
                add(document)
                if kind == "aws_iam_policy":
                    by_policy.setdefault(name, []).append(document)
            for argument, job in ROLE_USES.get(kind, ()):
                for role in _references(instance, block, argument, names):
                    result.principals.setdefault(role, set()).add(job)

    _attachments(instance, by_policy)
    _boundaries(instance, by_policy)
    for child in instance.children():
        _extract(child, result, seen)
    result.gaps.extend(instance.gaps)
    instance.gaps.clear()


def _consumed(
    instance: ModuleInstance, block: Block, address: str, names: dict[str, Value]
) -> list[PolicyDocument]:
    """The documents a resource uses; JSON ones become documents here."""
    kind = block.labels[0]
    argument, context = POLICY_ARGUMENTS.get(kind, ("policy", "resource"))
    principal = ""
    if kind in PRINCIPAL_ARGUMENTS:
        holders = _references(instance, block, PRINCIPAL_ARGUMENTS[kind], names)
        principal = holders[0] if holders else ""
    elif kind == "aws_iam_role":
        principal = address

    found: list[PolicyDocument] = []
    attr = block.body.attributes.get(argument)
    if attr is not None:
        found.extend(_policy(instance, attr, address, context, names, principal))
    if kind == "aws_iam_role":
        inlines, unknown = expand_blocks(instance, block.body, "inline_policy", names)
        for _, value in unknown:
            instance.gaps.append(
                unresolved_gap('dynamic "inline_policy" iterates over', value, address)
            )
        for inline, bound in inlines:
            policy = inline.body.attributes.get("policy")
            if policy is not None:
                found.extend(
                    _policy(instance, policy, address, "identity", bound, principal)
                )
    return found


def _references(
    instance: ModuleInstance, block: Block, argument: str, names: dict[str, Value]
) -> list[str]:
    """The IAM principals an argument refers to (`aws_iam_role.x.arn` ...)."""
    attr = block.body.attributes.get(argument)
    if attr is None:
        return []
    value = instance.value(attr, **names)
    items = value.items if isinstance(value, Seq) else (value,)
    found = []
    for item in items:
        source = item.source.replace(" ", "") if isinstance(item, Unknown) else ""
        match = _PRINCIPAL.match(source)
        if match:
            found.append(f"{instance.address}{match.group(1)}")
    return found


def _policy(
    instance: ModuleInstance,
    attr: Attr,
    address: str,
    context: str,
    names: dict[str, Value],
    principal: str = "",
) -> list[PolicyDocument]:
    value = instance.value(attr, **names)
    consumer = Consumer(address, context, attr.location, principal)
    found = read_policy(value, "the policy", attr.location, address, instance.gaps)
    if isinstance(found, PolicyDocument):
        found.consumers.append(consumer)
        return [found]
    if found is None:
        return []
    statements = json_statements(found, address, instance.gaps)
    return [
        PolicyDocument(address, "json", attr.location, tuple(statements), [consumer])
    ]


def _attachments(
    instance: ModuleInstance, by_policy: dict[str, list[PolicyDocument]]
) -> None:
    """Record who a customer-managed policy is attached to."""
    for block in instance.module.blocks("resource"):
        if len(block.labels) != 2 or block.labels[0] not in ATTACHMENTS:
            continue
        holders, argument = ATTACHMENTS[block.labels[0]]
        policy = block.body.attributes.get(argument)
        if policy is None:
            continue
        value = instance.value(policy)
        reference = value.source if isinstance(value, Unknown) else ""
        match = _POLICY_ARN.match(reference.replace(" ", ""))
        if match is None:
            continue
        address = f"{instance.address}{block.labels[0]}.{block.labels[1]}"
        principals = [
            p for holder in holders for p in _references(instance, block, holder, {})
        ]
        for document in by_policy.get(match.group(1), []):
            for principal in principals or [""]:
                document.consumers.append(
                    Consumer(address, "identity", policy.location, principal)
                )


def _boundaries(
    instance: ModuleInstance, by_policy: dict[str, list[PolicyDocument]]
) -> None:
    """Mark the documents of policies used as permissions boundaries."""
    for block in instance.module.blocks("resource"):
        if len(block.labels) != 2:
            continue
        attr = block.body.attributes.get("permissions_boundary")
        if attr is None:
            continue
        value = instance.value(attr)
        reference = value.source if isinstance(value, Unknown) else ""
        match = _POLICY_ARN.match(reference.replace(" ", ""))
        if match is None:
            continue
        address = f"{instance.address}{block.labels[0]}.{block.labels[1]}"
        for document in by_policy.get(match.group(1), []):
            document.consumers.append(Consumer(address, "boundary", attr.location))
