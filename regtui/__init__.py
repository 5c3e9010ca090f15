"""regtui: watch regularization happen in the terminal (norms, overfitting, memorization, early stopping)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("regtui")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
