"""The training engine: loops, early stopping and the per-epoch report stream (no UI imports)."""

from regtui.engine.reports import STOP_REASONS, EpochReport, RunInfo, RunResult
from regtui.engine.trainer import Trainer

__all__ = ["STOP_REASONS", "EpochReport", "RunInfo", "RunResult", "Trainer"]
