"""The training engine: loops, early stopping and the per-epoch report stream (no UI imports)."""

from regtui.engine.reports import STOP_REASONS, EpochReport, RunInfo, RunResult, stop_phrase
from regtui.engine.runs import Outcome, RunFailure, RunListener, StopRequest, run_all
from regtui.engine.tasks import TASKS, TaskKind, task_of
from regtui.engine.trainer import Trainer

__all__ = ["STOP_REASONS", "TASKS", "EpochReport", "Outcome", "RunFailure", "RunInfo",
           "RunListener", "RunResult", "StopRequest", "TaskKind", "Trainer", "run_all", "stop_phrase",
           "task_of"]
