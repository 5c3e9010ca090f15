"""Datasets as device tensors: the embedded default, image folders, downloads, label noise, toy data.

Names are imported on first use (PEP 562), so torch-free parts such as the registry in
regtui.data.sources can be imported without loading torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from regtui.system.lazy import lazy_exports

if TYPE_CHECKING:
    from regtui.data.classification import ClassificationData, load_classification_data
    from regtui.data.toy import ToyData, make_toy_data

_HOMES = {"ClassificationData": "classification", "load_classification_data": "classification",
          "ToyData": "toy", "make_toy_data": "toy"}  # exported name -> its submodule

__all__ = ["ClassificationData", "ToyData", "load_classification_data", "make_toy_data"]


__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
