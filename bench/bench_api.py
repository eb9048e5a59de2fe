#!/usr/bin/env python3
"""stripecli's API path against stripe-python on the same local server, measured side by side.

    python bench/bench_api.py [--objects 10000] [--rss-objects 100000] [--runs 5]

1. Throughput: ``stripecli billing credit-transactions list --customer cus_x --all -o jsonl``
   over N objects, against a script that writes the same objects as JSON lines with
   stripe-python's ``auto_paging_iter`` (limit 100 for both): objects per second and the ratio
   (target: at least 1.0x).
2. Peak RSS of the same stripecli command over M objects (target: at most 80 MB).
3. One call, the whole process: ``stripecli billing credit-transactions list --customer cus_x
   -o json`` against ``python -c`` making the same call with stripe-python: wall time and the
   ratio (target: at most 1.0x).

Medians over interleaved runs. Needs the dev extra (stripe-python).
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

STRIPE_PAGING = """
import json, sys, stripe
client = stripe.StripeClient("sk_test_bench", base_addresses={"api": sys.argv[1]}, max_network_retries=2)
out = sys.stdout
for t in client.v1.billing.credit_balance_transactions.list({"customer": "cus_x", "limit": 100}).auto_paging_iter():
    out.write(json.dumps(t.to_dict()) + "\\n")
"""

STRIPE_ONE_CALL = """
import json, sys, stripe
client = stripe.StripeClient("sk_test_bench", base_addresses={"api": sys.argv[1]}, max_network_retries=2)
print(json.dumps(client.v1.billing.credit_balance_transactions.list({"customer": "cus_x"}).to_dict(), indent=2))
"""


class Server:
    def __init__(self, count: int):
        self.proc = subprocess.Popen([sys.executable, str(HERE / "listserver.py"), "--count", str(count)],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().split()
        self.url = f"http://127.0.0.1:{line[1]}"

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def run(cmd: list[str], env: dict) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd[:3]} failed: {err}")
    return elapsed, usage.ru_maxrss


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--objects", type=int, default=10000)
    ap.add_argument("--rss-objects", type=int, default=100000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    import stripecli

    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(str(Path(stripecli.__file__).parent), quiet=1)
    env.update(STRIPE_API_KEY="sk_test_bench", PYTHONDONTWRITEBYTECODE="1")
    env.pop("STRIPE_PROFILE", None)
    exe = shutil.which("stripecli", path=str(Path(sys.executable).parent))
    cli = [exe] if exe else [sys.executable, "-m", "stripecli"]
    listing = ["billing", "credit-transactions", "list", "--customer", "cus_x"]

    server = Server(args.objects)
    try:
        env["STRIPE_API_BASE"] = server.url
        ours_cmd = cli + listing + ["--all", "-o", "jsonl"]
        theirs_cmd = [sys.executable, "-c", STRIPE_PAGING, server.url]
        one_ours = cli + listing + ["-o", "json"]
        one_theirs = [sys.executable, "-c", STRIPE_ONE_CALL, server.url]
        run(ours_cmd, env), run(theirs_cmd, env)  # warm up
        t_ours, t_theirs, o_ours, o_theirs = [], [], [], []
        for _ in range(args.runs):
            t_ours.append(run(ours_cmd, env)[0])
            t_theirs.append(run(theirs_cmd, env)[0])
        for _ in range(args.runs * 4):
            o_ours.append(run(one_ours, env)[0])
            o_theirs.append(run(one_theirs, env)[0])
    finally:
        server.close()

    big = Server(args.rss_objects)
    try:
        env["STRIPE_API_BASE"] = big.url
        rss_time, rss_kib = run(cli + listing + ["--all", "-o", "jsonl"], env)
    finally:
        big.close()

    m_ours, m_theirs = statistics.median(t_ours), statistics.median(t_theirs)
    print(f"--all -o jsonl over {args.objects} objects (median of {args.runs}):")
    print(f"  stripecli      {args.objects / m_ours:>10.0f} objects/s  ({m_ours:.2f}s)")
    print(f"  stripe-python  {args.objects / m_theirs:>10.0f} objects/s  ({m_theirs:.2f}s)")
    print(f"  ratio          {m_theirs / m_ours:>10.2f}x  (target >= 1.0x)")
    print(f"peak RSS of --all -o jsonl over {args.rss_objects} objects: {rss_kib / 1024:.1f} MB "
          f"({rss_time:.1f}s; target <= 80 MB)")
    a, b = statistics.median(o_ours), statistics.median(o_theirs)
    print(f"one list call, whole process (median of {args.runs * 4}):")
    print(f"  stripecli {a * 1000:.0f} ms, stripe-python {b * 1000:.0f} ms, ratio {a / b:.2f}x (target <= 1.0x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
