#!/usr/bin/env python3
"""A whole ``--local`` command against the same command over HTTP to ``stripecli emulator serve``.

    python bench/bench_local.py [--runs 30]

Runs, interleaved so that machine noise hits both sides alike, on the same data (five
customers): ``stripecli customers list --limit 3 -o json --local`` (the emulator in-process)
against the same command with ``STRIPE_API_BASE`` on a running ``emulator serve``, and the same
pair for ``customers create``. Prints the median wall time of each and the ratio (target: the
``--local`` process within 1.0x of the one over HTTP).

stripecli's modules are byte-compiled first, as a regular ``pip install`` does.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


def serve(stripecli_cmd: list[str], data_dir: str, env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    with open(log, "wb") as handle:
        proc = subprocess.Popen(stripecli_cmd + ["emulator", "serve", "--port", "0", "--data-dir", data_dir],
                                stdout=subprocess.DEVNULL, stderr=handle, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        match = re.search(r"listening on (http://[\d.]+:\d+)", log.read_text(errors="replace"))
        if match:
            return proc, match.group(1)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("emulator serve did not start: %s" % log.read_text())


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
    env["STRIPE_API_KEY"] = "sk_test_fake123"

    exe = shutil.which("stripecli", path=str(Path(sys.executable).parent)) or None
    stripecli_cmd = [exe] if exe else [sys.executable, "-m", "stripecli"]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = str(Path(tmp) / "data")
        local_env = dict(env, STRIPECLI_DATA_DIR=data_dir)
        for i in range(5):
            subprocess.run(stripecli_cmd + ["customers", "create", "--local", "--email", "c%d@example.com" % i],
                           stdout=subprocess.DEVNULL, env=local_env, check=True)
        server, base = serve(stripecli_cmd, data_dir, env, Path(tmp) / "serve.log")
        try:
            http_env = dict(env, STRIPE_API_BASE=base)
            listing = ["customers", "list", "--limit", "3", "-o", "json"]
            creating = ["customers", "create", "--email", "bench@example.com", "-o", "id"]
            pairs = {
                "list": ((stripecli_cmd + listing + ["--local"], local_env), (stripecli_cmd + listing, http_env)),
                "create": ((stripecli_cmd + creating + ["--local"], local_env), (stripecli_cmd + creating, http_env)),
            }
            for (a, a_env), (b, b_env) in pairs.values():  # warm the page cache
                timed(a, a_env)
                timed(b, b_env)
            results = {name: ([], []) for name in pairs}
            for _ in range(args.runs):
                for name, ((a, a_env), (b, b_env)) in pairs.items():
                    results[name][0].append(timed(a, a_env))
                    results[name][1].append(timed(b, b_env))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=15)
    print(f"{'case':<8} {'--local':>12} {'over HTTP':>12} {'ratio':>7}  (median of {args.runs}, target <= 1.0x)")
    for name, (ours, theirs) in results.items():
        m_ours, m_theirs = statistics.median(ours), statistics.median(theirs)
        print(f"{name:<8} {m_ours * 1000:>10.1f}ms {m_theirs * 1000:>10.1f}ms {m_ours / m_theirs:>6.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
