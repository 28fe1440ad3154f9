"""Seeds and a mutator shared by the hypothesis tests and scripts/fuzz.py."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"

# Every Terraform fixture is a seed: they cover the syntax the checks rely on.
SEEDS = sorted(
    p
    for p in FIXTURES.rglob("*.tf")
    if "limits" not in p.parts and p.stat().st_size < 20_000
)

# Plans are mutated as JSON values: most text edits only make invalid JSON,
# which the plan reader rejects on its first line.
PLAN_SEEDS = sorted(FIXTURES.rglob("plan*.json"))

# Fragments whose insertion tends to break parsers and evaluators in new ways.
_TOKENS = [
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    '"',
    "${",
    "%{",
    "<<EOT\n",
    "\nEOT\n",
    "#",
    "/*",
    "\\",
    "\r\n",
    "\ufeff",
    "\x00",
    "é",
    "=",
    ",",
    ":",
    "?",
    "...",
    "*",
    "null",
    "true",
    "1e309",
    "-0",
    "local.",
    "var.",
    "each.",
    "count.index",
    "self.",
    "ssmmessages:",
    "ssmmessage:*",
    "aws:",
    "${aws:username}",
    "jsonencode(",
    "for x in ",
    "if ",
    "=>",
    "dynamic ",
    "content {",
    "\t",
    " " * 40,
]


def mutate(text: str, rng: random.Random) -> str:
    """A few random edits: delete, duplicate, swap, or insert a token."""
    chars = list(text)
    for _ in range(rng.randint(1, 8)):
        if not chars:
            chars = list(rng.choice(_TOKENS))
        at = rng.randrange(len(chars))
        choice = rng.random()
        if choice < 0.3:
            del chars[at : at + rng.randint(1, 20)]
        elif choice < 0.5:
            span = chars[at : at + rng.randint(1, 40)]
            chars[at:at] = span
        elif choice < 0.6:
            other = rng.randrange(len(chars))
            chars[at], chars[other] = chars[other], chars[at]
        else:
            chars[at:at] = list(rng.choice(_TOKENS))
    return "".join(chars)


_ODD_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    1e309,
    "",
    "*",
    "{}",
    "not json",
    '{"Statement": 1}',
    '{"Statement": [{"Effect": "Allow", "Action": "ssmmessages:*"}]}',
    [],
    [None],
    {},
    {"": None},
]


def mutate_json(value: Any, rng: random.Random) -> Any:
    """A few edits deep inside a JSON value: replace, drop, or retype a node."""
    for _ in range(rng.randint(1, 6)):
        value = _edit(value, rng, depth=0)
    return value


def _edit(value: Any, rng: random.Random, depth: int) -> Any:
    # Stop at a random depth, more often the deeper we are.
    if not isinstance(value, (dict, list)) or not value or rng.random() < depth / 10:
        return rng.choice(_ODD_VALUES) if rng.random() < 0.7 else [value]

    if isinstance(value, dict):
        key = rng.choice(sorted(value))
        copy = dict(value)
        if rng.random() < 0.15:
            del copy[key]
        else:
            copy[key] = _edit(copy[key], rng, depth + 1)
        return copy

    index = rng.randrange(len(value))
    copy = list(value)
    if rng.random() < 0.15:
        copy.append(copy[index])
    else:
        copy[index] = _edit(copy[index], rng, depth + 1)
    return copy


def mutated_plan(rng: random.Random) -> str:
    """Plan text: a seed plan with its values edited, now and then its text."""
    seed = json.loads(rng.choice(PLAN_SEEDS).read_text())
    text = json.dumps(mutate_json(seed, rng))
    return mutate(text, rng) if rng.random() < 0.2 else text
