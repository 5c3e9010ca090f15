"""Datasets as device tensors: the embedded default, image folders, downloads, label noise, toy data."""

from regtui.data.classification import ClassificationData, load_classification_data
from regtui.data.toy import ToyData, make_toy_data

__all__ = ["ClassificationData", "ToyData", "load_classification_data", "make_toy_data"]
