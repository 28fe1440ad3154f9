"""Reading action strings against the catalog, the way IAM matches them."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from tfcheck.catalog import Action, Catalog, Service
from tfcheck.evaluate.values import Text, Unknown
from tfcheck.extract.model import Field, Statement


@dataclass(frozen=True)
class ActionName:
    """A fully known action string, split at its colon."""

    text: Text
    prefix: str
    name: str

    @property
    def has_wildcard(self) -> bool:
        return "*" in self.name or "?" in self.name

    def __str__(self) -> str:
        return f"{self.prefix}:{self.name}"


def split(value: object) -> ActionName | None:
    if not isinstance(value, Text) or not value.known:
        return None
    prefix, colon, name = value.value.partition(":")
    if not colon:
        return None
    return ActionName(value, prefix, name)


def written_actions(statement: Statement) -> Iterator[ActionName]:
    """Every fully known action string of `actions` and `not_actions`."""
    for field in (statement.actions, statement.not_actions):
        if field is None:
            continue
        for item in field.items:
            written = split(item)
            if written is not None:
                yield written


@lru_cache(maxsize=512)
def _pattern(glob: str) -> re.Pattern[str]:
    # IAM wildcards: * is any run of characters, ? is one character.
    body = "".join(
        ".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob
    )
    return re.compile(f"^{body}$", re.I | re.S)


def wildcard_match(glob: str, name: str) -> bool:
    return bool(_pattern(glob).match(name))


def matching_actions(action: ActionName, service: Service) -> list[Action]:
    return [a for a in service.actions.values() if wildcard_match(action.name, a.name)]


def near_miss(prefix: str, catalog: Catalog) -> Service | None:
    """The catalog service a prefix was probably meant to name, if any."""
    lowered = prefix.lower()
    if not lowered or catalog.service(lowered) or any(c in lowered for c in "*?"):
        return None
    squeezed = re.sub(r"[-_ .]", "", lowered)
    if catalog.service(squeezed):
        return catalog.service(squeezed)
    close = difflib.get_close_matches(lowered, list(catalog.services), n=1, cutoff=0.85)
    return catalog.service(close[0]) if close else None


def suggest(name: str, choices: list[str]) -> str | None:
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None


@dataclass(frozen=True)
class Grant:
    """A catalog action a statement's `actions` names, and the string naming it."""

    service: Service
    action: Action
    written: ActionName


def catalog_actions(field: Field | None, catalog: Catalog) -> list[Grant]:
    """The catalog actions a field names, each once, in the order written."""
    if field is None:
        return []
    grants: dict[tuple[str, str], Grant] = {}
    for item in field.items:
        written = split(item)
        if written is None:
            continue
        service = catalog.service(written.prefix)
        if service is None:
            continue
        for action in matching_actions(written, service):
            grants.setdefault(
                (service.prefix, action.name), Grant(service, action, written)
            )
    return list(grants.values())


def touches_catalog(statement: Statement, catalog: Catalog) -> bool:
    """Whether a statement may concern a catalog service at all.

    True when an action names a catalog prefix, a near miss of one, or a
    catalog action under another prefix, or when an action is not known.
    """
    for field in (statement.actions, statement.not_actions):
        if field is None:
            continue
        for item in field.items:
            if isinstance(item, Unknown) or (isinstance(item, Text) and not item.known):
                return True
            written = split(item)
            if written is None:
                continue
            if catalog.service(written.prefix) or near_miss(written.prefix, catalog):
                return True
            if any(s.action(written.name) for s in catalog.services.values()):
                return True
    return False
