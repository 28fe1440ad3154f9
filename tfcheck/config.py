"""Settings: command line over environment over config file over defaults.

The config file is `.tfcheck.toml` (or `tfcheck.toml`, or `[tool.tfcheck]` in
`pyproject.toml`), the closest one found walking up from the first path; or
the file named by `--config` or `TFCHECK_CONFIG`; or none with `--isolated`.
Its keys are the long options' names. A bad config is an error naming the
file, the key and the reason.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from tfcheck.report import MODULES

FORMATS = ("auto", *MODULES)
SEVERITIES = ("error", "warning", "note")
FAIL_ON = ("error", "warning", "note", "none")
COLORS = ("auto", "always", "never")
CONFIG_NAMES = (".tfcheck.toml", "tfcheck.toml")

# Environment variables, by setting.
ENVIRONMENT = {
    "format": "TFCHECK_FORMAT",
    "fail_on": "TFCHECK_FAIL_ON",
    "catalog": "TFCHECK_CATALOG",
    "baseline": "TFCHECK_BASELINE",
}


class ConfigError(Exception):
    """A setting that cannot be used; the message names where it came from."""


@dataclass
class Settings:
    format: str = "auto"
    fail_on: str = "error"
    exclude: list[str] = field(default_factory=list)
    catalog: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    baseline: str | None = None
    inline_suppressions: bool = True
    color: str = "auto"
    max_annotations: int = 10
    max_file_size: float = 8.0  # MiB; larger files are reported, not read
    github_summary: bool | None = None  # None: when $GITHUB_STEP_SUMMARY is set
    report: list[str] = field(default_factory=list)  # "FORMAT=PATH"
    source: str = "defaults"  # the config file read, for messages


_LISTS = {"exclude", "catalog", "select", "ignore", "report"}


def find_config(start: Path) -> Path | None:
    """The closest config file, walking up from `start` to the file system root."""
    here = start.resolve()
    if not here.is_dir():
        here = here.parent
    for directory in (here, *here.parents):
        for name in CONFIG_NAMES:
            if (directory / name).is_file():
                return directory / name
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and "tfcheck" in _read(pyproject).get("tool", {}):
            return pyproject
    return None


def _read(path: Path) -> dict[str, Any]:
    # Imported here: most runs have no config file to read.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def load_settings(
    cli: dict[str, Any],
    first_path: Path,
    config: Path | None = None,
    isolated: bool = False,
) -> Settings:
    """Settings from the command line (`cli`, None where not given), the
    environment, the config file and the defaults, in that order."""
    settings = Settings()
    if not isolated:
        config = config or _environment_config() or find_config(first_path)
        if config is not None:
            _apply_file(settings, config)

    for name, variable in ENVIRONMENT.items():
        value = os.environ.get(variable)
        if value:
            _set(
                settings,
                name,
                value.split(",") if name in _LISTS else value,
                f"environment variable {variable}",
            )

    for name, value in cli.items():
        if value is None or value == [] or value == ():
            continue
        _set(settings, name, list(value) if name in _LISTS else value, f"--{name}")
    return settings


def _environment_config() -> Path | None:
    value = os.environ.get("TFCHECK_CONFIG")
    if not value:
        return None
    path = Path(value)
    if not path.is_file():
        raise ConfigError(f"TFCHECK_CONFIG={value}: no such file")
    return path


def _apply_file(settings: Settings, path: Path) -> None:
    data = _read(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("tfcheck", {})
    settings.source = str(path)
    known = {f.name for f in fields(Settings)} - {"source"}
    for key, value in data.items():
        name = key.replace("-", "_")
        if name == "rules" and isinstance(value, dict):
            # [rules] select/ignore and [rules.severity], as in the docs.
            for inner, inner_value in value.items():
                _set(
                    settings,
                    inner.replace("-", "_"),
                    inner_value,
                    f"{path}: key 'rules.{inner}'",
                )
            continue
        if name not in known:
            raise ConfigError(
                f"{path}: unknown key {key!r}; known keys are "
                + ", ".join(sorted(k.replace("_", "-") for k in known))
            )
        _set(settings, name, value, f"{path}: key {key!r}")


def _set(settings: Settings, name: str, value: Any, where: str) -> None:
    def bad(reason: str) -> ConfigError:
        return ConfigError(f"{where}: {reason}")

    if name == "format":
        if value not in FORMATS:
            raise bad(f"{value!r} is not one of {', '.join(FORMATS)}")
    elif name == "fail_on":
        if value not in FAIL_ON:
            raise bad(f"{value!r} is not one of {', '.join(FAIL_ON)}")
    elif name == "color":
        if value not in COLORS:
            raise bad(f"{value!r} is not one of {', '.join(COLORS)}")
    elif name in _LISTS:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("expected a list of strings")
        if name == "report":
            for item in value:
                kind, equals, target = item.partition("=")
                if not equals or not target or kind not in FORMATS:
                    raise bad(f"{item!r} is not FORMAT=PATH with a known format")
    elif name == "severity":
        if not isinstance(value, dict):
            raise bad("expected a table of rule = severity")
        for rule, level in value.items():
            if level not in SEVERITIES:
                raise bad(
                    f"severity of {rule!r}: {level!r} is not one of "
                    + ", ".join(SEVERITIES)
                )
        value = {**settings.severity, **value}
    elif name in ("inline_suppressions", "github_summary"):
        if isinstance(value, str) and value.lower() in ("true", "false"):
            value = value.lower() == "true"
        if not isinstance(value, bool):
            raise bad("expected true or false")
    elif name == "max_annotations":
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise bad("expected a whole number") from None
        if value < 0:
            raise bad("expected a whole number of 0 or more")
    elif name == "max_file_size":
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise bad("expected a size in MiB, such as 8 or 0.5") from None
        if not value > 0:
            raise bad("expected a size in MiB above 0")
    elif name == "baseline":
        if not isinstance(value, str):
            raise bad("expected a path")
    else:
        raise bad(f"unknown setting {name.replace('_', '-')!r}")
    setattr(settings, name, value)
