"""The `tfcheck` command: answers `--version` before loading anything heavy."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        # CI scripts ask for the version often; typer alone takes 0.1 s to import.
        from tfcheck import __version__

        sys.stdout.write(f"tfcheck {__version__}\n")
        sys.exit(0)

    from tfcheck.cli import main as cli_main

    cli_main()
