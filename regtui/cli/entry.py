"""The console script and `python -m regtui`: the CLI, with its imports and torch's made while
the garbage collector is held back until the work begins (regtui.system.collector)."""

from __future__ import annotations


def main() -> None:
    """Hold the collector back, then import and run the CLI (regtui.cli.main)."""
    from regtui.system.collector import hold

    hold()
    from regtui.cli.main import main as cli

    cli()
