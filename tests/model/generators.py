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
    """The module ``tools/<name>.py`` and the pinned wheels it builds from (``gen_model``'s)."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        tool = importlib.import_module(name)
        gen_model = importlib.import_module("gen_model")
    finally:
        sys.path.pop(0)
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        wheels = gen_model.download_wheels(CACHE)
    except (subprocess.CalledProcessError, OSError) as exc:
        pytest.skip(f"the pinned stripe wheels {gen_model.PINNED} cannot be downloaded here: {exc}")
    return tool, wheels
