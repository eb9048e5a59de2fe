"""The committed completion scripts are what tools/gen_completions.py writes from today's tree.

If this fails, regenerate them: python tools/gen_completions.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FILES = ["stripecli.bash", "_stripecli", "stripecli.fish", "stripecli.ps1"]


def test_committed_scripts_match_the_generator(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_completions.py"), "--out", str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
    hint = "stale: run python tools/gen_completions.py"
    assert (ROOT / "completions").resolve() == (ROOT / "stripecli" / "completions").resolve()
    for where in (ROOT / "stripecli" / "completions",):
        for name in FILES:
            committed = where / name
            assert committed.exists(), f"{committed} is missing ({hint})"
            assert committed.read_bytes() == (tmp_path / name).read_bytes(), f"{committed} is {hint}"


def test_scripts_are_ascii_and_reasonably_small():
    for name in FILES:
        data = (ROOT / "stripecli" / "completions" / name).read_bytes()
        data.decode("ascii")  # PowerShell 5 reads scripts without a BOM as ANSI
        assert len(data) < 2_000_000, f"{name} is {len(data)} bytes"
