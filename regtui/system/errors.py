"""One home for regtui's errors and exit codes, so both front ends catch one base type.

Every error a user can cause or fix derives from RegtuiError and carries the exit code the
CLI should end with; a file-system error (OSError) is the machine's answer and ends as a
failure naming its path. `EXPECTED` is what the front ends catch, and `error_message` the one
wording of it: the CLI turns it into an `Error:` line and an exit code, the app into a
notification. Anything else reaching a front end is a bug and is left to show as one.
"""

from __future__ import annotations

import errno
import os
import re

EXIT_OK = 0  # everything asked for was done
EXIT_FAILED = 1  # the work itself failed (disk error, CUDA out of memory, download broke)
EXIT_USAGE = 2  # bad input: unknown preset, bad key or value, unusable data; fix the input
EXIT_INTERRUPTED = 130  # stopped by a signal (Ctrl-C, SIGTERM, SIGHUP) after saving what was done
EXIT_PIPE = 141  # the reader of stdout went away (`| head`): stopped quietly after saving, like SIGPIPE


class RegtuiError(Exception):
    """An error meant for people: its message says what is wrong and what to do."""

    exit_code: int = EXIT_USAGE


EXPECTED = (RegtuiError, OSError)  # what a front end catches; anything else is a bug
# C0 and C1 control characters but newline and tab: terminal commands when printed raw
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# What to do about a file-system error, by errno (the rest get no advice: the errno says it).
_ADVICE = {
    errno.ENOSPC: "free some space or choose another folder",
    errno.EDQUOT: "free some space or choose another folder",
    errno.EACCES: "check its permissions or choose another folder",
    errno.EPERM: "check its permissions or choose another folder",
    errno.EROFS: "the file system is read-only; choose another folder",
    errno.ENAMETOOLONG: "the path or one of its names is too long",
    errno.ENOENT: "check the path",
    errno.ENOTDIR: "part of the path is a file, not a folder",
}


def shown(text: object) -> str:
    """`text` (a path or a message) safe to print: undecodable bytes become \\xNN escapes, and
    control characters (but a message's newlines) \\x1b-style escapes.

    File names are bytes on POSIX; Python hands undecodable ones over as surrogate escapes,
    which cannot be printed or encoded as UTF-8. A name may also hold ESC: printed raw, it
    would be a command to the terminal (a title, colours, the clipboard).
    """
    text = os.fspath(text) if isinstance(text, os.PathLike) else text
    text = os.fsdecode(text) if isinstance(text, bytes) else str(text)
    try:
        raw = text.encode("utf-8", "surrogateescape")  # back to the bytes the file system holds
        text = raw.decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that did not come from a file name
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def reason(exc: OSError) -> str:
    """The errno text of an OSError without the path it repeats (we name the path ourselves)."""
    return exc.strerror or str(exc) or type(exc).__name__


def os_error_text(exc: OSError) -> str:
    """A file-system error for people: the path, what failed, and what to do where that is clear."""
    where = f"{shown(exc.filename)}: " if exc.filename else ""
    advice = _ADVICE.get(exc.errno or 0)
    return f"{where}{shown(reason(exc))}" + (f"; {advice}" if advice else "")


def error_message(exc: RegtuiError | OSError) -> tuple[str, int]:
    """The message and exit code of an EXPECTED error: the one mapping both front ends use."""
    if isinstance(exc, RegtuiError):
        return shown(exc), exc.exit_code
    return os_error_text(exc), EXIT_FAILED
