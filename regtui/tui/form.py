"""Pure rules behind the settings form: run names, which models and data sets go together, what
will run."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from regtui.data.sources import DATASETS
from regtui.engine import task_of
from regtui.engine.config import RunConfig
from regtui.models.catalog import MODEL_CATALOG
from regtui.system.folder_names import NAME_MAX_BYTES, folder_key


def unique_name(base: str, taken: Iterable[str]) -> str:
    """`base`, or `base-2`, `base-3`... whichever would not share a folder with one in `taken`.

    Names are compared as folders compare them (case and Unicode form ignored), and the base
    is shortened when a suffix would push the name past the folder-name limit.
    """
    keys = {folder_key(t) for t in taken}
    name, n = base, 2
    while folder_key(name) in keys:
        suffix = f"-{n}"
        stem = base
        while len((stem + suffix).encode("utf-8")) > NAME_MAX_BYTES:
            stem = stem[:-1]
        name, n = stem.rstrip() + suffix, n + 1
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


def _fitting(registry: Mapping[str, object], task: str, default: str) -> str:
    """The default entry if it serves `task`, else the first registered one that does."""
    fits = [name for name, spec in registry.items() if spec.task == task]
    return default if default in fits else fits[0]


def paired(changed: str, model: str, data: str) -> tuple[str, str]:
    """(model, data) made consistent after the user changed one: a model trains only on data
    of its own task (the registries' `task` fields), so the other one follows."""
    model_task, data_task = MODEL_CATALOG[model].task, DATASETS[data].task
    if model_task == data_task:
        return model, data
    defaults = RunConfig()
    if changed == "model":
        return model, _fitting(DATASETS, model_task, defaults.dataset)
    return _fitting(MODEL_CATALOG, data_task, defaults.model), data


PLAN_PARTS = ("epochs", "model", "optimizer", "batch", "seed", "early stop", "device")


def _plan_parts(cfg: RunConfig) -> tuple[str, ...]:
    stop = f"early stop {cfg.patience}" if cfg.early_stopping else "no early stop"
    unit = "epochs" if task_of(cfg).has_accuracy else "steps"  # the toy counts Adam steps
    momentum = f" momentum {cfg.momentum:g}" if cfg.optimizer == "sgd" else ""  # Adam ignores it
    return (f"{cfg.epochs} {unit}", f"{cfg.model} on {cfg.dataset}",
            f"{cfg.optimizer} lr {cfg.lr:g}{momentum}", f"batch {cfg.batch_size}", f"seed {cfg.seed}", stop,
            cfg.device)


def plan(*configs: RunConfig) -> str:
    """The settings runs will use, in one short line for the status line before they start;
    a part the runs do not share reads "<part> per run" (e.g. "early stop per run")."""
    parts = [_plan_parts(c) for c in configs]
    return " · ".join(texts[0] if len(set(texts)) == 1 else f"{name} per run"
                      for name, *texts in zip(PLAN_PARTS, *parts, strict=True))


def runs_text(n: int) -> str:
    """'1 run' or 'N runs', for the app's messages."""
    return f"{n} run" if n == 1 else f"{n} runs"
