"""The registry of data sets regtui knows: name, task, origin and how to load it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DatasetSpec:
    """A data set regtui can train on and where its data comes from."""

    name: str
    task: str  # "classify" or "regress"
    title: str
    origin: str
    size: str
    needs_network: bool


DATASETS: dict[str, DatasetSpec] = {
    s.name: s
    for s in (
        DatasetSpec("digits", "classify", "Handwritten digits 3/5/8 (embedded default)",
                    "UCI optical digits, bundled inside scikit-learn; no download",
                    "539 images (183/182/174), 3 classes, 8x8 upsampled to 32x32x3", False),
        DatasetSpec("toy", "regress", "Toy regression (reference Section 2)",
                    "generated: 10 points X~U(0,1), Y=2X+2N(0,1); 40 test points",
                    "10 train + 40 test points", False),
    )
}
