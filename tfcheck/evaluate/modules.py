"""Modules as Terraform evaluates them: variables, locals, calls, outputs, files.

A module is the files of one directory. A root module takes its variables
from defaults, `terraform.tfvars`, `*.auto.tfvars` (and their JSON forms),
`--var-file` and `--var`, in Terraform's order of precedence; a module called
from another with a local `source` takes them from the call. Registry and
git modules are not fetched. `file()` and `templatefile()` read only regular
files inside the scanned tree, and never through a link that leaves it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from tfcheck.evaluate.expressions import Evaluator, Scope
from tfcheck.evaluate.jsonvalues import json_value
from tfcheck.evaluate.types import ANY, convert, parse_type
from tfcheck.evaluate.values import (
    Atom,
    Entry,
    EvalError,
    Mapping,
    Seq,
    Text,
    Unknown,
    Value,
)
from tfcheck.findings import Location
from tfcheck.parse import JSON_SUFFIX, load_file
from tfcheck.parse.config import Attr, Block, Body, ConfigFile
from tfcheck.parse.hcl import FileProblem, parse_source
from tfcheck.parse.jsontext import JsonNode, JsonSyntaxError, parse_json
from tfcheck.parse.source import SourceFile

LOG = logging.getLogger(__name__)

MAX_MODULE_DEPTH = 16
MAX_READ_BYTES = 1 << 20
# count or for_each instances evaluated per block; more are reported.
MAX_INSTANCES = 256
META_ARGUMENTS = frozenset(
    {"source", "version", "count", "for_each", "providers", "depends_on"}
)


@dataclass
class Module:
    """The configuration files of one directory."""

    directory: Path  # resolved
    display: str  # relative to the working directory
    files: list[ConfigFile]

    def blocks(self, kind: str) -> Iterator[Block]:
        for config in self.files:
            yield from config.body.blocks_of(kind)

    def labelled(self, kind: str, *labels: str) -> Block | None:
        for block in self.blocks(kind):
            if block.labels[: len(labels)] == labels:
                return block
        return None


@dataclass(frozen=True)
class Gap:
    """Something evaluation or extraction could not do, for a finding."""

    kind: str  # "unresolved", "not-json", "not-analysed", "duplicate-sid"
    message: str
    location: Location
    address: str


def unresolved_gap(
    what: str,
    unknown: Unknown,
    address: str,
    consequence: str = "its statements were not checked",
    shown: str | None = None,
) -> Gap:
    """A gap for a value that is unknown: what it is, why, and what was lost."""
    reason = unknown.reason or "tfcheck could not evaluate"
    return Gap(
        "unresolved",
        f"{what} {shown or unknown.source}, which {reason}; {consequence}",
        unknown.location,
        address,
    )


DataResolver = Callable[["ModuleInstance", str, Location], "Value | None"]


@dataclass
class Workspace:
    """Everything evaluation needs that is not in one module."""

    cwd: Path
    roots: list[Path]  # resolved scan roots: nothing is read outside them
    data_resolvers: dict[str, DataResolver] = field(default_factory=dict)
    # ("file", path) and ("var", "NAME=VALUE") for root modules, in the order
    # given: as with terraform -var-file and -var, a later one wins.
    variables: list[tuple[str, str]] = field(default_factory=list)
    modules: dict[Path, Module] = field(default_factory=dict)
    sources: dict[Path, SourceFile] = field(default_factory=dict)

    def inside(self, path: Path) -> bool:
        return any(path == root or root in path.parents for root in self.roots)

    def display(self, path: Path) -> str:
        try:
            relative = os.path.relpath(path, self.cwd)
        except ValueError:
            relative = str(path)
        return relative.replace(os.sep, "/")

    def module_at(self, directory: Path) -> Module | None:
        """A module directory, loaded on first use (only inside the tree)."""
        directory = directory.resolve()
        if directory in self.modules:
            return self.modules[directory]
        if not directory.is_dir() or not self.inside(directory):
            return None
        files = []
        for path in sorted(directory.iterdir()):
            if path.name.endswith((".tf", JSON_SUFFIX)) and path.is_file():
                loaded = load_file(path, self.display(path))
                if isinstance(loaded, ConfigFile):
                    files.append(loaded)
        module = Module(directory, self.display(directory), files)
        self.modules[directory] = module
        return module

    def read(self, path: Path, location: Location) -> SourceFile:
        """A file for file()/templatefile(), or an EvalError saying why not."""
        resolved = path.resolve()
        if resolved in self.sources:
            return self.sources[resolved]
        shown = self.display(path)
        if not self.inside(resolved):
            raise EvalError(
                f"{shown} is outside the scanned tree, so it was not read", location
            )
        if not resolved.is_file():
            raise EvalError(f"{shown} is not a regular file", location)
        if resolved.stat().st_size > MAX_READ_BYTES:
            raise EvalError(
                f"{shown} is larger than 1 MiB, so it was not read", location
            )
        try:
            text = resolved.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise EvalError(f"cannot read {shown}: {exc}", location) from None
        source = SourceFile(shown, text.removeprefix("\ufeff"))
        self.sources[resolved] = source
        return source


class ModuleInstance:
    """One module as evaluated at one place: the root, or a module call."""

    def __init__(
        self,
        workspace: Workspace,
        module: Module,
        address: str = "",
        inputs: dict[str, Value] | None = None,
        root: ModuleInstance | None = None,
        depth: int = 0,
    ) -> None:
        # `for` iterations so far, against the evaluation budget.
        self.for_steps = 0
        self.workspace = workspace
        self.module = module
        self.address = address  # "" for a root, "module.x." for a call
        self.inputs = inputs
        self.root = root or self
        self.depth = depth
        self.gaps: list[Gap] = []
        self._variables: dict[str, Value | None] = {}
        self._locals: dict[str, Value | None] = {}
        self._children: dict[str, list[tuple[str, ModuleInstance]] | None] = {}
        self._busy: set[str] = set()
        self._tfvars: dict[str, Value | str] | None = None
        self.cache: dict[object, object] = {}  # for the stages after evaluation

    # --- what expressions see ---------------------------------------------

    @property
    def path_module(self) -> str:
        # Terraform runs in the root module's directory: paths are relative to it.
        relative = os.path.relpath(self.module.directory, self.root.module.directory)
        return relative.replace(os.sep, "/")

    @property
    def path_root(self) -> str:
        return "."

    def scope(self, **names: Value) -> Scope:
        return Scope(self, names)

    def evaluator(self, attr: Attr, **names: Value) -> Evaluator:
        return Evaluator(attr.source, self.scope(**names))

    def value(self, attr: Attr, **names: Value) -> Value:
        return self.evaluator(attr, **names).value(attr.expr)

    def variable(self, name: str, location: Location) -> Value | None:
        if name not in self._variables:
            self._variables[name] = self._guarded(f"var.{name}", self._variable, name)
        return self._variables[name]

    def _variable(self, name: str) -> Value | None:
        block = self.module.labelled("variable", name)
        spec = ANY
        if block is not None and "type" in block.body.attributes:
            attr = block.body.attributes["type"]
            spec = parse_type(attr.expr, Evaluator(attr.source))

        value: Value | str | None = None
        if self.inputs is not None and name in self.inputs:
            value = self.inputs[name]
        elif self.inputs is None:
            value = self._root_values().get(name)
        if value is None and block is not None and "default" in block.body.attributes:
            value = Evaluator(block.source).value(block.body.attributes["default"].expr)
        if isinstance(value, str):
            # --var: a primitive type takes the text as it is, as Terraform does.
            value = (
                Text((value,), Location("--var", 1, 1))
                if spec.primitive
                else (_cli_value(value))
            )
        return convert(value, spec) if value is not None else None

    def local(self, name: str, location: Location) -> Value | None:
        if name not in self._locals:
            self._locals[name] = self._guarded(f"local.{name}", self._local, name)
        return self._locals[name]

    def _local(self, name: str) -> Value | None:
        for block in self.module.blocks("locals"):
            attr = block.body.attributes.get(name)
            if attr is not None:
                return self.value(attr)
        return None

    def data(self, kind: str, name: str, location: Location) -> Value | None:
        resolver = self.workspace.data_resolvers.get(kind)
        if resolver is None:
            return None  # other data sources are read at plan time
        return self._guarded(f"data.{kind}.{name}", resolver, self, name, location)

    def module_output(self, call: str, name: str, location: Location) -> Value | None:
        instances = self.child(call)
        block = self.module.labelled("module", call)
        if instances is None or block is None:
            return None
        values = [(key, child._output(name)) for key, child in instances]
        if any(value is None for _, value in values):
            return None
        if "count" in block.body.attributes:
            return Seq(tuple(v for _, v in values), block.location)
        if "for_each" in block.body.attributes:
            return Mapping(
                tuple(Entry(key[2:-2], block.location, v) for key, v in values),
                block.location,
            )
        return values[0][1] if values else None

    def _output(self, name: str) -> Value | None:
        block = self.module.labelled("output", name)
        if block is None or "value" not in block.body.attributes:
            return None
        return self._guarded(
            f"output.{name}", self.value, block.body.attributes["value"]
        )

    def read_file(self, path: str, location: Location) -> SourceFile:
        candidate = Path(path)
        if not candidate.is_absolute():
            # Terraform resolves relative paths from the root module's directory.
            candidate = self.root.module.directory / candidate
        return self.workspace.read(candidate, location)

    def _guarded(self, key: str, compute: Callable, *args: object) -> Value | None:
        if key in self._busy:
            return None  # a reference cycle: Terraform rejects it, we say unknown
        self._busy.add(key)
        try:
            return compute(*args)
        finally:
            self._busy.discard(key)

    # --- root variables -----------------------------------------------------

    def _root_values(self) -> dict[str, Value | str]:
        if self._tfvars is None:
            self._tfvars = {}
            directory = self.module.directory
            names = ["terraform.tfvars", "terraform.tfvars.json"]
            names += (
                sorted(
                    p.name
                    for p in directory.iterdir()
                    if p.name.endswith((".auto.tfvars", ".auto.tfvars.json"))
                )
                if directory.is_dir()
                else []
            )
            for path in (directory / n for n in names):
                if path.is_file():
                    self._tfvars.update(self._read_tfvars(path))
            for kind, given in self.workspace.variables:
                if kind == "file":
                    self._tfvars.update(self._read_tfvars(Path(given)))
                else:
                    key, _, raw = given.partition("=")
                    self._tfvars[key.strip()] = raw  # read once its type is known
        return self._tfvars

    def _read_tfvars(self, path: Path) -> dict[str, Value]:
        display = self.workspace.display(path)
        try:
            text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
        except (OSError, UnicodeDecodeError) as exc:
            self.gaps.append(
                Gap(
                    "unresolved",
                    f"cannot read {display}: {exc}; its values were not used",
                    Location(display, 1, 1),
                    "",
                )
            )
            return {}
        source = SourceFile(display, text)
        if display.endswith(".json"):
            try:
                root = parse_json(text)
            except JsonSyntaxError as exc:
                self._bad_tfvars(source, exc.offset, str(exc))
                return {}
            if root.kind != "object":
                return {}
            return {pair.key: json_literal(pair.value, source) for pair in root.value}
        parsed = parse_source(source)
        if isinstance(parsed, FileProblem):
            if parsed.fatal:
                self.gaps.append(
                    Gap(
                        "unresolved",
                        parsed.message + "; its values were not used",
                        parsed.location,
                        "",
                    )
                )
            return {}
        from tfcheck.parse.config import from_hcl

        body = from_hcl(parsed.source, parsed.tree.body)
        return {
            name: Evaluator(parsed.source).value(attr.expr)
            for name, attr in body.attributes.items()
        }

    def _bad_tfvars(self, source: SourceFile, offset: int, reason: str) -> None:
        self.gaps.append(
            Gap(
                "unresolved",
                f"cannot parse {source.path}: {reason}; its values were not used",
                source.point(offset),
                "",
            )
        )

    # --- module calls -------------------------------------------------------

    def child(self, name: str) -> list[tuple[str, ModuleInstance]] | None:
        """The instances of one module call, keyed as count or for_each make them."""
        if name not in self._children:
            self._children[name] = self._call(name)
        return self._children[name]

    def children(self) -> list[ModuleInstance]:
        found = []
        for block in self.module.blocks("module"):
            if block.labels:
                found.extend(child for _, child in self.child(block.labels[0]) or [])
        return found

    def _call(self, name: str) -> list[tuple[str, ModuleInstance]] | None:
        block = self.module.labelled("module", name)
        if block is None:
            return None
        address = f"{self.address}module.{name}"
        source_attr = block.body.attributes.get("source")
        source = self.value(source_attr) if source_attr else None
        if not (isinstance(source, Text) and source.known):
            self._not_analysed(block, address, "its source is not a literal path")
            return None
        where = source.value
        if not where.startswith(("./", "../")):
            self._not_analysed(
                block,
                address,
                f"{where!r} is not a local path; "
                "registry and git modules are not fetched",
            )
            return None
        if self.depth >= MAX_MODULE_DEPTH:
            self._not_analysed(block, address, "modules are nested too deeply")
            return None
        module = self.workspace.module_at(self.module.directory / where)
        if module is None:
            self._not_analysed(
                block, address, f"{where!r} is not a directory inside the scanned tree"
            )
            return None

        instances = []
        for key, names in instance_names(self, block, address):
            inputs = {
                attr_name: self.value(attr, **names)
                for attr_name, attr in block.body.attributes.items()
                if attr_name not in META_ARGUMENTS
            }
            child = ModuleInstance(
                self.workspace,
                module,
                f"{address}{key}.",
                inputs,
                self.root,
                self.depth + 1,
            )
            instances.append((key, child))
        return instances

    def _not_analysed(self, block: Block, address: str, why: str) -> None:
        self.gaps.append(
            Gap(
                "not-analysed",
                f"{address} was not analysed: {why}",
                block.location,
                address,
            )
        )


def json_literal(node: JsonNode, source: SourceFile) -> Value:
    """A JSON value taken literally (tfvars files hold no expressions)."""
    return json_value(
        node,
        source,
        lambda string: Text((string.value,), source.span(string.start, string.end)),
    )


def _cli_value(raw: str) -> Value:
    """A --var value for a variable of a collection type: an HCL expression."""
    source = SourceFile("--var", f"x = {raw}\n")
    parsed = parse_source(source)
    if not isinstance(parsed, FileProblem):
        from tfcheck.parse.config import from_hcl

        attr = from_hcl(parsed.source, parsed.tree.body).attributes.get("x")
        if attr is not None:
            return Evaluator(parsed.source).value(attr.expr)
    return Text((raw,), Location("--var", 1, 1))


def instance_names(
    instance: ModuleInstance, block: Block, address: str = ""
) -> list[tuple[str, dict[str, Value]]]:
    """The instances count or for_each make of a block: (address key, names).

    An unknown expansion gives one instance whose index or key is unknown,
    so that the block's own statements are still checked. A known count of
    0, or an empty for_each, gives none; with an `address`, a note says so,
    as it does for instances beyond MAX_INSTANCES.
    """
    from tfcheck.evaluate.functions import iterate, to_str

    attrs = block.body.attributes
    if "count" in attrs:
        count = instance.value(attrs["count"])
        number = count.value if isinstance(count, Atom) else None
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            found = [
                (f"[{i}]", {"count": _meta(index=Atom(i, block.location))})
                for i in range(int(number))
            ]
            return _bounded(instance, found, attrs["count"], address)
        marker = Unknown(
            "count.index",
            attrs["count"].location,
            "depends on a count that is not known",
        )
        return [("", {"count": _meta(index=marker)})]

    if "for_each" in attrs:
        collection = instance.value(attrs["for_each"])
        if isinstance(collection, (Seq, Mapping)):
            pairs = []
            try:
                for key, item in iterate(collection):
                    if isinstance(collection, Seq):
                        key = item  # a set: each.key is the element
                    pairs.append(
                        (f'["{to_str(key)}"]', {"each": _meta(key=key, value=item)})
                    )
            except (EvalError, TypeError, ValueError):
                pairs = None
            if pairs is not None:
                return _bounded(instance, pairs, attrs["for_each"], address)
        marker = Unknown(
            "each.value",
            attrs["for_each"].location,
            "depends on a for_each that is not known",
        )
        return [("", {"each": _meta(key=marker, value=marker)})]
    return [("", {})]


def _bounded(
    instance: ModuleInstance, found: list, attr: Attr, address: str
) -> list[tuple[str, dict[str, Value]]]:
    if not found and address:
        instance.gaps.append(
            Gap(
                "unresolved",
                f"{attr.name} makes no instance of {address} with the values tfcheck "
                "read, so Terraform creates none and its statements were not checked",
                attr.location,
                address,
            )
        )
    if len(found) > MAX_INSTANCES and address:
        instance.gaps.append(
            Gap(
                "unresolved",
                f"{attr.name} makes {len(found)} instances of {address}; tfcheck "
                f"checked the first {MAX_INSTANCES} only",
                attr.location,
                address,
            )
        )
    return found[:MAX_INSTANCES]


def _meta(**fields: Value) -> Mapping:
    location = next(iter(fields.values())).location
    return Mapping(
        tuple(Entry(k, location or Location("", 0, 0), v) for k, v in fields.items()),
        location or Location("", 0, 0),
    )


def expand_blocks(
    instance: ModuleInstance, body: Body, kind: str, names: dict[str, Value]
) -> tuple[list[tuple[Block, dict[str, Value]]], list[tuple[Attr, Unknown]]]:
    """The blocks of one type as Terraform sees them, `dynamic` ones expanded.

    Returns each block with the names its content sees, and the `for_each`
    of each dynamic block that could not be expanded, with its unknown value.
    """
    from tfcheck.evaluate.functions import iterate

    found: list[tuple[Block, dict[str, Value]]] = []
    unknown: list[tuple[Attr, Unknown]] = []
    for block in body.blocks:
        if block.type == kind:
            found.append((block, names))
            continue
        if block.type != "dynamic" or block.labels[:1] != (kind,):
            continue
        attrs = block.body.attributes
        contents = block.body.blocks_of("content")
        if "for_each" not in attrs or not contents:
            continue
        collection = instance.value(attrs["for_each"], **names)
        if not isinstance(collection, (Seq, Mapping)):
            if isinstance(collection, Unknown):
                unknown.append((attrs["for_each"], collection))
            continue

        iterator = kind
        if "iterator" in attrs:
            # `iterator = name` is a bare word, which evaluates as an unknown name.
            named = instance.value(attrs["iterator"], **names)
            if isinstance(named, Unknown):
                iterator = named.source
            elif isinstance(named, Text) and named.known:
                iterator = named.value
        for key, item in iterate(collection):
            if isinstance(collection, Seq) and collection.is_set:
                key = item  # over a set, the key is the element itself
            bound = {**names, iterator: _meta(key=key, value=item)}
            found.extend((content, bound) for content in contents)
    return found, unknown
