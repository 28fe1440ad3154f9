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
from dataclasses import dataclass, field, replace

from tfcheck.evaluate.modules import (
    Gap,
    ModuleInstance,
    expand_blocks,
    instance_names,
    unresolved_gap,
)
from tfcheck.evaluate.values import Atom, Seq, Text, Unknown, Value, unknowns_in
from tfcheck.extract import documents as policy_documents
from tfcheck.extract.model import Consumer, PolicyDocument
from tfcheck.extract.statements import json_statements, read_policy
from tfcheck.findings import Location
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

_MANAGED_ARN = re.compile(r"^arn:[a-z-]+:iam::aws:policy/")
_TASK_DEFINITION = re.compile(r"^(aws_ecs_task_definition\.[\w-]+)(\[[^\]]*\])?\.")
HOLDER_TYPES = frozenset({"aws_iam_role", "aws_iam_user", "aws_iam_group"})
# A principal named by a string, linked to its resource once all are known.
NAMED = "name:"
_HOLDER_OF = {
    "user": "aws_iam_user",
    "users": "aws_iam_user",
    "user_name": "aws_iam_user",
    "group": "aws_iam_group",
    "groups": "aws_iam_group",
    "group_name": "aws_iam_group",
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
    "aws_iam_role_policy_attachments_exclusive": (("role_name",), "policy_arns"),
    "aws_iam_user_policy_attachments_exclusive": (("user_name",), "policy_arns"),
    "aws_iam_group_policy_attachments_exclusive": (("group_name",), "policy_arns"),
}
# Group memberships: resource type -> (users argument, groups argument).
MEMBERSHIPS = {
    "aws_iam_user_group_membership": ("user", "groups"),
    "aws_iam_group_membership": ("users", "group"),
}


@dataclass
class Extraction:
    documents: list[PolicyDocument] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    # Role address -> the jobs it does: ec2-instance, ecs-task, ecs-execution,
    # ecs-exec-task, ecs-exec-execution, managed-instance, service-trust.
    principals: dict[str, set[str]] = field(default_factory=dict)
    # Every aws_iam_role, aws_iam_user and aws_iam_group, by address.
    holders: dict[str, Holder] = field(default_factory=dict)
    # (user, group) pairs of group memberships.
    memberships: list[tuple[str, str]] = field(default_factory=list)
    # (resource type, name attribute) -> address, to link principals by name.
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    # Where each resource and data source instance is written, by address.
    blocks: dict[str, Location] = field(default_factory=dict)


@dataclass
class Holder:
    """An IAM principal defined in the tree, and what reaches it besides documents."""

    address: str
    location: Location
    managed: list[tuple[str, Location]] = field(default_factory=list)
    managed_boundary: list[tuple[str, Location]] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)


def extract(instance: ModuleInstance) -> Extraction:
    """Every policy document of a module instance and of the modules it calls."""
    result = Extraction()
    seen: set[int] = set()
    _extract(instance, result, seen)
    _link_names(result)
    return result


def _link_names(result: Extraction) -> None:
    """Replace principals named by a string with the resource of that name."""

    def link(principal: str) -> str:
        if not principal.startswith(NAMED):
            return principal
        kind, _, name = principal[len(NAMED) :].partition(":")
        return result.names.get((kind, name), "")

    for document in result.documents:
        for i, consumer in enumerate(document.consumers):
            if consumer.principal.startswith(NAMED):
                document.consumers[i] = replace(
                    consumer, principal=link(consumer.principal)
                )
    for principal in [p for p in result.principals if p.startswith(NAMED)]:
        jobs = result.principals.pop(principal)
        target = link(principal)
        if target:
            result.principals.setdefault(target, set()).update(jobs)
    for principal in [p for p in result.holders if p.startswith(NAMED)]:
        holder = result.holders.pop(principal)
        target = link(principal)
        if target in result.holders:
            existing = result.holders[target]
            existing.managed.extend(holder.managed)
            existing.managed_boundary.extend(holder.managed_boundary)
            existing.unresolved.extend(holder.unresolved)
    result.memberships = [(link(u), link(g)) for u, g in result.memberships]


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
                result.blocks[document.address] = block.location

    by_policy: dict[str, list[PolicyDocument]] = {}
    task_roles: dict[str, tuple[list[str], list[str]]] = {}
    for block in instance.module.blocks("resource"):
        if len(block.labels) != 2:
            continue
        kind, name = block.labels
        policy = kind in POLICY_ARGUMENTS or "policy" in block.body.attributes
        base = f"{instance.address}{kind}.{name}"
        for key, names in instance_names(instance, block, base if policy else ""):
            address = f"{instance.address}{kind}.{name}{key}"
            result.blocks[address] = block.location
            if kind in HOLDER_TYPES:
                result.holders.setdefault(address, Holder(address, block.location))
                name_attr = block.body.attributes.get("name")
                if name_attr is not None:
                    name = instance.value(name_attr, **names)
                    if isinstance(name, Text) and name.known:
                        result.names.setdefault((kind, name.value), address)
            if kind in MEMBERSHIPS:
                users, groups = MEMBERSHIPS[kind]
                for user in _references(instance, block, users, names):
                    for group in _references(instance, block, groups, names):
                        result.memberships.append((user, group))
            for document in _consumed(instance, block, address, names, result):
                add(document)
                if kind == "aws_iam_policy":
                    by_policy.setdefault(name, []).append(document)
            for argument, job in ROLE_USES.get(kind, ()):
                for role in _references(instance, block, argument, names):
                    result.principals.setdefault(role, set()).add(job)
            if kind == "aws_ecs_task_definition":
                task_roles[f"{instance.address}{kind}.{name}"] = (
                    _references(instance, block, "task_role_arn", names),
                    _references(instance, block, "execution_role_arn", names),
                )

    _exec_services(instance, task_roles, result)
    _attachments(instance, by_policy, result)
    _boundaries(instance, by_policy, result)
    for child in instance.children():
        _extract(child, result, seen)
    result.gaps.extend(instance.gaps)
    instance.gaps.clear()


def _exec_services(
    instance: ModuleInstance,
    task_roles: dict[str, tuple[list[str], list[str]]],
    result: Extraction,
) -> None:
    """Mark the task and execution roles of services with ECS Exec enabled."""
    for block in instance.module.blocks("resource"):
        if block.labels[:1] != ("aws_ecs_service",):
            continue
        enabled = block.body.attributes.get("enable_execute_command")
        definition = block.body.attributes.get("task_definition")
        if enabled is None or definition is None:
            continue
        flag = instance.value(enabled)
        if not (isinstance(flag, Atom) and flag.value is True):
            continue
        value = instance.value(definition)
        unknown = next(unknowns_in(value), None)
        source = unknown.source.replace(" ", "") if unknown else ""
        match = _TASK_DEFINITION.match(source)
        if match is None:
            continue
        tasks, executions = task_roles.get(instance.address + match.group(1), ([], []))
        for role in tasks:
            result.principals.setdefault(role, set()).add("ecs-exec-task")
        for role in executions:
            result.principals.setdefault(role, set()).add("ecs-exec-execution")


def _consumed(
    instance: ModuleInstance,
    block: Block,
    address: str,
    names: dict[str, Value],
    result: Extraction,
) -> list[PolicyDocument]:
    """The documents a resource uses; JSON ones become documents here."""
    kind = block.labels[0]
    argument, context = POLICY_ARGUMENTS.get(kind, ("policy", "resource"))
    if kind == "aws_organizations_policy":
        policy_type = block.body.attributes.get("type")
        value = instance.value(policy_type, **names) if policy_type else None
        if (
            isinstance(value, Text)
            and value.known
            and (value.value != "SERVICE_CONTROL_POLICY")
        ):
            context = "organizations"  # tag, backup, RCP: not a ceiling on IAM
    principal = ""
    if kind in PRINCIPAL_ARGUMENTS:
        holders = _references(instance, block, PRINCIPAL_ARGUMENTS[kind], names)
        principal = holders[0] if holders else ""
    elif kind == "aws_iam_role":
        principal = address

    found: list[PolicyDocument] = []
    attr = block.body.attributes.get(argument)
    if attr is not None:
        before = len(instance.gaps)
        documents = _policy(instance, attr, address, context, names, principal)
        found.extend(documents)
        if principal and not documents and len(instance.gaps) > before:
            holder = result.holders.setdefault(
                principal, Holder(principal, block.location)
            )
            holder.unresolved.append(f"{address}: {instance.gaps[-1].message}")
        if kind == "aws_iam_role" and context == "trust":
            _trust(documents, address, result)

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
    """The IAM principals an argument refers to: `aws_iam_role.x.arn` (in the
    module where it was written), or a role, user or group by its name."""
    attr = block.body.attributes.get(argument)
    if attr is None:
        return []
    value = instance.value(attr, **names)
    items = value.items if isinstance(value, Seq) else (value,)
    kind = _HOLDER_OF.get(argument, "aws_iam_role")
    found = []
    for item in items:
        unknown = next(unknowns_in(item), None)
        if unknown is not None:
            match = _PRINCIPAL.match(unknown.source.replace(" ", ""))
            if match:
                prefix = unknown.module if unknown.module else ""
                found.append(f"{prefix}{match.group(1)}{match.group(2) or ''}")
        elif isinstance(item, Text) and item.known and item.value:
            # A name or an ARN: linked to the principal of that name at the end.
            name = item.value.rsplit("/", 1)[-1]
            found.append(f"{NAMED}{kind}:{name}")
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


def _policy_arns(value: Value) -> list[tuple[str, str]]:
    """Classify policy ARNs: ("customer", name of aws_iam_policy), ("managed",
    an AWS managed policy ARN) or ("unknown", what was written)."""
    found = []
    for item in value.items if isinstance(value, Seq) else (value,):
        if isinstance(item, Unknown):
            match = _POLICY_ARN.match(item.source.replace(" ", ""))
            found.append(
                ("customer", match.group(1)) if match else ("unknown", item.source)
            )
        elif isinstance(item, Text) and item.known and _MANAGED_ARN.match(item.value):
            found.append(("managed", item.value))
        elif isinstance(item, Text) and _managed_tail(item):
            # arn:${partition}:iam::aws:policy/Name: the name decides.
            found.append(("managed", "arn:aws" + _managed_tail(item)))
        elif isinstance(item, Text):
            found.append(("unknown", item.display))
    return found


def _managed_tail(value: Text) -> str:
    last = value.parts[-1]
    first = value.parts[0]
    if isinstance(last, str) and isinstance(first, str) and first == "arn:":
        match = re.match(r"^:iam::aws:policy/.+$", last)
        return match.group(0) if match else ""
    return ""


def _attachments(
    instance: ModuleInstance,
    by_policy: dict[str, list[PolicyDocument]],
    result: Extraction,
) -> None:
    """Record who each policy is attached to: attachment resources, and roles'
    `managed_policy_arns`, instance by instance."""
    for block in instance.module.blocks("resource"):
        if len(block.labels) != 2:
            continue
        kind = block.labels[0]
        base = f"{instance.address}{kind}.{block.labels[1]}"
        if kind in ATTACHMENTS:
            holder_arguments, argument = ATTACHMENTS[kind]
        elif kind == "aws_iam_role" and "managed_policy_arns" in block.body.attributes:
            holder_arguments, argument = (), "managed_policy_arns"
        else:
            continue
        attr = block.body.attributes.get(argument)
        if attr is None:
            continue
        for key, names in instance_names(instance, block):
            address = base + key
            principals = [
                p
                for holder in holder_arguments
                for p in _references(instance, block, holder, names)
            ] or ([address] if not holder_arguments else [])
            for sort, what in _policy_arns(instance.value(attr, **names)):
                for principal in principals:
                    _attach(result, by_policy, principal, sort, what, address, attr)


def _attach(
    result: Extraction,
    by_policy: dict[str, list[PolicyDocument]],
    principal: str,
    sort: str,
    what: str,
    address: str,
    attr: Attr,
) -> None:
    holder = result.holders.setdefault(principal, Holder(principal, attr.location))
    if sort == "customer":
        for document in by_policy.get(what, []):
            document.consumers.append(
                Consumer(address, "identity", attr.location, principal)
            )
    elif sort == "managed":
        holder.managed.append((what, attr.location))
    else:
        holder.unresolved.append(
            f"{address} attaches {what}, which tfcheck cannot read"
        )


def _boundaries(
    instance: ModuleInstance,
    by_policy: dict[str, list[PolicyDocument]],
    result: Extraction,
) -> None:
    """Mark the documents of policies used as permissions boundaries."""
    for block in instance.module.blocks("resource"):
        if len(block.labels) != 2:
            continue
        attr = block.body.attributes.get("permissions_boundary")
        if attr is None:
            continue
        address = f"{instance.address}{block.labels[0]}.{block.labels[1]}"
        holder = result.holders.setdefault(address, Holder(address, block.location))
        for sort, what in _policy_arns(instance.value(attr)):
            if sort == "customer":
                for document in by_policy.get(what, []):
                    document.consumers.append(
                        Consumer(address, "boundary", attr.location, address)
                    )
            elif sort == "managed":
                holder.managed_boundary.append((what, attr.location))
            else:
                holder.unresolved.append(
                    f"its permissions boundary {what} cannot be read"
                )


def _trust(documents: list[PolicyDocument], address: str, result: Extraction) -> None:
    """A role only AWS services may assume is a service role, not a person's."""
    principals = [p for d in documents for s in d.statements for p in s.principals]
    if principals and all(kind == "Service" for kind, _ in principals):
        result.principals.setdefault(address, set()).add("service-trust")
