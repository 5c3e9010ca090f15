"""Pure rules behind the settings form: run names, the toy model/data pairing, what will run."""

from __future__ import annotations

from collections.abc import Iterable

from regtui.config import RunConfig


def unique_name(base: str, taken: Iterable[str]) -> str:
    """`base`, or `base-2`, `base-3`... whichever is not in `taken`."""
    taken = set(taken)
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def form_run_name(run_name: str, run_labels: str, form_labels: str, taken: Iterable[str]) -> str:
    """A form run keeps its preset run's name unless its labels changed: then it is named
    after them ("random"), so chart legends say what was trained. Always unique."""
    return unique_name(run_name if form_labels == run_labels else form_labels, taken)


def names_for_all(names: list[str], taken: Iterable[str]) -> list[str]:
    """Unique names for a preset's runs, against the session and against each other."""
    out: list[str] = []
    for name in names:
        out.append(unique_name(name, [*taken, *out]))
    return out


def paired(changed: str, model: str, data: str) -> tuple[str, str]:
    """(model, data) made consistent after the user changed one: the toy Net trains on the
    toy data and only there."""
    if changed == "model":
        if model == "net" and data != "toy":
            return model, "toy"
        if model != "net" and data == "toy":
            return model, "digits"
    elif data == "toy" and model != "net":
        return "net", data
    elif data != "toy" and model == "net":
        return "big_animal_net", data
    return model, data


def plan(cfg: RunConfig) -> str:
    """The settings a run will use, in one short line for the status line before it starts."""
    stop = f"early stop {cfg.patience}" if cfg.early_stopping else "no early stop"
    return (f"{cfg.epochs} epochs · {cfg.model} on {cfg.dataset} · {cfg.optimizer} lr {cfg.lr:g} "
            f"momentum {cfg.momentum:g} · batch {cfg.batch_size} · seed {cfg.seed} · {stop} · "
            f"{cfg.device}")
