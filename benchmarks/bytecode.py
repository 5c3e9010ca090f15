"""Compile a source tree's bytecode before it is timed, as `pip install` does for an installed copy.

Where PYTHONDONTWRITEBYTECODE is set (as on the shared machine these figures come from), a
source tree on PYTHONPATH would otherwise be compiled again at every launch, and each launch
timed with 0.1-0.35 s of compiling (measured) that no installed regtui pays.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def compile_tree(tree: str | Path) -> None:
    """Write the bytecode of `tree`/regtui (a no-op where it is up to date)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(tree) / "regtui")], check=True,
                   stdout=subprocess.DEVNULL)
