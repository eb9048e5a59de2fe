"""What the staleness tests of the generated data share: a generator from tools/ and the pinned
stripe wheels it reads (downloaded once into .cache/wheels; the test is skipped where they cannot
be downloaded)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "wheels"


def generator_and_wheels(name: str) -> tuple[Any, dict[str, Path]]:
    """The module ``tools/<name>.py`` and the pinned wheels it builds from."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        tool = importlib.import_module(name)
    finally:
        sys.path.pop(0)
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        wheels = tool.download_wheels(CACHE)
    except (subprocess.CalledProcessError, OSError) as exc:
        pytest.skip(f"the pinned stripe wheels {tool.PINNED} cannot be downloaded here: {exc}")
    return tool, wheels
