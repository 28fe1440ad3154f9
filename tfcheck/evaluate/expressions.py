"""Evaluate Terraform expressions into tfcheck values, the way Terraform does.

Expressions come from python-hcl2's tree, from the JSON syntax, or from the
`${ }` of a template. Names resolve through a Scope: module variables,
locals, policy documents, module outputs, and the names that `for`,
`dynamic`, `count` and `for_each` bind. What cannot be known before apply
(resource attributes, other data sources, unsupported functions) is an
Unknown named by its source text, and it spreads to whatever uses it.
Nothing is executed, and files are read only through the module's sandbox.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Protocol

import hcl2
from hcl2.rules.base import AttributeRule
from hcl2.rules.containers import (
    ObjectElemKeyExpressionRule,
    ObjectElemKeyRule,
    ObjectRule,
    TupleRule,
)
from hcl2.rules.expressions import (
    BinaryOpRule,
    ConditionalRule,
    ExprTermRule,
    UnaryOpRule,
)
from hcl2.rules.for_expressions import ForObjectExprRule, ForTupleExprRule
from hcl2.rules.functions import FunctionCallRule
from hcl2.rules.indexing import (
    AttrSplatExprTermRule,
    FullSplatExprTermRule,
    GetAttrExprTermRule,
    GetAttrRule,
    IndexExprTermRule,
    ShortIndexRule,
    SqbIndexRule,
)
from hcl2.rules.literal_rules import (
    FloatLitRule,
    IdentifierRule,
    IntLitRule,
    KeywordRule,
    LiteralValueRule,
)
from hcl2.rules.strings import (
    HeredocTemplateRule,
    HeredocTrimTemplateRule,
    InterpolationRule,
    StringPartRule,
    StringRule,
)

from tfcheck.evaluate import functions
from tfcheck.evaluate.jsonvalues import json_value
from tfcheck.evaluate.templates import (
    ForDirective,
    IfDirective,
    Interpolation,
    Literal,
    TemplateSyntaxError,
    heredoc_body,
    parse_template,
    template_text,
)
from tfcheck.evaluate.values import (
    Atom,
    Entry,
    EvalError,
    Mapping,
    Piece,
    Seq,
    Text,
    Unknown,
    Value,
    unknowns_in,
)
from tfcheck.findings import Location
from tfcheck.parse.config import JsonExpr
from tfcheck.parse.jsontext import JsonNode
from tfcheck.parse.source import SourceFile

LOG = logging.getLogger(__name__)

# Deeper than this, an expression is unknown rather than a RecursionError.
MAX_DEPTH = 200

# Budgets that keep a hostile or runaway expression from exhausting the run:
# a bigger value, or more `for` iterations in one module, is unknown.
MAX_TEXT = 1 << 20
MAX_ITEMS = 100_000
MAX_FOR_STEPS = 50_000


class ModuleContext(Protocol):
    """What a module offers to the expressions written in it."""

    path_module: str
    path_root: str

    def variable(self, name: str, location: Location) -> Value | None: ...
    def local(self, name: str, location: Location) -> Value | None: ...
    def data(self, kind: str, name: str, location: Location) -> Value | None: ...
    def module_output(
        self, call: str, name: str, location: Location
    ) -> Value | None: ...
    def read_file(self, path: str, location: Location) -> SourceFile: ...


@dataclass(frozen=True)
class Scope:
    """The names an expression can see."""

    module: ModuleContext | None = None
    names: dict[str, Value] = field(default_factory=dict)
    # templatefile() templates see only their variables and functions.
    isolated: bool = False

    def bind(self, **names: Value) -> Scope:
        return Scope(self.module, {**self.names, **names}, self.isolated)


EMPTY_SCOPE = Scope()

# Why a reference is unknown, by its root name.
_REASONS = {
    "var": "has no default and no value from tfvars, --var or --var-file",
    "local": "is not a local value tfcheck could evaluate",
    "data": "is read from AWS at plan time",
    "module": "is not an output tfcheck could evaluate",
    "each": "depends on a for_each that is not known",
    "count": "depends on a count that is not known",
    "path": "is not a path tfcheck knows",
    "terraform": "is known only when Terraform runs",
    "self": "is known only after apply",
}

# Roots that are module context, not values; their first step names the thing.
_ROOTS = {
    "var",
    "local",
    "data",
    "module",
    "path",
    "count",
    "each",
    "terraform",
    "self",
}


class Evaluator:
    """Evaluates expressions written in one source file, in one scope."""

    def __init__(self, source: SourceFile, scope: Scope = EMPTY_SCOPE) -> None:
        self.source = source
        self.scope = scope
        self.depth = 0

    def with_scope(self, scope: Scope) -> Evaluator:
        child = Evaluator(self.source, scope)
        child.depth = self.depth
        return child

    # --- locations and source text -----------------------------------------

    def location(self, node: Any) -> Location:
        meta = node._meta
        return self.source.span(meta.start_pos, meta.end_pos)

    def source_text(self, node: Any) -> str:
        meta = node._meta
        return " ".join(self.source.text[meta.start_pos : meta.end_pos].split())

    def unknown(self, node: Any) -> Unknown:
        return Unknown(self.source_text(node), self.location(node))

    # --- the entry points ----------------------------------------------------

    def evaluate(self, node: Any) -> Value:
        """The value of an expression; an EvalError where Terraform would fail."""
        if isinstance(node, JsonExpr):
            return self._json(node.node, node.source)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                return self.unknown(node)
            value = self._evaluate(node)
            if _too_big(value):
                return Unknown(
                    self.source_text(node),
                    self.location(node),
                    f"is larger than tfcheck evaluates ({MAX_TEXT} characters or "
                    f"{MAX_ITEMS} elements)",
                )
            return value
        except RecursionError:
            return self.unknown(node)
        finally:
            self.depth -= 1

    def _step(self) -> bool:
        """Count one `for` iteration against the module's budget."""
        module = self.scope.module
        if not isinstance(getattr(module, "for_steps", None), int):
            return True
        module.for_steps += 1  # type: ignore[union-attr]
        return module.for_steps <= MAX_FOR_STEPS  # type: ignore[union-attr]

    def value(self, node: Any) -> Value:
        """Like evaluate, but an expression Terraform would reject is unknown."""
        try:
            return self.evaluate(node)
        except EvalError as error:
            return Unknown(
                self._describe(node), error.location, f"cannot be evaluated: {error}"
            )

    def _describe(self, node: Any) -> str:
        if isinstance(node, JsonExpr):
            return "expression"
        return self.source_text(node)

    # --- expression kinds ----------------------------------------------------

    def _evaluate(self, node: Any) -> Value:
        while isinstance(node, ExprTermRule):
            node = node.expression

        if isinstance(node, StringRule):
            return self._string(node)
        if isinstance(node, (HeredocTemplateRule, HeredocTrimTemplateRule)):
            return self._heredoc(node)
        if isinstance(node, (IntLitRule, FloatLitRule)):
            return Atom(node.serialize(), self.location(node))
        if isinstance(node, LiteralValueRule):
            word = self.source_text(node)
            return Atom({"true": True, "false": False}.get(word), self.location(node))
        if isinstance(node, TupleRule):
            items = tuple(self.evaluate(item) for item in node.elements)
            return Seq(items, self.location(node))
        if isinstance(node, ObjectRule):
            return self._object(node)
        if isinstance(node, FunctionCallRule):
            return self._call(node)
        if isinstance(node, ConditionalRule):
            return self._conditional(node)
        if isinstance(node, BinaryOpRule):
            return self._binary(node)
        if isinstance(node, UnaryOpRule):
            return self._unary(node)
        if isinstance(node, (ForTupleExprRule, ForObjectExprRule)):
            return self._for(node)
        if isinstance(
            node,
            (
                IdentifierRule,
                GetAttrExprTermRule,
                IndexExprTermRule,
                FullSplatExprTermRule,
                AttrSplatExprTermRule,
            ),
        ):
            return self._traversal(node)
        return self.unknown(node)

    def _object(self, node: ObjectRule) -> Mapping:
        entries = []
        for element in node.elements:
            key_node = element.key
            key_location = self.location(key_node)
            key = self._key(key_node)
            if isinstance(key, Unknown):
                entries.append(Entry("${" + key.source + "}", key_location, key))
                continue
            entries.append(Entry(key, key_location, self.evaluate(element.expression)))
        return Mapping(tuple(entries), self.location(node))

    def _key(self, node: Any) -> str | Unknown:
        if isinstance(node, ObjectElemKeyRule):
            inner = node.value
            # A bare word is the key itself, never a reference.
            if isinstance(inner, (IdentifierRule, KeywordRule)):
                return self.source_text(inner)
            if isinstance(inner, (IntLitRule, FloatLitRule)):
                return str(inner.serialize())
            value = self.value(inner)
        elif isinstance(node, ObjectElemKeyExpressionRule):
            value = self.value(node.expression)
        else:
            return self.unknown(node)
        if isinstance(value, Text) and value.known:
            return value.value
        if isinstance(value, Atom) and value.value is not None:
            return functions.to_str(value)
        return value if isinstance(value, Unknown) else self.unknown(node)

    # --- strings and templates -------------------------------------------

    def _string(self, node: StringRule) -> Value:
        parts = node.string_parts
        if all(isinstance(p, StringPartRule) for p in parts) and not any(
            type(p.content).__name__.startswith("Template") for p in parts
        ):
            return self._simple_string(node, parts)

        # A string with %{ } directives: read its text as a template.
        meta = node._meta
        start, end = meta.start_pos + 1, meta.end_pos - 1
        text = self.source.text[start:end]
        return self.template(text, list(range(start, end)), self.location(node), True)

    def _simple_string(self, node: StringRule, parts: list) -> Value:
        pieces: list[Piece] = []
        only: Value | None = None
        for part in parts:
            content = part.content
            start = part._meta.start_pos
            if isinstance(content, InterpolationRule):
                value = self.evaluate(content.expression)
                if len(parts) == 1:
                    # "${x}" alone is x itself, whatever its type.
                    only = value
                pieces.extend(self._interpolated(value, content.expression))
                continue
            raw = str(content.value)
            kind = content.lark_name()
            if kind == "STRING_CHARS":
                literal = parse_template(
                    raw, list(range(start, start + len(raw))), True
                )
                for item in literal:
                    pieces.append(Piece(item.text, self.source, item.offsets))
            else:  # `$${` or `%%{`: a literal `${` or `%{`
                offsets = (start,) + tuple(range(start + 2, start + len(raw)))
                pieces.append(Piece(raw[1:], self.source, offsets))
        if only is not None:
            return only
        return template_text(pieces, self.location(node))

    def _interpolated(self, value: Value, node: Any) -> list[Piece]:
        if isinstance(value, Text):
            return Piece.from_text(value)
        if isinstance(value, Atom):
            if value.value is None:
                raise EvalError(
                    "a null value cannot be written into a string", value.location
                )
            return [Piece(functions.to_str(value), None, ())]
        if isinstance(value, Unknown):
            return [Piece.hole_for(value)]
        where = node if isinstance(node, Location) else self.location(node)
        raise EvalError("a list, map or object cannot be written into a string", where)

    def _heredoc(self, node: HeredocTemplateRule) -> Value:
        trim = isinstance(node, HeredocTrimTemplateRule)
        body = heredoc_body(str(node.heredoc.value), node._meta.start_pos, trim)
        if body is None:
            return self.unknown(node)
        text, offsets = body
        return self.template(text, offsets, self.location(node), False)

    def template(
        self, text: str, offsets: list[int], location: Location, quoted: bool
    ) -> Value:
        """Render template text whose characters sit at `offsets` in the source."""
        try:
            nodes = parse_template(text, offsets, quoted)
        except TemplateSyntaxError as error:
            raise EvalError(
                f"template syntax: {error}", self.source.point(error.offset)
            ) from None
        if len(nodes) == 1 and isinstance(nodes[0], Interpolation):
            return self._hole_value(nodes[0])
        pieces = self._render(nodes)
        if isinstance(pieces, Unknown):
            return pieces
        return template_text(pieces, location)

    def _render(self, nodes: tuple | list) -> list[Piece] | Unknown:
        pieces: list[Piece] = []
        for node in nodes:
            if isinstance(node, Literal):
                pieces.append(Piece(node.text, self.source, node.offsets))
            elif isinstance(node, Interpolation):
                value = self._hole_value(node)
                pieces.extend(self._interpolated(value, self.source.point(node.offset)))
            elif isinstance(node, IfDirective):
                condition = self._hole_value(node.condition)
                if isinstance(condition, Unknown) or not isinstance(condition, Atom):
                    return _first_unknown(
                        condition,
                        self.source.point(node.condition.offset),
                        "%{ if " + node.condition.expression + " }",
                    )
                branch = node.then if functions.truthy(condition) else node.otherwise
                rendered = self._render(branch)
                if isinstance(rendered, Unknown):
                    return rendered
                pieces.extend(rendered)
            elif isinstance(node, ForDirective):
                collection = self._hole_value(node.collection)
                if isinstance(collection, Unknown):
                    return collection
                for key, item in functions.iterate(collection):
                    names = {node.value: item}
                    if node.key:
                        names[node.key] = key
                    inner = self.with_scope(self.scope.bind(**names))
                    rendered = inner._render(node.body)
                    if isinstance(rendered, Unknown):
                        return rendered
                    pieces.extend(rendered)
        return pieces

    def _hole_value(self, hole: Interpolation) -> Value:
        node, source = parse_expression(hole.expression, self.source, hole.offset)
        if node is None:
            raise EvalError(
                f"cannot parse {hole.expression.strip()!r}",
                self.source.point(hole.offset),
            )
        inner = Evaluator(source, self.scope)
        inner.depth = self.depth
        return inner.evaluate(node)

    # --- operators -----------------------------------------------------------

    def _conditional(self, node: ConditionalRule) -> Value:
        condition = self.evaluate(node.condition)
        if not isinstance(condition, Atom):
            if isinstance(condition, Unknown):
                return condition
            return _first_unknown(
                condition,
                self.location(node.condition),
                self.source_text(node.condition),
            )
        branch = node.if_true if functions.truthy(condition) else node.if_false
        return self.evaluate(branch)

    def _binary(self, node: BinaryOpRule) -> Value:
        left = self.evaluate(node.expr_term)
        term = node.binary_term
        operator = self.source_text(term.binary_operator)
        right = self.evaluate(term.expr_term)
        return functions.binary(operator, left, right, self.location(node))

    def _unary(self, node: UnaryOpRule) -> Value:
        operand = self.evaluate(node.expr_term)
        return functions.unary(node.operator.strip(), operand, self.location(node))

    def _for(self, node: ForTupleExprRule | ForObjectExprRule) -> Value:
        intro = node.for_intro
        collection = self.evaluate(intro.iterable)
        if isinstance(collection, Unknown):
            return collection
        first = self.source_text(intro.first_iterator)
        second = intro.second_iterator
        second_name = self.source_text(second) if second is not None else None
        location = self.location(node)

        items: list[Value] = []
        entries: dict[str, list[Value]] = {}
        entry_locations: dict[str, Location] = {}
        for key, item in functions.iterate(collection):
            if not self._step():
                return Unknown(
                    self.source_text(node),
                    location,
                    f"needs more than {MAX_FOR_STEPS} for iterations in this "
                    "module, more than tfcheck evaluates",
                )
            names = {first: key, second_name: item} if second_name else {first: item}
            inner = self.with_scope(self.scope.bind(**names))
            if node.condition is not None:
                keep = inner.evaluate(node.condition.condition_expr)
                if isinstance(keep, Unknown):
                    return keep
                if not functions.truthy(keep):
                    continue
            if isinstance(node, ForTupleExprRule):
                items.append(inner.evaluate(node.value_expr))
                continue
            key_value = inner.evaluate(node.key_expr)
            if isinstance(key_value, Unknown):
                return key_value
            name = functions.to_str(key_value)
            entries.setdefault(name, []).append(inner.evaluate(node.value_expr))
            entry_locations.setdefault(name, key_value.location)

        if isinstance(node, ForTupleExprRule):
            return Seq(tuple(items), location)
        grouped = node.ellipsis is not None
        result = []
        for name, values in entries.items():
            if grouped:
                value: Value = Seq(tuple(values), location)
            elif len(values) > 1:
                raise EvalError(f"duplicate key {name!r} in a for expression", location)
            else:
                value = values[0]
            result.append(Entry(name, entry_locations[name], value))
        return Mapping(tuple(result), location)

    # --- function calls ------------------------------------------------------

    def _call(self, node: FunctionCallRule) -> Value:
        names = [self.source_text(ident) for ident in node.identifiers]
        args = list(node.arguments.arguments) if node.arguments else []
        location = self.location(node)
        if len(names) != 1:
            # provider::aws::arn_build(...) and friends run provider code.
            return Unknown(
                self.source_text(node),
                location,
                "calls a provider function, which tfcheck does not run",
            )
        name = names[0]

        if name == "try":
            for arg in args:
                try:
                    value = self.evaluate(arg)
                except EvalError:
                    continue
                return value
            raise EvalError("no argument of try() could be evaluated", location)
        if name == "can":
            if len(args) != 1:
                raise EvalError("can() takes one argument", location)
            try:
                value = self.evaluate(args[0])
            except EvalError:
                return Atom(False, location)
            unknown = next(unknowns_in(value), None)
            return unknown if unknown is not None else Atom(True, location)

        if node.arguments is not None and node.arguments.has_ellipsis and args:
            *fixed, spread = args
            values = [self.evaluate(arg) for arg in fixed]
            expanded = self.evaluate(spread)
            if isinstance(expanded, Unknown):
                return expanded
            values.extend(item for _, item in functions.iterate(expanded))
        else:
            values = [self.evaluate(arg) for arg in args]

        if name in ("file", "templatefile"):
            return self._file_function(name, values, location)
        implementation = functions.FUNCTIONS.get(name)
        if implementation is None:
            return Unknown(
                self.source_text(node),
                location,
                f"uses {name}(), which tfcheck does not evaluate",
            )
        return implementation(values, location)

    def _file_function(self, name: str, args: list[Value], location: Location) -> Value:
        if not args:
            raise EvalError(f"{name}() needs a path", location)
        path = args[0]
        if isinstance(path, Unknown):
            return path
        if not isinstance(path, Text):
            raise EvalError(f"{name}() needs a path string", location)
        if not path.known:
            return path.unknowns()[0]
        module = self.scope.module
        if module is None:
            return Unknown(f"{name}({path.value!r})", location)
        source = module.read_file(path.value, location)

        if name == "file":
            offsets = list(range(len(source.text)))
            return Text(
                (source.text,),
                source.span(0, len(source.text)),
                (Piece(source.text, source, tuple(offsets)),),
            )

        variables = args[1] if len(args) > 1 else Mapping((), location)
        if isinstance(variables, Unknown):
            return variables
        if not isinstance(variables, Mapping):
            raise EvalError("templatefile() needs a map of variables", location)
        names = {entry.key: entry.value for entry in variables.entries}
        scope = Scope(module, names, isolated=True)
        renderer = Evaluator(source, scope)
        return renderer.template(
            source.text,
            list(range(len(source.text))),
            source.span(0, len(source.text)),
            False,
        )

    # --- references ----------------------------------------------------------

    def _traversal(self, node: Any) -> Value:
        root, steps = _flatten(node)
        if root is None:
            return self._apply(self.evaluate(steps[0][1]), steps[1:], node)

        name = self.source_text(root)
        if name in self.scope.names:
            return self._apply(self.scope.names[name], steps, node)
        if self.scope.isolated:
            raise EvalError(
                f"templatefile() variable {name!r} is not set", self.location(root)
            )
        if name not in _ROOTS:
            # A resource attribute: known only after apply.
            return self._unknown_reference(node, steps)

        module = self.scope.module
        attrs = [s[1] for s in steps[:2] if s[0] == "attr"]
        location = self.location(node)
        value: Value | None = None
        used = 1
        if module is None or not attrs:
            value = None
        elif name == "var":
            value = module.variable(attrs[0], location)
        elif name == "local":
            value = module.local(attrs[0], location)
        elif name == "path" and attrs[0] in ("module", "root"):
            path = module.path_module if attrs[0] == "module" else module.path_root
            value = Text((path,), location)
        elif name == "data" and len(attrs) == 2:
            value, used = module.data(attrs[0], attrs[1], location), 2
        elif name == "module" and len(attrs) == 2:
            value, used = module.module_output(attrs[0], attrs[1], location), 2
        if value is None:
            return self._unknown_reference(node, steps)
        return self._apply(value, steps[used:], node)

    def _unknown_reference(self, node: Any, steps: list) -> Unknown:
        root, _ = _flatten(node)
        name = self.source_text(root) if root is not None else ""
        reason = _REASONS.get(name, "is known only after apply")
        if name == "data" and steps[:1] == [("attr", "aws_iam_policy_document")]:
            reason = "is not a policy document defined in this module"
        module = getattr(self.scope.module, "address", "")
        return Unknown(self.source_text(node), self.location(node), reason, module)

    def _apply(self, value: Value, steps: list, node: Any) -> Value:
        for kind, arg in steps:
            if isinstance(value, Unknown):
                return value
            if kind == "attr":
                value = functions.get_attr(value, arg, self.location(node))
            elif kind == "index":
                key = (
                    self.evaluate(arg) if not isinstance(arg, int) else Atom(arg, None)
                )
                value = functions.index(value, key, self.location(node))
            elif kind == "splat":
                # The splat's own steps hold everything after it: apply them to
                # each element; a single value is a list of one, null is empty.
                if isinstance(value, Atom) and value.value is None:
                    return Seq((), self.location(node))
                items = value.items if isinstance(value, Seq) else (value,)
                return Seq(
                    tuple(self._apply(item, arg, node) for item in items),
                    self.location(node),
                )
        return value

    # --- the JSON syntax -----------------------------------------------------

    def _json(self, node: JsonNode, source: SourceFile) -> Value:
        def template(string: JsonNode) -> Value:
            start = string.start + 1
            offsets = list(range(start, start + len(string.value)))
            location = source.span(string.start, string.end)
            inner = Evaluator(source, self.scope)
            return inner.template(string.value, offsets, location, False)

        # In the JSON syntax every string is a template.
        return json_value(node, source, template)


def _first_unknown(value: Value, location: Location, source: str) -> Unknown:
    found = next(unknowns_in(value), None)
    return found if found is not None else Unknown(source, location)


def _flatten(node: Any) -> tuple[Any, list]:
    """A traversal as its root identifier and its steps.

    Steps are ("attr", name), ("index", expression node or int) and
    ("splat", [steps applied to each element]). When the traversal does not
    start at a name, the root is None and the first step is ("base", node).
    """
    steps: list = []
    while True:
        while isinstance(node, ExprTermRule):
            node = node.expression
        if isinstance(node, GetAttrExprTermRule):
            steps.append(("attr", _attr_name(node.get_attr)))
            node = node.expr_term
        elif isinstance(node, IndexExprTermRule):
            steps.append(_index_step(node.children[1]))
            node = node.children[0]
        elif isinstance(node, (FullSplatExprTermRule, AttrSplatExprTermRule)):
            splat = node.children[1]
            inner = [
                _sub_step(child) for child in splat.children[1:] if child is not None
            ]
            steps = [("splat", [*inner, *reversed(steps)])]
            node = node.children[0]
        elif isinstance(node, IdentifierRule):
            return node, list(reversed(steps))
        else:
            return None, [("base", node), *reversed(steps)]


def _attr_name(rule: GetAttrRule) -> str:
    return str(rule.children[1].serialize())


def _index_step(rule: Any) -> tuple:
    if isinstance(rule, ShortIndexRule):
        return ("index", int(str(rule.index.value)))
    if isinstance(rule, SqbIndexRule):
        return ("index", rule.index_expression)
    return ("index", rule)


def _sub_step(child: Any) -> tuple:
    if isinstance(child, GetAttrRule):
        return ("attr", _attr_name(child))
    return _index_step(child)


@lru_cache(maxsize=4096)
def _parse_positioned(text: str) -> Any:
    try:
        tree = hcl2.parses(text)
    except Exception:  # noqa: BLE001 - any parser failure means "not an expression"
        return None
    for child in tree.body.children:
        if isinstance(child, AttributeRule):
            expression = child.expression
            while isinstance(expression, ExprTermRule):
                expression = expression.expression
            if isinstance(expression, TupleRule) and len(expression.elements) == 1:
                return expression.elements[0]
    return None


def parse_expression(
    text: str, source: SourceFile, offset: int
) -> tuple[Any, SourceFile]:
    """Parse the text of a `${ }` so that its nodes keep their real positions.

    The expression is placed at its own line and column inside a synthetic
    file of the same name, so every location inside it is the true one.
    """
    line, column = source.position(offset)
    if line >= 2:
        prefix = "\n" * (line - 2) + "x=[\n" + " " * (column - 1)
    else:
        prefix = "x=[" + " " * max(0, column - 4)
    synthetic = prefix + text + "\n]\n"
    node = _parse_positioned(synthetic)
    return node, SourceFile(source.path, synthetic)


Builder = Callable[..., Value]


def _too_big(value: Value) -> bool:
    if isinstance(value, Text):
        return sum(len(p) for p in value.parts if isinstance(p, str)) > MAX_TEXT
    if isinstance(value, Seq):
        return len(value.items) > MAX_ITEMS
    if isinstance(value, Mapping):
        return len(value.entries) > MAX_ITEMS
    return False
