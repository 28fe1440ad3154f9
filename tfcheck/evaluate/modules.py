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
from tfcheck.parse.config import Attr, Block, ConfigFile
from tfcheck.parse.hcl import FileProblem, parse_source
from tfcheck.parse.jsontext import JsonNode, JsonSyntaxError, parse_json
from tfcheck.parse.source import SourceFile

LOG = logging.getLogger(__name__)

MAX_MODULE_DEPTH = 16
MAX_READ_BYTES = 1 << 20
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
    var_files: list[Path] = field(default_factory=list)
    cli_vars: list[str] = field(default_factory=list)
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
        self.workspace = workspace
        self.module = module
        self.address = address  # "" for a root, "module.x." for a call
        self.inputs = inputs
        self.root = root or self
        self.depth = depth
        self.gaps: list[Gap] = []
        self._variables: dict[str, Value | None] = {}
        self._locals: dict[str, Value | None] = {}
        self._children: dict[str, ModuleInstance | None] = {}
        self._busy: set[str] = set()
        self._tfvars: dict[str, Value] | None = None
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
        if self.inputs is not None and name in self.inputs:
            return self.inputs[name]
        if self.inputs is None:
            supplied = self._root_values().get(name)
            if supplied is not None:
                return supplied
        block = self.module.labelled("variable", name)
        if block is None or "default" not in block.body.attributes:
            return None
        return Evaluator(block.source).value(block.body.attributes["default"].expr)

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
        child = self.child(call)
        if child is None:
            return None
        block = child.module.labelled("output", name)
        if block is None or "value" not in block.body.attributes:
            return None
        return child._guarded(
            f"output.{name}", child.value, block.body.attributes["value"]
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

    def _root_values(self) -> dict[str, Value]:
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
            paths = [directory / n for n in names if (directory / n).is_file()]
            paths += list(self.workspace.var_files)
            for path in paths:
                self._tfvars.update(self._read_tfvars(path))
            for assignment in self.workspace.cli_vars:
                self._tfvars.update(_cli_var(assignment))
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

    def child(self, name: str) -> ModuleInstance | None:
        if name not in self._children:
            self._children[name] = self._call(name)
        return self._children[name]

    def children(self) -> list[ModuleInstance]:
        found = []
        for block in self.module.blocks("module"):
            if block.labels:
                child = self.child(block.labels[0])
                if child is not None:
                    found.append(child)
        return found

    def _call(self, name: str) -> ModuleInstance | None:
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

        # count and for_each: one instance, with its index or key unknown.
        names: dict[str, Value] = {}
        for meta in ("count", "for_each"):
            if meta in block.body.attributes:
                marker = Unknown(f"{meta} of module.{name}", block.location)
                names["count" if meta == "count" else "each"] = Mapping(
                    (
                        Entry("index", block.location, marker),
                        Entry("key", block.location, marker),
                        Entry("value", block.location, marker),
                    ),
                    block.location,
                )
        inputs = {
            attr_name: self.value(attr, **names)
            for attr_name, attr in block.body.attributes.items()
            if attr_name not in META_ARGUMENTS
        }
        return ModuleInstance(
            self.workspace, module, address + ".", inputs, self.root, self.depth + 1
        )

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


def _cli_var(assignment: str) -> dict[str, Value]:
    name, _, raw = assignment.partition("=")
    source = SourceFile("--var", f"x = {raw}\n")
    location = Location("--var", 1, 1)
    parsed = parse_source(source)
    if not isinstance(parsed, FileProblem):
        from tfcheck.parse.config import from_hcl

        attr = from_hcl(parsed.source, parsed.tree.body).attributes.get("x")
        if attr is not None:
            value = Evaluator(parsed.source).value(attr.expr)
            if not isinstance(value, Unknown):
                return {name.strip(): value}
    # Like Terraform, a value that is not an expression is a plain string.
    return {name.strip(): Text((raw,), location)}


def instance_names(
    instance: ModuleInstance, block: Block
) -> list[tuple[str, dict[str, Value]]]:
    """The instances count or for_each make of a block: (address key, names).

    Unknown or empty expansions give one instance whose index or key is
    unknown, so that the block's own statements are still checked.
    """
    attrs = block.body.attributes
    if "count" in attrs:
        count = instance.value(attrs["count"])
        if isinstance(count, Atom) and isinstance(count.value, int) and count.value > 0:
            return [
                (f"[{i}]", {"count": _meta(index=Atom(i, block.location))})
                for i in range(min(count.value, 64))
            ]
        marker = Unknown("count.index", attrs["count"].location)
        return [("", {"count": _meta(index=marker)})]
    if "for_each" in attrs:
        collection = instance.value(attrs["for_each"])
        pairs = []
        if isinstance(collection, (Seq, Mapping)):
            from tfcheck.evaluate.functions import iterate, to_str

            try:
                for key, item in iterate(collection):
                    if isinstance(collection, Seq):
                        key = item  # a set: each.key is the element
                    name = to_str(key)
                    pairs.append((f'["{name}"]', {"each": _meta(key=key, value=item)}))
            except Exception:  # noqa: BLE001 - an unusable key: fall back below
                pairs = []
        if pairs:
            return pairs[:64]
        marker = Unknown("each.value", attrs["for_each"].location)
        return [("", {"each": _meta(key=marker, value=marker)})]
    return [("", {})]


def _meta(**fields: Value) -> Mapping:
    location = next(iter(fields.values())).location
    return Mapping(
        tuple(Entry(k, location or Location("", 0, 0), v) for k, v in fields.items()),
        location or Location("", 0, 0),
    )
