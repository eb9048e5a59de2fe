"""How many of the packaged triggers produce their events on the emulator.

    python tools/trigger_coverage.py            # one line per trigger, then the count
    python tools/trigger_coverage.py --missing  # only the triggers the emulator cannot model yet

Each trigger runs as ``stripecli trigger NAME --local`` (in this process) on its own fresh
emulator data directory, with test-clock advances completing at once; a trigger counts when it
exits 0, which ``trigger --local`` does only when every event its fixture is for was recorded,
caused by the fixture's own requests.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def run_all(names: list[str] | None = None) -> list[tuple[str, int, str]]:
    """(name, exit code, last line of stderr) for each trigger."""
    os.environ["STRIPECLI_EMULATOR_ADVANCE_SECONDS"] = "0"
    from stripecli.cli import main
    from stripecli.fixtures import catalog, verify

    verify.WAIT_SECONDS = 0.5
    results = []
    with tempfile.TemporaryDirectory(prefix="stripecli-triggers-") as base:
        for i, name in enumerate(names or catalog.names()):
            os.environ["STRIPECLI_DATA_DIR"] = os.path.join(base, str(i))
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                code = main(["trigger", name, "--local"])
            lines = err.getvalue().strip().splitlines()
            results.append((name, code, lines[-1] if lines else ""))
    return results


def main() -> int:
    results = run_all()
    missing_only = "--missing" in sys.argv[1:]
    for name, code, line in results:
        if code == 0 and not missing_only:
            print(f"ok    {name}")
        elif code != 0:
            print(f"FAIL  {name}: {line.removeprefix('error: ')}")
    produced = sum(1 for _, code, _ in results if code == 0)
    print(f"{produced} of {len(results)} triggers produce their events on the emulator")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
