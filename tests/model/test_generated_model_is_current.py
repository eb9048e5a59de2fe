"""The committed model is exactly what tools/gen_model.py makes from the pinned wheels."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "stripecli" / "model" / "data"
CACHE = ROOT / ".cache" / "wheels"


def test_regenerating_the_model_changes_nothing(tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_model
    finally:
        sys.path.pop(0)
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        wheels = gen_model.download_wheels(CACHE)
    except (subprocess.CalledProcessError, OSError) as exc:
        pytest.skip(f"the pinned stripe wheels {gen_model.PINNED} cannot be downloaded here: {exc}")
    out = tmp_path / "data"
    gen_model.write(gen_model.build(wheels), out)
    committed = sorted(str(p.relative_to(DATA)) for p in DATA.rglob("*.json"))
    fresh = sorted(str(p.relative_to(out)) for p in out.rglob("*.json"))
    assert fresh == committed
    stale = [name for name in fresh if (out / name).read_bytes() != (DATA / name).read_bytes()]
    assert stale == [], f"stale generated files (run python tools/gen_model.py): {stale}"

