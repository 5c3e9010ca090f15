"""regtui: watch regularization happen in the terminal (norms, overfitting, memorization, early stopping).

The Python API, for notebooks: `regtui.run(preset, **settings)` trains and returns a Session
of runs with per-epoch metrics as plain data; `regtui.load(folder)` reads saved runs back
(see regtui.experiments.api). Both load on first use: `import regtui` imports no torch.
"""

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from regtui.system.lazy import lazy_exports

try:
    __version__ = version("regtui")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

if TYPE_CHECKING:
    from regtui.experiments.api import Run, Session, load, run

__all__ = ["Run", "Session", "__version__", "load", "run"]

__getattr__, __dir__ = lazy_exports(__name__, dict.fromkeys(("Run", "Session", "load", "run"),
                                                            "experiments.api"))
