"""Seeds and a mutator shared by the hypothesis tests and scripts/fuzz.py."""

from __future__ import annotations

import random
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"

# Every Terraform fixture is a seed: they cover the syntax the checks rely on.
SEEDS = sorted(
    p
    for p in FIXTURES.rglob("*.tf")
    if "limits" not in p.parts and p.stat().st_size < 20_000
)

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
