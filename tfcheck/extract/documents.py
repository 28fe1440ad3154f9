"""`aws_iam_policy_document` as the AWS provider builds it.

Statements come from `statement` blocks and from `dynamic "statement"`
blocks expanded over known collections. `source_policy_documents` are
merged first, in order, then the document's own statements, then
`override_policy_documents`; a statement with the `sid` of an earlier one
replaces it in place. A `sid` used twice among the document's own
statements, or among its source documents, is an error the provider
reports at plan time. `count` and `for_each` make one document per instance.
"""

from __future__ import annotations

from tfcheck.evaluate.modules import (
    Gap,
    ModuleInstance,
    expand_blocks,
    instance_names,
    unresolved_gap,
)
from tfcheck.evaluate.values import (
    Encoded,
    Entry,
    Mapping,
    Seq,
    Text,
    Unknown,
    Value,
)
from tfcheck.extract.model import Consumer, PolicyDocument, Statement
from tfcheck.extract.statements import hcl_statement, json_statements, read_policy
from tfcheck.findings import Location
from tfcheck.parse.config import Block

KIND = "aws_iam_policy_document"
_CACHE = "policy-documents"


def resolve(instance: ModuleInstance, name: str, location: Location) -> Value | None:
    """The value of `data.aws_iam_policy_document.NAME` in expressions."""
    built = documents(instance, name)
    if built is None:
        return None
    block, instances = built
    objects = [(key, _object(document)) for key, document in instances]
    attrs = block.body.attributes
    if "count" in attrs:
        keyed = [obj for key, obj in objects if key]
        return Seq(tuple(keyed), block.location)
    if "for_each" in attrs:
        keyed_entries = [
            Entry(key[2:-2], block.location, obj) for key, obj in objects if key
        ]
        if not keyed_entries:
            return Unknown(f"data.{KIND}.{name} (for_each not known)", block.location)
        return Mapping(tuple(keyed_entries), block.location)
    return objects[0][1]


def _object(document: PolicyDocument) -> Mapping:
    encoded = Encoded(document_value(document), document.location, document)
    return Mapping(
        (
            Entry("json", document.location, encoded),
            Entry("minified_json", document.location, encoded),
        ),
        document.location,
    )


def document_value(document: PolicyDocument) -> Mapping:
    """The JSON a document renders to, as a value (for `jsondecode(x.json)`)."""
    here = document.location
    statements = []
    for statement in document.statements:
        entries = []
        if statement.sid is not None:
            entries.append(Entry("Sid", statement.location, statement.sid))
        effect = statement.effect or Text(("Allow",), statement.location)
        entries.append(Entry("Effect", statement.location, effect))
        for key, part in (
            ("Action", statement.actions),
            ("NotAction", statement.not_actions),
            ("Resource", statement.resources),
            ("NotResource", statement.not_resources),
        ):
            if part is not None:
                entries.append(
                    Entry(key, part.location, Seq(part.items, part.location))
                )
        conditions: dict[str, list[Entry]] = {}
        for condition in statement.conditions:
            operator = condition.operator
            key = condition.key
            if not (isinstance(operator, Text) and isinstance(key, Text)):
                continue
            conditions.setdefault(operator.value, []).append(
                Entry(
                    key.value,
                    key.location,
                    Seq(condition.values.items, condition.values.location),
                )
            )
        if conditions:
            entries.append(
                Entry(
                    "Condition",
                    statement.location,
                    Mapping(
                        tuple(
                            Entry(
                                op,
                                statement.location,
                                Mapping(tuple(keys), statement.location),
                            )
                            for op, keys in conditions.items()
                        ),
                        statement.location,
                    ),
                )
            )
        statements.append(Mapping(tuple(entries), statement.location))
    return Mapping(
        (
            Entry("Version", here, Text(("2012-10-17",), here)),
            Entry("Statement", here, Seq(tuple(statements), here)),
        ),
        here,
    )


def documents(
    instance: ModuleInstance, name: str
) -> tuple[Block, list[tuple[str, PolicyDocument]]] | None:
    """Every instance of one data block, built once per module instance."""
    cache = instance.cache.setdefault(_CACHE, {})
    if name in cache:
        return cache[name]
    block = instance.module.labelled("data", KIND, name)
    if block is None:
        return None
    cache[name] = (block, [])  # a document that merges itself sees no statements
    address = f"{instance.address}data.{KIND}.{name}"
    built = [
        (key, _build(instance, block, f"{address}{key}", names))
        for key, names in instance_names(instance, block, address)
    ]
    cache[name] = (block, built)
    return cache[name]


def _build(
    instance: ModuleInstance, block: Block, address: str, names: dict[str, Value]
) -> PolicyDocument:
    attrs = block.body.attributes
    merged: list[Statement] = []

    sources = [
        _merge_inputs(instance, attrs[n], address, names)
        for n in ("source_json", "source_policy_documents")
        if n in attrs
    ]
    seen: dict[str, Statement] = {}
    for statements in (s for group in sources for s in group):
        for statement in statements:
            sid = statement.sid_text
            if sid and sid in seen:
                _duplicate(
                    instance,
                    statement,
                    seen[sid],
                    address,
                    "among the source_policy_documents",
                )
            elif sid:
                seen[sid] = statement
        _merge(merged, statements)

    own = _own_statements(instance, block, address, names)
    seen = {}
    broken = ""
    for statement in own:
        sid = statement.sid_text
        if sid and sid in seen:
            _duplicate(instance, statement, seen[sid], address, "in this document")
            broken = f"sid {sid!r} is used twice, so the AWS provider fails the plan"
        elif sid:
            seen[sid] = statement
    if broken:
        merged.extend(own)  # the plan fails: keep every statement for the checks
    else:
        _merge(merged, own)

    for n in ("override_json", "override_policy_documents"):
        if n in attrs:
            for statements in _merge_inputs(instance, attrs[n], address, names):
                _merge(merged, statements)

    return PolicyDocument(address, KIND, block.location, tuple(merged), broken=broken)


def _merge(merged: list[Statement], statements: list[Statement]) -> None:
    """The provider's merge: a known sid replaces its namesake, others append."""
    for statement in statements:
        sid = statement.sid_text
        for i, existing in enumerate(merged):
            if sid and existing.sid_text == sid:
                merged[i] = statement
                break
        else:
            merged.append(statement)


def _duplicate(
    instance: ModuleInstance,
    statement: Statement,
    first: Statement,
    address: str,
    where: str,
) -> None:
    sid_location = statement.sid.location if statement.sid else statement.location
    first_location = first.sid.location if first.sid else first.location
    instance.gaps.append(
        Gap(
            "duplicate-sid",
            f"sid {statement.sid_text!r} is used twice {where} (first at "
            f"{first_location.file}:{first_location.line}); the AWS provider fails "
            "the plan, so give each statement its own sid",
            sid_location,
            address,
        )
    )


def _own_statements(
    instance: ModuleInstance, block: Block, address: str, names: dict[str, Value]
) -> list[Statement]:
    found, unknown = expand_blocks(instance, block.body, "statement", names)
    for _, value in unknown:
        instance.gaps.append(
            unresolved_gap('dynamic "statement" iterates over', value, address)
        )
    return [
        hcl_statement(child, instance, bound, index, address)
        for index, (child, bound) in enumerate(found)
    ]


def _merge_inputs(
    instance: ModuleInstance, attr, address: str, names: dict[str, Value]
) -> list[list[Statement]]:
    """The statements of each document given to a merge argument, in order."""
    value = instance.value(attr, **names)
    found: list[list[Statement]] = []
    for item in value.items if isinstance(value, Seq) else (value,):
        policy = read_policy(item, attr.name, attr.location, address, instance.gaps)
        if isinstance(policy, PolicyDocument):
            policy.consumers.append(Consumer(address, "merged", attr.location))
            found.append(list(policy.statements))
        elif policy is not None:
            found.append(json_statements(policy, address, instance.gaps))
    return found
