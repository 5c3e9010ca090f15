"""House rule 1: the engine, data and models import no UI library."""

import subprocess
import sys

CODE = """
import sys
import regtui.engine, regtui.data, regtui.models.nets, regtui.models.norms, regtui.engine.config
import regtui.experiments.presets
import regtui.experiments.run_folders, regtui.experiments.summary
from regtui.engine import Trainer
from regtui.engine.config import from_mapping
Trainer(from_mapping({"device": "cpu", "epochs": 1}, "t")).run()
bad = sorted(m for m in sys.modules if m.split(".")[0] in {"textual", "rich", "plotext", "typer",
                                                           "textual_plotext"})
print(",".join(bad))
"""


def test_engine_imports_no_ui_library():
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
