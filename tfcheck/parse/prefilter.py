"""Skip, before parsing, the top-level blocks that cannot hold or feed a policy.

Parsing is most of tfcheck's time, and in a monorepo most blocks are
instances, networks and buckets. A resource or data block whose type is not
one tfcheck reads, and whose body names no policy-bearing argument, can only
contribute values known after apply, which tfcheck treats as unknown whether
or not it has parsed them. Such blocks are blanked out (every character but
newlines becomes a space, inside one `/* */` comment) so that the rest keeps
its exact lines and columns.

The scan is deliberately simple: it tracks strings, interpolations, heredocs,
comments and braces. When anything looks unusual (an unbalanced brace, an
unterminated string, an odd heredoc) it gives up and the whole file is parsed
as written, so a file it cannot follow is never checked differently. The
price: a syntax error inside a skipped block that the scan does not notice is
not reported; `terraform validate` reports it.
"""

from __future__ import annotations

import re

# Set to False to parse every block (the tests compare both ways).
ENABLED = True

# Block types the extractor reads, beyond any type that starts with aws_iam_.
_READ_TYPES = frozenset(
    {
        "aws_ecs_service",
        "aws_ecs_task_definition",
        "aws_kms_key",
        "aws_organizations_policy",
        "aws_s3_bucket_policy",
        "aws_ssm_activation",
        "aws_ssoadmin_permission_set_inline_policy",
        "aws_vpc_endpoint",
        "aws_vpc_endpoint_policy",
    }
)

# An argument or nested block that can hold a policy or tie one to a principal.
_POLICY_NAMES = re.compile(
    r"(?<![\w-])(policy|inline_policy|assume_role_policy|policy_arn|"
    r"managed_policy_arns|permissions_boundary|statement|task_role_arn|"
    r"execution_role_arn|enable_execute_command|iam_instance_profile|role|roles)"
    r"\s*[={]"
)

_HEADER = re.compile(r'[ \t]*(resource|data)[ \t]+"([^"\n]*)"')
_NEXT = re.compile(r'["#{}]|//|/\*|<<')
_PLAIN = re.compile(r'[^"\\\n$%{}]*')
_HEREDOC = re.compile(r"<<-?([A-Za-z_][\w-]*)\r?\n")


class _Unusual(Exception):
    """The scan cannot follow this text; parse all of it."""


def relevant_text(text: str) -> str:
    """`text` with the blocks that cannot matter blanked; or `text` itself."""
    if not ENABLED:
        return text
    try:
        blocks = _top_level_blocks(text)
    except _Unusual:
        return text

    pieces = []
    done = 0
    for start, end in blocks:
        if _matters(text, start, end):
            continue
        pieces.append(text[done:start])
        pieces.append(_blank(text[start:end]))
        done = end
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def _blank(chunk: str) -> str:
    """Spaces for every character but newlines, so positions stay put.

    The parser reads each line break as a token, about 9 µs each; a block
    comment over the lines is one token however long the block was.
    """
    lines = [" " * len(line) for line in chunk.split("\n")]
    last = next((i for i in range(len(lines) - 2, 0, -1) if len(lines[i]) >= 2), 0)
    if last and len(lines[0]) >= 2:
        lines[0] = "/*" + lines[0][2:]
        lines[last] = lines[last][:-2] + "*/"
    return "\n".join(lines)


def _matters(text: str, start: int, end: int) -> bool:
    header = _HEADER.match(text, start)
    if header is None:
        # locals, variable, output, module and the rest are always parsed.
        return True
    kind = header.group(2)
    if kind.startswith("aws_iam_") or kind in _READ_TYPES:
        return True
    body = text[start:end]
    return "ssmmessages" in body or _POLICY_NAMES.search(body) is not None


def _top_level_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each top-level block, from its line start to its `}`."""
    blocks = []
    depth = 0
    start = 0
    at = 0
    while True:
        found = _NEXT.search(text, at)
        if found is None:
            break
        token = found.group()
        at = found.end()

        if token == '"':
            at = _skip_string(text, at)
        elif token in ("#", "//"):
            newline = text.find("\n", at)
            at = len(text) if newline < 0 else newline + 1
        elif token == "/*":
            close = text.find("*/", at)
            if close < 0:
                raise _Unusual
            at = close + 2
        elif token == "<<":
            at = _skip_heredoc(text, found.start())
        elif token == "{":
            if depth == 0:
                start = text.rfind("\n", 0, found.start()) + 1
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                raise _Unusual
            if depth == 0:
                blocks.append((start, at))

    if depth != 0:
        raise _Unusual
    return blocks


def _skip_string(text: str, at: int) -> int:
    """The index after the string whose opening quote is just before `at`."""
    nested = 0
    while True:
        # Characters that change nothing are skipped in one step.
        at = _PLAIN.match(text, at).end()
        if at >= len(text):
            break
        char = text[at]
        if char == "\\":
            at += 2
            continue
        if char == "\n" and nested == 0:
            raise _Unusual
        if nested == 0 and char == '"':
            return at + 1
        if char in "$%" and text.startswith("{", at + 1):
            if text.startswith(char, at - 1) and nested == 0:
                # `$${` and `%%{` are escapes, not interpolations.
                at += 2
                continue
            nested += 1
            at += 2
            continue
        if nested:
            if char == "{":
                nested += 1
            elif char == "}":
                nested -= 1
            elif char == '"':
                at = _skip_string(text, at + 1)
                continue
        at += 1
    raise _Unusual


def _skip_heredoc(text: str, at: int) -> int:
    opening = _HEREDOC.match(text, at)
    if opening is None:
        raise _Unusual
    marker = re.escape(opening.group(1))
    closing = re.compile(rf"^[ \t]*{marker}[ \t]*\r?$", re.M).search(
        text, opening.end()
    )
    if closing is None:
        raise _Unusual
    return closing.end()
