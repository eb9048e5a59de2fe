#!/usr/bin/env python3
"""Objects per second of ``--from`` against the loops it replaces, on ``stripecli emulator serve``.

    python bench/bench_bulk.py [--objects 1000] [--xargs-objects 60] [--runs 3]

Every contender creates customers (an email and one metadata key each) on the same served
emulator, in the same run, one after another and interleaved run by run:

- ``stripecli customers create --from FILE --concurrency C -o id`` for C = 1, 4 and 8: one
  process for all the objects (its start-up included in the time);
- ``xargs -n1 stripecli customers create -o id --email``: one process per object, as operators
  do it today (measured on ``--xargs-objects``, as it is slow);
- a stripe-python loop: one process calling ``client.v1.customers.create`` for each object.

It prints objects per second for each (the median of ``--runs``) and the ratio of ``--from`` to
each baseline; the targets are at least 20x the xargs loop and at least 2x the stripe-python
loop. The journal of each ``--from`` run lives in a throwaway data directory. Not a test: it
prints figures and never fails on them. Needs the dev extra (stripe-python).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_emulator import KEY, ROOT, start_stripecli  # noqa: E402

STRIPE_LOOP = """
import sys, stripe
client = stripe.StripeClient(sys.argv[1], base_addresses={"api": sys.argv[2]}, max_network_retries=2)
for line in open(sys.argv[3]):
    email = line.strip()
    print(client.v1.customers.create({"email": email, "metadata": {"bench": "stripe-python"}}).id)
"""

CONCURRENCY = (1, 4, 8)


def timed(cmd: list[str], env: dict, *, stdin: Path | None = None, expect: int) -> float:
    """Wall time of ``cmd``; checks that it printed ``expect`` ids."""
    start = time.perf_counter()
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as feed:
        proc = subprocess.run(cmd, stdin=feed, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:6])} ... failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    ids = proc.stdout.split()
    if len(ids) != expect:
        raise SystemExit(f"{' '.join(cmd[:6])} ... printed {len(ids)} ids, expected {expect}")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--objects", type=int, default=1000, help="objects per --from and stripe-python run")
    ap.add_argument("--xargs-objects", type=int, default=60, help="objects per xargs run (one process each)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    stripecli_cmd = [sys.executable, "-m", "stripecli"]
    work = Path(tempfile.mkdtemp(prefix="bench-bulk-"))
    proc, base = start_stripecli(str(work / "emulator"), work / "serve.log")
    env = dict(os.environ, STRIPE_API_KEY=KEY, STRIPE_API_BASE=base, STRIPECLI_DATA_DIR=str(work / "cli-data"),
               STRIPECLI_CONFIG_DIR=str(work / "cli-config"),
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("STRIPE_PROFILE", None)
    rates: dict[str, list[float]] = {}
    try:
        for run in range(args.runs):
            emails = work / f"emails-{run}.txt"
            emails.write_text("".join(f"r{run}-{i}@example.com\n" for i in range(args.objects)))
            for c in CONCURRENCY:
                source = work / f"customers-{run}-c{c}.jsonl"
                source.write_text("".join(json.dumps({"email": f"c{c}-r{run}-{i}@example.com",
                                                      "metadata": {"bench": "bulk"}}) + "\n"
                                          for i in range(args.objects)))
                seconds = timed(stripecli_cmd + ["customers", "create", "--from", str(source), "--concurrency",
                                                 str(c), "-o", "id"], env, expect=args.objects)
                rates.setdefault(f"--from --concurrency {c}", []).append(args.objects / seconds)
            seconds = timed([sys.executable, "-c", STRIPE_LOOP, KEY, base, str(emails)], env, expect=args.objects)
            rates.setdefault("stripe-python loop", []).append(args.objects / seconds)
            few = work / f"xargs-{run}.txt"
            few.write_text("".join(f"x{run}-{i}@example.com\n" for i in range(args.xargs_objects)))
            seconds = timed(["xargs", "-n1"] + stripecli_cmd + ["customers", "create", "-o", "id", "--email"], env,
                            stdin=few, expect=args.xargs_objects)
            rates.setdefault("xargs -n1 stripecli", []).append(args.xargs_objects / seconds)
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)

    median = {name: statistics.median(values) for name, values in rates.items()}
    print(f"customers created per second on emulator serve (median of {args.runs} runs; "
          f"{args.objects} objects per run, {args.xargs_objects} for xargs)")
    for name, value in median.items():
        print(f"  {name:<28} {value:8.1f} objects/s")
    xargs, sdk = median["xargs -n1 stripecli"], median["stripe-python loop"]
    for c in CONCURRENCY:
        value = median[f"--from --concurrency {c}"]
        print(f"  --from --concurrency {c}: {value / xargs:6.1f}x xargs (target >= 20x), "
              f"{value / sdk:5.2f}x stripe-python (target >= 2x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
