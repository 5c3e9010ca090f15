"""The `regtui` command (typer): parse what was asked, check it, then hand over to the
headless runner or the app. entry.py is the console script; main.py holds the commands;
data.py the `data` group; options.py what run and sweep share; exits.py how errors become
messages and exit codes."""
