"""regtui: watch regularization happen in the terminal (norms, overfitting, memorization, early stopping).

The Python API, for notebooks: `regtui.run(preset, **settings)` trains and returns a Session
of runs with per-epoch metrics as plain data; `regtui.load(folder)` reads saved runs back
(see regtui.experiments.api). Both load on first use: `import regtui` imports no torch.
"""

from typing import TYPE_CHECKING, Any

from regtui.system.lazy import lazy_exports

if TYPE_CHECKING:
    from regtui.experiments.api import Run, Session, load, run

__all__ = ["Run", "Session", "__version__", "load", "run"]

_api_getattr, __dir__ = lazy_exports(__name__, dict.fromkeys(("Run", "Session", "load", "run"),
                                                             "experiments.api"))


def __getattr__(name: str) -> Any:
    """The API's names on first use, and `__version__`, read from the installed metadata only
    when asked: importlib.metadata costs every command ~50 ms that only --version needs."""
    if name != "__version__":
        return _api_getattr(name)
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("regtui")
    except PackageNotFoundError:  # running from a source tree that was never installed
        value = "0.0.0+unknown"
    globals()["__version__"] = value
    return value
