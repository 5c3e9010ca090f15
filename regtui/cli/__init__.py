"""The `regtui` command (typer): parse what was asked, check it, then hand over to the
headless runner or the app. main.py holds the commands; data.py the `data` group; options.py
what run and sweep share; exits.py how errors become messages and exit codes."""


def main() -> None:
    """The console script and `python -m regtui`: the CLI, its imports and torch's with the
    garbage collector held back until the work begins (regtui.system.collector)."""
    from regtui.system.collector import hold

    hold()
    from regtui.cli.main import main as cli

    cli()
