"""Run Python in a fresh process, as a web worker starts: the project's settings, nothing
this test process has imported or connected already."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(code: str) -> list[str]:
    """The lines `code` printed."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ucp.settings", "DEBUG": "1",
           "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, text=True,
                          capture_output=True, timeout=120, check=True).stdout.splitlines()
