"""The training engine: loops, early stopping and the per-epoch report stream (no UI imports).

Names are imported on first use (PEP 562): the report types and tasks need no torch, so a
front end can import them and paint before torch has loaded; the run loop and the Trainer
bring torch in when first asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from regtui.system.lazy import lazy_exports

if TYPE_CHECKING:
    from regtui.engine.listener import Outcome, RunFailure, RunListener, StopRequest
    from regtui.engine.reports import STOP_REASONS, EpochReport, RunInfo, RunResult, stop_phrase
    from regtui.engine.runs import run_all
    from regtui.engine.tasks import TASKS, TaskKind, task_of
    from regtui.engine.trainer import Trainer

_HOMES = {  # exported name -> the submodule that defines it
    **dict.fromkeys(("STOP_REASONS", "EpochReport", "RunInfo", "RunResult", "stop_phrase"), "reports"),
    **dict.fromkeys(("Outcome", "RunFailure", "RunListener", "StopRequest"), "listener"),
    "run_all": "runs",
    **dict.fromkeys(("TASKS", "TaskKind", "task_of"), "tasks"),
    "Trainer": "trainer",
}

__all__ = ["STOP_REASONS", "TASKS", "EpochReport", "Outcome", "RunFailure", "RunInfo",
           "RunListener", "RunResult", "StopRequest", "TaskKind", "Trainer", "run_all", "stop_phrase",
           "task_of"]


__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
