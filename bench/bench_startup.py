#!/usr/bin/env python3
"""Start-up of stripecli against a one-command Typer hello-world app, measured side by side.

    python bench/bench_startup.py [--runs 30]

Runs, interleaved so that machine noise hits both alike, and compared like with like (a rich
help against a rich help, a plain one against a plain one):
  - ``stripecli --version``                              vs ``python hello.py``
  - ``stripecli --help`` (rich)                          vs ``python hello.py --help`` (rich)
  - ``stripecli customers list --help`` (a core leaf, plain help)
                                                         vs ``python hello_plain.py --help``
  - ``stripecli billing credit-transactions list --help`` (a billing leaf, plain help)
                                                         vs ``python hello_plain.py --help``
and prints the median wall time of each and the ratio (target: within 1.15x).

A generated verb's help is plain text (surface/build.py says why), so the leaves are measured
against the same hello with Typer's plain formatter (``rich_markup_mode=None``); the root help is
rich, like the hello's default.

Both sides run as installed code runs: stripecli's modules are byte-compiled first (as a regular
``pip install`` does), since the hello-world's Typer already is.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELLO = '''import typer

app = typer.Typer(%s)


@app.command()
def main(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {name}")


if __name__ == "__main__":
    app()
'''


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()

    import stripecli

    package = Path(stripecli.__file__).parent
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(str(package), quiet=1)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # measure reading bytecode, not writing it
    env["COLUMNS"] = "100"

    exe = shutil.which("stripecli", path=str(Path(sys.executable).parent)) or None
    stripecli_cmd = [exe] if exe else [sys.executable, "-m", "stripecli"]
    with tempfile.TemporaryDirectory() as tmp:
        hello = Path(tmp) / "hello.py"
        hello.write_text(HELLO % "")
        plain = Path(tmp) / "hello_plain.py"
        plain.write_text(HELLO % "rich_markup_mode=None")
        pairs = {
            "--version": (stripecli_cmd + ["--version"], [sys.executable, str(hello)]),
            "root help": (stripecli_cmd + ["--help"], [sys.executable, str(hello), "--help"]),
            "core leaf": (stripecli_cmd + ["customers", "list", "--help"], [sys.executable, str(plain), "--help"]),
            "billing leaf": (stripecli_cmd + ["billing", "credit-transactions", "list", "--help"],
                             [sys.executable, str(plain), "--help"]),
        }
        for a, b in pairs.values():  # warm the page cache
            timed(a, env)
            timed(b, env)
        results = {name: ([], []) for name in pairs}
        for _ in range(args.runs):
            for name, (a, b) in pairs.items():
                results[name][0].append(timed(a, env))
                results[name][1].append(timed(b, env))
    print(f"{'case':<12} {'stripecli':>12} {'typer hello':>12} {'ratio':>7}  (median of {args.runs}, target <= 1.15x)")
    for name, (ours, base) in results.items():
        m_ours, m_base = statistics.median(ours), statistics.median(base)
        print(f"{name:<12} {m_ours * 1000:>10.1f}ms {m_base * 1000:>10.1f}ms {m_ours / m_base:>6.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
