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

from tfcheck.evaluate.functions import iterate
from tfcheck.evaluate.modules import (
    Gap,
    ModuleInstance,
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
    encoded = Encoded(
        Unknown(document.address + ".json", document.location),
        document.location,
        document,
    )
    return Mapping(
        (
            Entry("json", document.location, encoded),
            Entry("minified_json", document.location, encoded),
        ),
        document.location,
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
    built = [
        (
            key,
            _build(
                instance, block, f"{instance.address}data.{KIND}.{name}{key}", names
            ),
        )
        for key, names in instance_names(instance, block)
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
    for statement in own:
        sid = statement.sid_text
        if sid and sid in seen:
            _duplicate(instance, statement, seen[sid], address, "in this document")
        elif sid:
            seen[sid] = statement
    _merge(merged, own)

    for n in ("override_json", "override_policy_documents"):
        if n in attrs:
            for statements in _merge_inputs(instance, attrs[n], address, names):
                _merge(merged, statements)

    return PolicyDocument(address, KIND, block.location, tuple(merged))


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
    statements: list[Statement] = []
    for child in block.body.blocks:
        if child.type == "statement":
            statements.append(
                hcl_statement(child, instance, names, len(statements), address)
            )
        elif child.type == "dynamic" and child.labels[:1] == ("statement",):
            statements.extend(
                _dynamic(instance, child, address, names, len(statements))
            )
    return statements


def _dynamic(
    instance: ModuleInstance,
    block: Block,
    address: str,
    names: dict[str, Value],
    start: int,
) -> list[Statement]:
    attrs = block.body.attributes
    contents = block.body.blocks_of("content")
    if "for_each" not in attrs or not contents:
        return []
    collection = instance.value(attrs["for_each"], **names)
    if not isinstance(collection, (Seq, Mapping)):
        if isinstance(collection, Unknown):
            instance.gaps.append(
                unresolved_gap('dynamic "statement" iterates over', collection, address)
            )
        return []

    iterator = "statement"
    if "iterator" in attrs:
        # `iterator = name` is a bare word, which evaluates as an unknown name.
        named = instance.value(attrs["iterator"], **names)
        if isinstance(named, Unknown):
            iterator = named.source
        elif isinstance(named, Text) and named.known:
            iterator = named.value
    statements = []
    for key, item in iterate(collection):
        if isinstance(collection, Seq):
            key = item  # a set: the key is the element
        bound = {
            **names,
            iterator: Mapping(
                (
                    Entry("key", block.location, key),
                    Entry("value", block.location, item),
                ),
                block.location,
            ),
        }
        statements.append(
            hcl_statement(
                contents[0], instance, bound, start + len(statements), address
            )
        )
    return statements


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
