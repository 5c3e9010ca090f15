"""The run filter (`f`): which of the session's lines the charts show, by name or by setting.

Words are separated by spaces and must all hold: `labels=random` (a setting, as in preset
files; `lr=1e-3` equals `lr=0.001`), `label_fraction=0.2,0.4` (either value), `lr!=0.01` (not
that value), `noise6` (a piece of the run's or group's name), `-seed1` (no such piece).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from regtui.engine.config import FIELDS, RunConfig
from regtui.tui.groups import Line

TRUE_WORDS, FALSE_WORDS = {"true", "on", "yes", "1"}, {"false", "off", "no", "0"}


class FilterError(ValueError):
    """A filter the user typed that cannot be read; the message says why, in one line."""


@dataclass(frozen=True)
class Term:
    """One word of a filter: a setting and its allowed values, or (key None) a piece of a name."""

    key: str | None
    values: tuple[str, ...]
    negate: bool = False

    def holds(self, line: Line) -> bool:
        """True when any run of `line` satisfies this word."""
        if self.key is None:
            names = [line.key, *(r.name for r in line.runs)]
            found = any(self.values[0] in name.lower() for name in names)
        else:
            found = any(same(r.info.config, self.key, v) for r in line.runs for v in self.values)
        return found != self.negate


def same(cfg: RunConfig, key: str, text: str) -> bool:
    """Whether setting `key` of `cfg` reads as `text` (numbers by value, switches as on/off)."""
    value: Any = getattr(cfg, key)
    if isinstance(value, bool):
        return text in (TRUE_WORDS if value else FALSE_WORDS)
    if isinstance(value, int | float):
        try:
            return float(text) == float(value)
        except ValueError:
            return False
    if isinstance(value, list | tuple):
        return text in {str(v).lower() for v in value}
    return str(value).lower() == text


@dataclass(frozen=True)
class RunFilter:
    """A parsed filter: the text as typed and its words (all must hold)."""

    text: str
    terms: tuple[Term, ...]

    def matches(self, line: Line) -> bool:
        return all(term.holds(line) for term in self.terms)


def parse_filter(text: str) -> RunFilter | None:
    """The filter `text` describes; None for an empty text (every run); FilterError if unreadable."""
    terms = []
    for word in text.lower().split():
        negate = word.startswith("-") or "!=" in word
        key, eq, values = word.lstrip("-").replace("!=", "=").partition("=")
        if not eq:
            if not key:
                raise FilterError("'-' needs a piece of a name after it, e.g. -seed1")
            terms.append(Term(None, (key,), negate))
            continue
        if key not in FIELDS:
            close = difflib.get_close_matches(key, FIELDS, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise FilterError(f"no setting {key!r}{hint}; e.g. labels=random lr=0.001 or a piece of a name")
        allowed = tuple(v for v in values.split(",") if v)
        if not allowed:
            raise FilterError(f"{key}= needs a value, e.g. {key}={example(key)}")
        choices = FIELDS[key].choices
        wrong = [v for v in allowed if choices and v not in {c.lower() for c in choices}]
        if wrong:
            raise FilterError(f"{key} is one of {', '.join(choices)}, not {wrong[0]!r}")
        terms.append(Term(key, allowed, negate))
    return RunFilter(text.strip(), tuple(terms)) if terms else None


def example(key: str) -> str:
    """An example value for setting `key` in a hint (its default)."""
    setting = FIELDS[key]
    if setting.choices:
        return str(setting.choices[0])
    return str(setting.default).lower() if setting.default not in (None, "", [], ()) else "…"
