"""Names for runs opened together from several sessions (regtui show, regtui.load), so that
two sessions' runs of one name are never drawn as one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from regtui.engine.config import RunConfig
from regtui.engine.reports import RunResult
from regtui.experiments.seeds import group_of
from regtui.system.folder_names import NAME_MAX_BYTES, folder_key, folder_name_problem


class RunNames:
    """Names for runs opened together from several sessions, so none is drawn as another's.

    The first session to use a run name, or a seed group's name, keeps it; a later session's
    run or group of that name is prefixed by its session folder's name ("tuesday-true"), and
    a renamed group's members with it ("tuesday-true-seed1" of "tuesday-true"), so two
    sessions' groups never merge into one. A folder keeps the name it was first given.
    """

    def __init__(self) -> None:
        self._names: set[str] = set()  # folder_key()s of the run names given
        self._owners: dict[str, Path] = {}  # folder_key(line name) -> the session that has it
        self._lines: dict[tuple[Path, str], str] = {}  # (session, group or run name) -> given
        self._given: dict[Path, tuple[str, str]] = {}  # run folder -> (name, group)

    def config(self, cfg: RunConfig, folder: Path) -> RunConfig:
        """`cfg` of the run in `folder` under its name among the runs opened together."""
        real = folder.resolve()
        if real not in self._given:
            self._given[real] = self._new(cfg, real.parent)
        name, group = self._given[real]
        return cfg if (name, group) == (cfg.name, cfg.group) else cfg.replace(name=name, group=group)

    def rename(self, result: RunResult, folder: Path) -> RunResult:
        """`result` (read from `folder`) under its given name, its reports too."""
        cfg = self.config(result.info.config, folder)
        if cfg is not result.info.config:
            result.info = replace(result.info, config=cfg)
            result.history = [replace(r, run=cfg.name) for r in result.history]
        return result

    def _new(self, cfg: RunConfig, session: Path) -> tuple[str, str]:
        line = group_of(cfg)
        given = self._lines.get((session, line))
        if given is None:
            owner = self._owners.get(folder_key(line))
            given = line if owner in (None, session) else \
                unique_name(line, session.name, self._names | set(self._owners))
            self._lines[(session, line)] = given
            self._owners[folder_key(given)] = session
        name = given
        if cfg.group:  # a seed member: <group>-seed<N> follows its group's new name
            name = given + cfg.name[len(cfg.group):] if cfg.name.startswith(cfg.group) else cfg.name
            name = unique_name(name, session.name, self._names)
        self._names.add(folder_key(name))
        return name, given if cfg.group else ""


def unique_name(name: str, session: str, seen: set[str]) -> str:
    """`name`, or "<session>-<name>" (then "-2", "-3" ...) when a run of that name came first.

    A run name is one folder name (no '/'), so the session is joined with a dash; `seen`
    holds folder_key()s, as names differing in case only are one folder on some disks.
    """
    if folder_key(name) not in seen:
        return name
    base = f"{session}-{name}"
    if folder_name_problem(base):  # too long for one folder name: the name and a number
        base = name.encode()[:NAME_MAX_BYTES - 8].decode(errors="ignore").strip()
    candidate, n = base, 2
    while folder_key(candidate) in seen:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
