"""The registered models' names, titles, tasks and descriptions, without torch.

regtui.models.nets builds its registry (MODELS, build_model) from this table; the config and the
app's form read it directly, so they can check and pair model names before torch has loaded.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelEntry:
    """What a registered model is, apart from how to build it."""

    name: str
    title: str
    task: str  # a key of regtui.engine.tasks.TASKS: "classify" (images) or "regress" (x -> y)
    description: str


MODEL_CATALOG: dict[str, ModelEntry] = {
    entry.name: entry
    for entry in (
        ModelEntry("animal_net", "AnimalNet", "classify",
                   "3072-128-32-3 MLP with ReLU (the reference's early-stopping model)"),
        ModelEntry("big_animal_net", "BigAnimalNet", "classify",
                   "3072-124-64-3 MLP with leaky ReLU (the reference's memorization model)"),
        ModelEntry("cnn", "SmallCNN", "classify",
                   "2 conv layers (16, 32 channels, 3x3, ReLU, 2x2 max pooling), then a linear "
                   "layer (not in the reference; for the input randomization tests)"),
        ModelEntry("net", "Net", "regress",
                   "1-300-500-1 MLP with leaky ReLU (the reference's overfitting model)"),
    )
}
