"""What recording events costs a write: customer creates and updates in-process, with events (and a
webhook endpoint, so each event also writes a pending delivery) against the same emulator with
event recording switched off, measured in the same run.

    python bench/bench_events.py [--n 300] [--rounds 7]

Rounds alternate between the two modes on one database, and each mode keeps its best round, so a
busy machine slows both alike. Prints requests per second and the ratio (with events / without);
never fails on them. Deliveries are only written here, not sent (no server, no drain).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=300, help="requests per round (default 300)")
    ap.add_argument("--rounds", type=int, default=7, help="rounds per mode (default 7)")
    args = ap.parse_args(argv)

    import httpx

    from stripecli.emulator import context, events
    from stripecli.emulator.handler import Emulator
    from stripecli.emulator.transport import LocalTransport

    with tempfile.TemporaryDirectory() as tmp:
        emulator = Emulator(tmp)
        client = httpx.Client(transport=LocalTransport(emulator), base_url="http://emulator.local",
                              headers={"Authorization": "Bearer sk_test_fake123"})
        client.post("/v1/webhook_endpoints", data={"url": "http://127.0.0.1:9/unreached", "enabled_events[]": "*"})
        customer = client.post("/v1/customers", data={"email": "bench@example.com"}).json()["id"]

        def round_(n: int) -> float:
            started = time.perf_counter()
            for i in range(n):
                if i % 2:
                    client.post("/v1/customers/" + customer, data={"metadata[round]": str(i)})
                else:
                    client.post("/v1/customers", data={"email": "c%d@example.com" % i, "name": "Customer %d" % i})
            return n / (time.perf_counter() - started)

        best = {"with events": 0.0, "without": 0.0}
        round_(50)  # warm up
        for _ in range(args.rounds):
            best["with events"] = max(best["with events"], round_(args.n))
            context.ON_COMMIT.remove(events.record)
            try:
                best["without"] = max(best["without"], round_(args.n))
            finally:
                events.install()
        client.close()
    for mode, rate in best.items():
        print("%-12s %7.0f writes/s (best of %d rounds of %d)" % (mode, rate, args.rounds, args.n))
    print("ratio with/without events: %.2f" % (best["with events"] / best["without"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
