"""How many of the packaged triggers produce their events on the emulator.

    python tools/trigger_coverage.py                # one line per trigger, then the count
    python tools/trigger_coverage.py --missing      # only the triggers the emulator cannot model yet
    python tools/trigger_coverage.py --update-docs  # rewrite that list in docs/webhooks.md

Each trigger runs as ``stripecli trigger NAME --local`` (in this process) on its own fresh
emulator data directory, with test-clock advances completing at once; a trigger counts when it
exits 0, which ``trigger --local`` does only when every event its fixture is for was recorded,
caused by the fixture's own requests.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


DOCS = ROOT / "docs" / "webhooks.md"
BEGIN = "<!-- not-modelled: begin (python tools/trigger_coverage.py --update-docs) -->"
END = "<!-- not-modelled: end -->"


def run_all(names: list[str] | None = None, wait: float = 0.5) -> list[tuple[str, int, str]]:
    """(name, exit code, last line of stderr) for each trigger; the environment is restored after."""
    from stripecli.cli import main
    from stripecli.fixtures import catalog, verify

    saved = {k: os.environ.get(k) for k in ("STRIPECLI_EMULATOR_ADVANCE_SECONDS", "STRIPECLI_DATA_DIR")}
    saved_wait = verify.WAIT_SECONDS
    os.environ["STRIPECLI_EMULATOR_ADVANCE_SECONDS"] = "0"
    verify.WAIT_SECONDS = wait
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="stripecli-triggers-") as base:
            for i, name in enumerate(names or catalog.names()):
                os.environ["STRIPECLI_DATA_DIR"] = os.path.join(base, str(i))
                err = io.StringIO()
                with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                    code = main(["trigger", name, "--local"])
                lines = err.getvalue().strip().splitlines()
                results.append((name, code, lines[-1] if lines else ""))
    finally:
        verify.WAIT_SECONDS = saved_wait
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return results


_IDS = re.compile(r"\b[a-z]+_(?:test_)?[A-Za-z0-9]{12,}\b")


def reason(line: str) -> str:
    """What the emulator lacks, from the last line ``trigger --local`` printed."""
    text = line.removeprefix("error: ")
    m = re.search(r"no (.+?) event was recorded", text)
    if m:
        return f"no {m.group(1)} event"
    m = re.search(r"step '([^']+)' \(([A-Z]+ [^)]+)\) failed: (.+?)(?: \[req_\w+\])?; nothing after", text)
    if m:
        answer = m.group(3)
        if answer.startswith("Unrecognized request URL"):
            answer = "the emulator does not serve this endpoint"
        return f"step {m.group(1)} ({m.group(2)}) is refused: {_IDS.sub('...', answer.split('. ')[0])}"
    m = re.search(r"step '([^']+)': (.+?); nothing from this step", text)
    if m:
        return f"step {m.group(1)}: {m.group(2)}"
    return text


def missing_section(results: list[tuple[str, int, str]]) -> str:
    produced = sum(1 for _, code, _ in results if code == 0)
    if produced == len(results):
        return "\n".join([BEGIN, "", f"All {produced} triggers produce their events on the emulator.", "", END])
    lines = [BEGIN, "", f"{produced} of {len(results)} triggers produce their events on the emulator. "
             "The others exit 1 naming what is missing:", ""]
    lines += [f"- `{name}`: {reason(line)}" for name, code, line in results if code != 0]
    return "\n".join(lines + ["", END])


def documented_section() -> str:
    text = DOCS.read_text(encoding="utf-8")
    return text[text.index(BEGIN):text.index(END) + len(END)]


def main() -> int:
    results = run_all()
    if "--update-docs" in sys.argv[1:]:
        text = DOCS.read_text(encoding="utf-8")
        DOCS.write_text(text.replace(documented_section(), missing_section(results)), encoding="utf-8")
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
