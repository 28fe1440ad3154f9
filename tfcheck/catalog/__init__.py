"""The catalog: what each service defines, loaded from JSON files.

A service is one JSON file in the shape of AWS's machine-readable service
reference (`Name`, `Actions`, `ConditionKeys`, `Resources`). The built-in
files sit beside this module; `--catalog DIR` adds or replaces services. One
prefix is one entry, whichever files name it. Lookups ignore case, as IAM
does for action names and condition keys.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from tfcheck.findings import Severity

LOG = logging.getLogger(__name__)

_NOT_SERVICES = {
    "provenance.json",
    "exceptions.json",
    "conditions.json",
    "managed_policies.json",
}


class CatalogError(Exception):
    """A catalog file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class Action:
    name: str
    condition_keys: frozenset[str]  # lower case
    resource_types: tuple[str, ...]


@dataclass(frozen=True)
class ConditionKey:
    name: str
    types: tuple[str, ...]


@dataclass(frozen=True)
class ResourceException:
    """A documented use of an ARN that the reference does not list."""

    id: str
    actions: frozenset[str]  # lower case; "*" for all
    arn: str
    pattern: re.Pattern[str]
    severity: Severity
    reason: str
    sources: tuple[str, ...]

    def applies_to(self, action: str) -> bool:
        return "*" in self.actions or action.lower() in self.actions


@dataclass(frozen=True)
class CredentialKey:
    """A condition key that depends on the caller's credentials, not the action."""

    name: str
    types: tuple[str, ...]
    present: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Service:
    prefix: str
    actions: dict[str, Action]  # keyed by lower-case name
    condition_keys: dict[str, ConditionKey]  # keyed by lower-case name
    resource_types: tuple[str, ...]
    version: str
    origin: str
    resource_exceptions: tuple[ResourceException, ...] = ()
    credential_keys: dict[str, CredentialKey] = field(default_factory=dict)
    # Presence classes of global keys that no request of this service has,
    # with the reason (see conditions.json).
    absent_presence: dict[str, str] = field(default_factory=dict)

    def action(self, name: str) -> Action | None:
        return self.actions.get(name.lower())

    def action_names(self) -> list[str]:
        return sorted(action.name for action in self.actions.values())


@dataclass(frozen=True)
class Catalog:
    services: dict[str, Service]  # keyed by lower-case prefix

    def service(self, prefix: str) -> Service | None:
        return self.services.get(prefix.lower())

    @property
    def version(self) -> str:
        return ",".join(f"{s.prefix}@{s.version}" for s in self.services.values())


def load_catalog(extra_dirs: Iterable[Path] = ()) -> Catalog:
    """The built-in catalog, with services from extra directories laid over it."""
    services: dict[str, Service] = {}
    builtin = resources.files("tfcheck") / "catalog"
    exceptions = _read_json(builtin / "exceptions.json", "exceptions.json")

    for entry in sorted(builtin.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".json") and entry.name not in _NOT_SERVICES:
            _add(services, _service(_read_json(entry, entry.name), entry.name))

    for directory in extra_dirs:
        if not directory.is_dir():
            raise CatalogError(f"{directory}: catalog directory does not exist")
        for path in sorted(directory.glob("*.json")):
            if path.name in _NOT_SERVICES:
                continue
            _add(services, _service(_read_json(path, str(path)), str(path)))

    for prefix, service in list(services.items()):
        services[prefix] = _with_exceptions(service, exceptions.get(prefix, {}))
    return Catalog(services)


def _add(services: dict[str, Service], service: Service) -> None:
    # A later file for the same prefix replaces the earlier one: two entries
    # for one prefix would report every finding twice.
    key = service.prefix.lower()
    if key in services:
        LOG.debug("catalog: %s replaces %s", service.origin, services[key].origin)
    services[key] = service


def _read_json(path: Any, name: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{name}: cannot read catalog file: {exc}") from None
    except json.JSONDecodeError as exc:
        raise CatalogError(
            f"{name}:{exc.lineno}:{exc.colno}: catalog file is not JSON: {exc.msg}"
        ) from None


def _service(data: Any, origin: str) -> Service:
    if not isinstance(data, dict) or not isinstance(data.get("Name"), str):
        raise CatalogError(f'{origin}: a service file needs a string "Name"')
    actions_data = data.get("Actions")
    if not isinstance(actions_data, list):
        raise CatalogError(f'{origin}: a service file needs an "Actions" list')

    actions: dict[str, Action] = {}
    for item in actions_data:
        if not isinstance(item, dict) or not isinstance(item.get("Name"), str):
            raise CatalogError(f'{origin}: every action needs a string "Name"')
        keys = frozenset(k.lower() for k in item.get("ActionConditionKeys", []))
        types = tuple(r.get("Name", "") for r in item.get("Resources", []))
        actions[item["Name"].lower()] = Action(item["Name"], keys, types)

    condition_keys = {
        k["Name"].lower(): ConditionKey(k["Name"], tuple(k.get("Types", [])))
        for k in data.get("ConditionKeys", [])
        if isinstance(k, dict) and isinstance(k.get("Name"), str)
    }
    resource_types = tuple(
        r["Name"]
        for r in data.get("Resources", [])
        if isinstance(r, dict) and "Name" in r
    )
    return Service(
        prefix=data["Name"],
        actions=actions,
        condition_keys=condition_keys,
        resource_types=resource_types,
        version=str(data.get("Version", "")),
        origin=origin,
    )


def _with_exceptions(service: Service, data: dict[str, Any]) -> Service:
    resource_exceptions = tuple(
        ResourceException(
            id=item["id"],
            actions=frozenset(a.lower() for a in item["actions"]),
            arn=item["arn"],
            pattern=re.compile(item["pattern"], re.I),
            severity=Severity.parse(item["severity"]),
            reason=item["reason"],
            sources=tuple(item["sources"]),
        )
        for item in data.get("resources", [])
    )
    credential_keys = {
        item["name"].lower(): CredentialKey(
            item["name"], tuple(item["types"]), item["present"], tuple(item["sources"])
        )
        for item in data.get("credential_condition_keys", [])
    }
    return Service(
        prefix=service.prefix,
        actions=service.actions,
        condition_keys=service.condition_keys,
        resource_types=service.resource_types,
        version=service.version,
        origin=service.origin,
        resource_exceptions=resource_exceptions,
        credential_keys=credential_keys,
        absent_presence={
            item["presence"]: item["reason"] for item in data.get("absent_presence", [])
        },
    )
