"""Read a Terraform file and parse it with python-hcl2 into a positioned tree."""

from __future__ import annotations

import logging
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import hcl2
from hcl2.rules.base import BodyRule, StartRule
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)

from tfcheck.findings import Location
from tfcheck.parse.prefilter import relevant_text
from tfcheck.parse.source import SourceFile

LOG = logging.getLogger(__name__)

# A heredoc end marker followed by blanks: Terraform accepts it, python-hcl2
# does not (python-hcl2 issue 343), so a failed parse is retried without them.
_MARKER_WITH_BLANKS = re.compile(r"^([ \t]*[A-Za-z][A-Za-z0-9._-]*)[ \t]+(\r?)$", re.M)

# `${aws:username}` in a Terraform string is an interpolation, not the IAM
# policy variable the author meant.
_POLICY_VARIABLE = re.compile(r"\$\{\s*[A-Za-z0-9-]+:")


@dataclass(frozen=True)
class ParsedFile:
    source: SourceFile
    tree: StartRule


@dataclass(frozen=True)
class FileProblem:
    """Why a file could not be parsed, where, and how bad that is."""

    location: Location
    message: str
    fatal: bool = True
    # Not read at all (too large, not a regular file), rather than unparsable.
    skipped: bool = False


# Larger files are reported, not read (see the file-not-read rule).
DEFAULT_MAX_BYTES = 8 << 20


def read_source(
    path: Path, display: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> SourceFile | FileProblem:
    """Decode a file as Terraform does: UTF-8, with an optional byte-order mark."""
    try:
        # stat first: opening a FIFO would block, and a huge file would fill memory.
        info = path.stat()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return FileProblem(Location(display, 1, 1), f"cannot read file: {reason}")
    if not stat.S_ISREG(info.st_mode):
        return FileProblem(
            Location(display, 1, 1),
            f"not a regular file ({_kind(info.st_mode)}), so it was not read; "
            "exclude it with --exclude",
            fatal=False,
            skipped=True,
        )
    if info.st_size > max_bytes:
        return FileProblem(
            Location(display, 1, 1),
            f"file is {info.st_size / (1 << 20):.1f} MiB, over the "
            f"{round(max_bytes / (1 << 20), 2):g} MiB limit, so it was not checked; "
            "raise --max-file-size if it belongs here",
            fatal=False,
            skipped=True,
        )

    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return FileProblem(Location(display, 1, 1), f"cannot read file: {reason}")

    if b"\x00" in data[:8192]:
        return FileProblem(
            Location(display, 1, 1),
            "binary file, not Terraform text; exclude it with --exclude",
        )

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = data[exc.start]
        return FileProblem(
            Location(display, line, column),
            f"byte 0x{byte:02x} is not UTF-8; Terraform reads only UTF-8, "
            "so re-save the file as UTF-8",
        )

    if text.startswith("\ufeff"):
        text = text[1:]
    return SourceFile(display, text)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def parse_source(source: SourceFile) -> ParsedFile | FileProblem:
    """Parse decoded text; a failure becomes a located, one-line problem."""
    if not source.text.strip():
        return FileProblem(
            Location(source.path, 1, 1), "file is empty; nothing to check", fatal=False
        )

    # Blocks that cannot matter are blanked, keeping every line and column.
    filtered = relevant_text(source.text)
    if not filtered.strip():
        # Nothing but blanked blocks: an empty body, without loading the parser.
        return ParsedFile(source, StartRule([BodyRule([])]))

    try:
        return ParsedFile(source, hcl2.parses(filtered))
    except Exception as first:  # noqa: BLE001 - python-hcl2 raises many kinds
        error = first
    if filtered is not source.text:
        try:
            return ParsedFile(source, hcl2.parses(source.text))
        except Exception as second:  # noqa: BLE001
            error = second

    repaired = _MARKER_WITH_BLANKS.sub(r"\1\2", source.text)
    if repaired != source.text:
        try:
            tree = hcl2.parses(repaired)
        except Exception:  # noqa: BLE001
            pass
        else:
            LOG.debug(
                "%s: parsed after trimming blanks after heredoc markers", source.path
            )
            return ParsedFile(SourceFile(source.path, repaired), tree)

    return _describe(source, error)


def _describe(source: SourceFile, error: Exception) -> FileProblem:
    line, column = 1, 1
    if isinstance(error, UnexpectedInput):
        line = getattr(error, "line", 1) or 1
        column = getattr(error, "column", 1) or 1
        if line < 1:
            line, column = _last_position(source)

    if isinstance(error, UnexpectedCharacters):
        char = source.text[error.pos_in_stream : error.pos_in_stream + 1]
        reason = f"unexpected character {char!r}"
    elif isinstance(error, UnexpectedToken):
        token = error.token
        text = (str(token).strip().splitlines() or [token.type])[0][:40]
        reason = (
            "unexpected end of file"
            if token.type == "$END"
            else (f"unexpected {text!r}")
        )
    elif isinstance(error, UnexpectedEOF):
        reason = "unexpected end of file"
        line, column = _last_position(source)
    elif isinstance(error, RecursionError):
        reason = "expressions are nested too deeply to parse"
    else:
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        reason = first_line[:200]

    lines = source.text.splitlines()
    text_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if _POLICY_VARIABLE.search(text_line):
        reason += (
            "; an IAM policy variable must be written &{aws:username} in "
            "aws_iam_policy_document or $${aws:username} in other strings"
        )

    return FileProblem(
        Location(source.path, line, column), f"cannot parse Terraform: {reason}"
    )


def _last_position(source: SourceFile) -> tuple[int, int]:
    return source.position(len(source.text.rstrip("\n")))
