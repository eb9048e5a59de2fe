"""CPU time that ``stripecli emulator serve`` spends per create under 8 keep-alive clients.

    python bench/bench_create_cpu.py [--rounds 3] [--seconds 5] [--connections 8]

A diagnostic for work on the write path, next to ``bench_emulator.py`` (which prints the ratios the
targets are stated in): requests per second move with whatever else the machine runs, while the
server's own CPU per request (read from /proc for the whole process and for its serving thread)
hardly does. Each round runs ``bench/loadgen.py`` against a fresh server with the same
``POST /v1/customers`` body as ``bench_emulator.py`` and prints creates/s, the process's CPU
milliseconds per create, the serving thread's, and the p50 latency. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_emulator import AUTH, CREATE_BODY, LOADGEN, start_stripecli, stop  # noqa: E402


def cpu_seconds(pid: int, thread: int | None = None) -> float:
    """User + system CPU seconds of a process (or of one of its threads)."""
    path = "/proc/%d/task/%d/stat" % (pid, thread) if thread is not None else "/proc/%d/stat" % pid
    with open(path) as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-create-cpu-") as tmp:
        proc, base = start_stripecli(os.path.join(tmp, "data"), Path(tmp) / "serve.log")
        try:
            for n in range(args.rounds):
                before = cpu_seconds(proc.pid), cpu_seconds(proc.pid, proc.pid)
                done = subprocess.run(
                    [sys.executable, str(LOADGEN), "--url", base, "--connections", str(args.connections),
                     "--seconds", str(args.seconds), "--method", "POST", "--header", AUTH, "--path", "/v1/customers",
                     "--body-template", CREATE_BODY.replace("{i}", "r%d-{i}" % n)],
                    capture_output=True, text=True, check=True)
                after = cpu_seconds(proc.pid), cpu_seconds(proc.pid, proc.pid)
                result = json.loads(done.stdout)
                count = result["requests"]
                rows.append((result["rps"], (after[0] - before[0]) * 1000 / count,
                             (after[1] - before[1]) * 1000 / count, result["p50_ms"]))
                print("round %d: %6.0f creates/s  %.3f CPU ms per create (serving thread %.3f)  p50 %.2f ms"
                      % ((n + 1,) + rows[-1]))
        finally:
            stop(proc)
    print("median: %.0f creates/s, %.3f CPU ms per create (serving thread %.3f), %d connections, load %s"
          % (statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows),
             statistics.median(r[2] for r in rows), args.connections,
             " ".join("%.2f" % x for x in os.getloadavg())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
