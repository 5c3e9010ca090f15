"""One home for regtui's errors and exit codes, so both front ends catch one base type.

Every error a user can cause or fix derives from RegtuiError and carries the exit code the
CLI should end with; anything else reaching a front end is a bug or a fault of the machine.
"""

from __future__ import annotations

EXIT_OK = 0  # everything asked for was done
EXIT_FAILED = 1  # the work itself failed (disk error, CUDA out of memory, download broke)
EXIT_USAGE = 2  # bad input: unknown preset, bad key or value, unusable data; fix the input
EXIT_INTERRUPTED = 130  # stopped by a signal (Ctrl-C, SIGTERM, SIGHUP) after saving what was done
EXIT_PIPE = 141  # the reader of stdout went away (`| head`): stopped quietly after saving, like SIGPIPE


class RegtuiError(Exception):
    """An error meant for people: its message says what is wrong and what to do."""

    exit_code: int = EXIT_USAGE
