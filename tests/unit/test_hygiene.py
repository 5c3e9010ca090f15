"""House rule 1: the engine, data and models (and experiments) import no UI library; the front
ends load the app and torch only when they need them."""

import subprocess
import sys

# Every module of the layers below the front ends, by walking the packages (not their lazy
# package faces, which would pass while importing nothing), then a real run through them.
CODE = """
import importlib, pkgutil, sys
import regtui
below = ("system", "data", "models", "engine", "experiments")
for name in below:
    package = importlib.import_module(f"regtui.{name}")
    for info in pkgutil.walk_packages(package.__path__, f"regtui.{name}."):
        importlib.import_module(info.name)
from regtui.engine.config import from_mapping
from regtui.engine.trainer import Trainer
Trainer(from_mapping({"device": "cpu", "epochs": 1}, "t")).run()
loaded = [m for m in sys.modules if m.startswith("regtui.")]
assert len(loaded) > 40, loaded  # the walk found the modules
bad = sorted(m for m in sys.modules if m.split(".")[0] in {"textual", "rich", "plotext", "typer",
                                                           "textual_plotext"})
print(",".join(bad))
"""


def test_engine_data_models_and_experiments_import_no_ui_library():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_cli_imports_the_tui_lazily():
    code = "import sys, regtui.cli.main; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_app_imports_no_torch():
    """The app paints its first screen before torch loads (it loads in a worker after that)."""
    code = "import sys, regtui.tui.app; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_app_opens_a_bundled_preset_without_torch():
    """Constructing the app validates its preset: that too must not import torch."""
    code = ("import sys; from regtui.tui.app import RegtuiApp; RegtuiApp(preset='quick'); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
