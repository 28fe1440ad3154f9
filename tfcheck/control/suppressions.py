"""Inline suppressions: `# tfcheck:ignore RULE[,RULE] [exp:DATE] -- reason`.

A comment on a line of code covers that line. A comment alone on its line
covers the next line of code, or, when that line opens a block, the whole
block; above a `module` block, it also covers every finding inside that
module call. `# tfcheck:ignore-file` before the first block covers the file.
Misused suppressions are findings of their own.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from tfcheck.check.rules import (
    RULES,
    suppression_expired,
    suppression_malformed,
    suppression_without_reason,
)
from tfcheck.findings import Finding, Location
from tfcheck.parse.config import Block, Body
from tfcheck.parse.source import SourceFile

_DIRECTIVE = re.compile(r"(?:#|//)\s*tfcheck:ignore(?P<file>-file)?(?P<rest>[^\n]*)$")
_DATE = re.compile(r"^exp:(\d{4}-\d{2}-\d{2})$")
# Findings that cannot be suppressed inline: the file was not read.
UNSUPPRESSIBLE = frozenset({"TFC000", "TFC001", "TFC900"})


@dataclass
class Suppression:
    location: Location  # the comment
    rules: frozenset[str]  # lower-case ids and names; "all" for every rule
    reason: str
    expires: dt.date | None
    first_line: int
    last_line: int
    module: str | None = None  # "module.x" when placed above a module call
    used: bool = False
    matched: list[Finding] = field(default_factory=list)

    def covers(self, finding: Finding) -> bool:
        if finding.rule in UNSUPPRESSIBLE:
            return False
        if not (
            "all" in self.rules
            or finding.rule.lower() in self.rules
            or finding.name in self.rules
        ):
            return False
        if self.module and (
            finding.address.startswith(self.module + ".")
            or finding.address.startswith(self.module + "[")
        ):
            return True
        where = finding.location
        return where.file == self.location.file and (
            self.first_line <= where.line <= self.last_line
        )


def parse(
    source: SourceFile, body: Body | None, today: dt.date
) -> tuple[list[Suppression], list[Finding]]:
    """The suppressions written in one file, and findings for misused ones."""
    spans = _block_spans(body) if body is not None else []
    first_block = min((start for start, _, _ in spans), default=10**9)
    lines = source.text.splitlines()
    found: list[Suppression] = []
    problems: list[Finding] = []

    for index, text in enumerate(lines):
        match = _DIRECTIVE.search(text)
        if match is None:
            continue
        line = index + 1
        location = Location(source.path, line, match.start() + 1, line, len(text) + 1)
        parsed = _parse_rest(match.group("rest"))
        if isinstance(parsed, str):
            problems.append(
                suppression_malformed.RULE.finding(
                    f"cannot read this tfcheck:ignore: {parsed}; write "
                    "tfcheck:ignore RULE[,RULE] [exp:YYYY-MM-DD] -- reason",
                    location,
                )
            )
            continue
        rules, expires, reason = parsed

        if match.group("file"):
            if line > first_block:
                problems.append(
                    suppression_malformed.RULE.finding(
                        "tfcheck:ignore-file must come before the first block of the "
                        "file; move it to the top",
                        location,
                    )
                )
                continue
            first, last, module = 1, len(lines) + 1, None
        elif text[: match.start()].strip():
            first, last, module = line, line, None  # on a line of code
        else:
            first, last, module = _next_code(lines, index, spans)

        suppression = Suppression(location, rules, reason, expires, first, last, module)
        if expires is not None and expires < today:
            problems.append(
                suppression_expired.RULE.finding(
                    f"this suppression expired on {expires.isoformat()}, so the "
                    "findings it covered are reported again; fix them or renew it "
                    "with a reason",
                    location,
                )
            )
            continue
        if not reason:
            problems.append(
                suppression_without_reason.RULE.finding(
                    "this suppression gives no reason; add one after --, for example "
                    "# tfcheck:ignore TFC102 -- why this is accepted",
                    location,
                )
            )
        found.append(suppression)
    return found, problems


def _parse_rest(rest: str) -> tuple[frozenset[str], dt.date | None, str] | str:
    head, dashes, reason = rest.partition("--")
    reason = reason.strip()
    tokens = head.replace(",", " ").split()
    rules: set[str] = set()
    expires = None
    for token in tokens:
        date = _DATE.match(token)
        if date:
            try:
                expires = dt.date.fromisoformat(date.group(1))
            except ValueError:
                return f"{token!r} is not a real date"
            continue
        lowered = token.lower()
        if lowered == "all" or lowered.startswith("aa-") or _known_rule(lowered):
            rules.add(lowered)
        else:
            return f"{token!r} is not a rule id or name (see tfcheck rules)"
    if not rules:
        return "it names no rule"
    return frozenset(rules), expires, reason


def _known_rule(lowered: str) -> bool:
    return any(lowered in (r.id.lower(), r.name) for r in RULES.values())


def _next_code(
    lines: list[str], index: int, spans: list[tuple[int, int, str | None]]
) -> tuple[int, int, str | None]:
    """The line (or block) a comment alone on its line covers."""
    for after in range(index + 1, len(lines)):
        stripped = lines[after].strip()
        if not stripped or stripped.startswith(("#", "//")):
            continue
        line = after + 1
        for start, end, module in spans:
            if start == line:
                return start, end, module
        return line, line, None
    return index + 1, index + 1, None


def _block_spans(body: Body) -> list[tuple[int, int, str | None]]:
    spans: list[tuple[int, int, str | None]] = []

    def walk(blocks: tuple[Block, ...]) -> None:
        for block in blocks:
            where = block.location
            module = None
            if block.type == "module" and block.labels:
                module = f"module.{block.labels[0]}"
            spans.append((where.line, where.end_line or where.line, module))
            walk(block.body.blocks)

    walk(body.blocks)
    return spans
