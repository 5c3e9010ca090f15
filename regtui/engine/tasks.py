"""The declared Task seam: what each kind of task tells the trainer and the front ends, in one registry.

Models, data sets and RunConfig name their task by a key of TASKS ("classify", "regress");
code that needs to know how a task behaves asks its TaskKind here instead of comparing strings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from regtui.engine.reports import RunInfo, StepNumbers

if TYPE_CHECKING:
    import torch
    from torch import nn

    from regtui.engine.config import RunConfig


class RunStep(Protocol):
    """A run's data and model on the device; `step(epoch)` trains one epoch and measures it."""

    data: Any
    model: nn.Module

    def step(self, epoch: int) -> StepNumbers: ...


class TaskKind(Protocol):
    """What a kind of task declares: its words, what it measures, and how a run of it starts."""

    name: str  # the registry key, as in ModelSpec.task, DatasetSpec.task and RunConfig.task
    has_accuracy: bool  # accuracies, a best epoch and early stopping; otherwise losses only
    has_curve: bool  # the run snapshots a fitted curve to draw (predictions at RunInfo.x_test)
    val_words: str  # what the validation series is called in legends and charts

    def in_features(self, cfg: RunConfig) -> int:
        """Inputs per example of the model `cfg` trains (for building it before any data)."""
        ...

    def start(self, cfg: RunConfig, device: torch.device) -> RunStep:
        """Load the data onto `device` and build the seeded model and its optimizer."""
        ...

    def run_info(self, step: RunStep, **common: Any) -> RunInfo:
        """The RunInfo of a started run: `common` holds what every task has (config, layers...)."""
        ...


class Classification:
    """Images to classes (the reference's AnimalNet/BigAnimalNet): accuracies and early stopping."""

    name = "classify"
    has_accuracy = True
    has_curve = False
    val_words = "val"

    def in_features(self, cfg: RunConfig) -> int:
        return 3 * cfg.image_size**2  # RGB images, image_size pixels square

    def start(self, cfg: RunConfig, device: torch.device) -> RunStep:
        from regtui.engine.classify import ClassifyTask  # loads image code only when needed

        return ClassifyTask(cfg, device)

    def run_info(self, step: RunStep, **common: Any) -> RunInfo:
        d = step.data
        return RunInfo(**common, data_source=d.source, classes=d.classes,
                       label_changed=d.label_changed, notes=d.notes)


class Regression:
    """The toy regression (10 noisy points, y = 2x): train and test losses and a fitted curve."""

    name = "regress"
    has_accuracy = False
    has_curve = True
    val_words = "test vs 2x"  # the test loss is measured against the true line, not noisy points

    def in_features(self, cfg: RunConfig) -> int:
        return 1

    def start(self, cfg: RunConfig, device: torch.device) -> RunStep:
        from regtui.engine.regress import RegressTask

        return RegressTask(cfg, device)

    def run_info(self, step: RunStep, **common: Any) -> RunInfo:
        d = step.data
        return RunInfo(**common, data_source="toy regression (reference Section 2)",
                       points=(tuple(d.x.flatten().tolist()), tuple(d.y.flatten().tolist())),
                       x_test=tuple(d.x_test.flatten().tolist()))


TASKS: dict[str, TaskKind] = {kind.name: kind for kind in (Classification(), Regression())}


def task_of(cfg: RunConfig) -> TaskKind:
    """The TaskKind a run config trains (its model's task)."""
    return TASKS[cfg.task]
