"""The emulator under concurrent keep-alive clients, at 1k / 10k / 100k objects, next to localstripe
and (when a binary is given) stripe-mock, measured in one run on one machine.

    python bench/bench_emulator.py [--sizes 1000,10000,100000] [--seconds 5] [--connections 8]
                                   [--localstripe PATH] [--stripe-mock PATH]

Load comes from bench/loadgen.py, a closed-loop generator like wrk: C keep-alive connections, one
request in flight on each, for a fixed time, in its own process. Per server and size it measures
``POST /v1/customers`` (creates/s), ``GET /v1/customers/{id}`` over stored ids (retrieves/s) and
``GET /v1/customers?limit=10`` (list), with p50 latency. For stripecli it also times search on
one keep-alive client: one page of a substring match that only one object meets (the worst
case: the whole type is looked at), one page of an exact email match, and paging through every
result of a query matching about a tenth of the objects (``search --all``: time per result), and
reports the database's bytes per object.

stripecli's database is filled between sizes in-process with the same handler the server runs
(the fill is not timed). Retrieves, lists and searches at a size see exactly that many customers;
creates at a size run on a copy of that database, thrown away afterwards. The servers run one at a time on free loopback ports:

- ``stripecli emulator serve`` from this checkout;
- localstripe (https://pypi.org/project/localstripe/) with its defaults, from ``--localstripe``,
  else ``LOCALSTRIPE``, else ``localstripe`` on PATH. Install it in a throwaway virtualenv:
  ``python -m venv /tmp/ls && /tmp/ls/bin/pip install localstripe``. It keeps every object in
  memory and pickles the whole state after each write, so it is measured with the objects its
  create phase made (a few hundred to a thousand), not at 10k or 100k;
- stripe-mock (https://github.com/stripe/stripe-mock), stateless, when ``--stripe-mock PATH``
  names its binary.

Not a test: it prints figures and ratios and never fails on them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
LOADGEN = ROOT / "bench" / "loadgen.py"
KEY = "sk_test_fake123"
AUTH = "Authorization: Bearer " + KEY
CREATE_BODY = "email=user{i}%40example.com&name=User+{i}&metadata[plan]=gold&metadata[seq]={i}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited with %s" % proc.returncode)
        try:
            httpx.get(base + "/v1/customers", headers={"Authorization": "Bearer " + KEY}, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("no answer from %s within %.0fs" % (base, timeout))


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_stripecli(data_dir: str, log: Path) -> tuple[subprocess.Popen, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with open(log, "wb") as handle:
        proc = subprocess.Popen([sys.executable, "-m", "stripecli", "emulator", "serve", "--port", "0",
                                 "--data-dir", data_dir], stdout=subprocess.DEVNULL, stderr=handle, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        match = re.search(r"listening on (http://[\d.]+:\d+)", log.read_text(errors="replace"))
        if match:
            wait_until_up(match.group(1), proc)
            return proc, match.group(1)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("stripecli emulator did not start: %s" % log.read_text())


def find_localstripe(given: str | None) -> tuple[list[str] | None, str]:
    candidate = given or os.environ.get("LOCALSTRIPE") or shutil.which("localstripe")
    if not candidate:
        return None, "localstripe not found (install it in a throwaway virtualenv and pass --localstripe PATH)"
    if not (os.path.exists(candidate) or shutil.which(candidate)):
        return None, "%s does not exist" % candidate
    return [candidate], candidate


def start_localstripe(command: list[str], log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    with open(log, "wb") as handle:
        # --from-scratch: start empty (its state file is /tmp/localstripe.pickle); defaults otherwise
        proc = subprocess.Popen(command + ["--port", str(port), "--from-scratch"], stdout=handle, stderr=handle,
                                cwd=tempfile.gettempdir())
    base = "http://127.0.0.1:%d" % port
    try:
        wait_until_up(base, proc)
    except RuntimeError as exc:
        proc.kill()
        raise RuntimeError("%s: %s" % (exc, log.read_text(errors="replace")[-2000:])) from None
    return proc, base


def start_stripe_mock(binary: str, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    with open(log, "wb") as handle:
        proc = subprocess.Popen([binary, "-http-port", str(port)], stdout=handle, stderr=handle)
    base = "http://127.0.0.1:%d" % port
    wait_until_up(base, proc)
    return proc, base


def load(base: str, args: argparse.Namespace, *, paths: list[str], method: str = "GET",
         body: str | None = None) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths) + "\n")
        paths_file = handle.name
    command = [sys.executable, str(LOADGEN), "--url", base, "--connections", str(args.connections),
               "--seconds", str(args.seconds), "--method", method, "--header", AUTH, "--paths-file", paths_file]
    if body is not None:
        command += ["--body-template", body]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    finally:
        os.unlink(paths_file)
    result = json.loads(done.stdout)
    bad = {k: v for k, v in result["statuses"].items() if not k.startswith("2")}
    if bad:
        raise RuntimeError("%s %s answered %s" % (method, paths[0], bad))
    return result


def measure_http(base: str, args: argparse.Namespace, retrieve_paths: list[str] | None) -> dict[str, Any]:
    out = {"create": load(base, args, paths=["/v1/customers"], method="POST", body=CREATE_BODY)}
    if retrieve_paths is None:  # ids of what is stored now
        listed = httpx.get(base + "/v1/customers", params={"limit": 100},
                           headers={"Authorization": "Bearer " + KEY}, timeout=30).json()["data"]
        retrieve_paths = ["/v1/customers/" + c["id"] for c in listed]
    out["retrieve"] = load(base, args, paths=retrieve_paths)
    out["list"] = load(base, args, paths=["/v1/customers?limit=10"])
    return out


def fill(data_dir: str, upto: int, start: int) -> int:
    """Create customers in-process until the database holds ``upto`` of them."""
    from stripecli.emulator.handler import Emulator

    emulator = Emulator(data_dir)
    headers = {"Authorization": "Bearer " + KEY}
    count = emulator.store.conn.execute("SELECT COUNT(*) FROM objects WHERE type = 'customer'").fetchone()[0]
    i = start
    while count < upto:
        body = CREATE_BODY.replace("{i}", "f%d" % i).encode()
        status, _, _ = emulator.handle("POST", "/v1/customers", "", headers, body)
        assert status == 200
        i += 1
        count += 1
    emulator.store.checkpoint()
    emulator.store.close()
    return i


def sample_ids(data_dir: str, n: int) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(os.path.join(data_dir, "emulator.sqlite3"))
    ids = [r[0] for r in conn.execute("SELECT id FROM objects WHERE type = 'customer' ORDER BY random() LIMIT ?", (n,))]
    conn.close()
    return ids


def timed_get(client: httpx.Client, path: str, params: dict[str, Any]) -> tuple[float, dict]:
    started = time.perf_counter()
    response = client.get(path, params=params)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed, response.json()


def measure_search(base: str, unique_name: str, unique_email: str) -> dict[str, float]:
    with httpx.Client(base_url=base, headers={"Authorization": "Bearer " + KEY}, timeout=120) as client:
        timed_get(client, "/v1/customers/search", {"query": "name~'warm'"})
        substring = [timed_get(client, "/v1/customers/search", {"query": "name~'%s'" % unique_name})
                     for _ in range(9)]
        assert len(substring[0][1]["data"]) == 1, substring[0][1]
        exact = [timed_get(client, "/v1/customers/search", {"query": "email:'%s'" % unique_email}) for _ in range(9)]
        assert len(exact[0][1]["data"]) == 1, exact[0][1]
        started = time.perf_counter()
        results = 0
        params: dict[str, Any] = {"query": "name~'user f1'", "limit": 100}
        while True:
            _, page = timed_get(client, "/v1/customers/search", params)
            results += len(page["data"])
            if not page["has_more"]:
                break
            params["page"] = page["next_page"]
        all_seconds = time.perf_counter() - started
    return {"substring_page_ms": statistics.median(t for t, _ in substring) * 1000,
            "exact_page_ms": statistics.median(t for t, _ in exact) * 1000,
            "all_results": results, "all_seconds": all_seconds,
            "all_us_per_result": all_seconds / max(1, results) * 1e6}


def sizes_of(data_dir: str) -> dict[str, int]:
    from stripecli.emulator.store import Store

    store = Store(data_dir)
    try:
        return store.sizes()
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="object counts to measure stripecli at")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds per load phase (default 5)")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections (default 8)")
    parser.add_argument("--localstripe", help="the localstripe executable")
    parser.add_argument("--stripe-mock", help="the stripe-mock binary")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    notes: list[str] = []
    others: dict[str, dict[str, Any]] = {}
    ours: dict[int, dict[str, Any]] = {}

    with tempfile.TemporaryDirectory(prefix="bench-emulator-") as tmp:
        tmpdir = Path(tmp)
        command, how = find_localstripe(args.localstripe)
        if command is None:
            notes.append("localstripe skipped: " + how)
        else:
            proc, base = start_localstripe(command, tmpdir / "localstripe.log")
            try:
                others["localstripe"] = measure_http(base, args, None)
            finally:
                stop(proc)
        if args.stripe_mock:
            proc, base = start_stripe_mock(args.stripe_mock, tmpdir / "stripe-mock.log")
            try:
                others["stripe-mock"] = measure_http(base, args, ["/v1/customers/cus_123"])
            finally:
                stop(proc)
        else:
            notes.append("stripe-mock skipped: no --stripe-mock binary given")

        data_dir = str(tmpdir / "data")
        next_i = 0
        for size in sizes:
            next_i = fill(data_dir, size, next_i)
            unique = next_i - 1  # the last filled customer: "User f<unique>" is the only one with that name
            ids = sample_ids(data_dir, 2000)
            proc, base = start_stripecli(data_dir, tmpdir / ("stripecli-%d.log" % size))
            try:
                result = {"retrieve": load(base, args, paths=["/v1/customers/" + i for i in ids]),
                          "list": load(base, args, paths=["/v1/customers?limit=10"])}
                result["search"] = measure_search(base, "user f%d" % unique, "userf%d@example.com" % unique)
            finally:
                stop(proc)
            result["sizes"] = sizes_of(data_dir)
            # Creates run on a copy, so that the reads of the next size see exactly that many
            # customers (a create phase adds ten thousand or more).
            scratch = tmpdir / ("creates-%d" % size)
            shutil.copytree(data_dir, scratch)
            proc, base = start_stripecli(str(scratch), tmpdir / ("stripecli-creates-%d.log" % size))
            try:
                result["create"] = load(base, args, paths=["/v1/customers"], method="POST", body=CREATE_BODY)
            finally:
                stop(proc)
                shutil.rmtree(scratch, ignore_errors=True)
            ours[size] = result

    print("python %s, %s, %d cores, %d keep-alive connections, %.0f s per phase, loopback" % (
        sys.version.split()[0], sys.platform, os.cpu_count() or 0, args.connections, args.seconds))
    print("%-34s %10s %11s %9s %12s %9s" % ("server", "create/s", "retrieve/s", "p50 ms", "list10/s", "p50 ms"))

    def row(name: str, r: dict[str, Any]) -> None:
        print("%-34s %10.0f %11.0f %9.2f %12.0f %9.2f" % (name, r["create"]["rps"], r["retrieve"]["rps"],
                                                         r["retrieve"]["p50_ms"], r["list"]["rps"],
                                                         r["list"]["p50_ms"]))

    for name, r in others.items():
        row(name, r)
    for size, r in ours.items():
        row("stripecli emulator serve @%d" % size, r)
    print()
    print("%-34s %12s %12s %10s %14s %12s" % ("stripecli search", "substr ms", "exact ms", "results", "all pages s",
                                            "us/result"))
    for size, r in ours.items():
        s = r["search"]
        print("%-34s %12.1f %12.1f %10d %14.2f %12.1f" % ("@%d objects" % size, s["substring_page_ms"],
                                                          s["exact_page_ms"], s["all_results"], s["all_seconds"],
                                                          s["all_us_per_result"]))
    print()
    print("%-34s %14s %10s %16s" % ("stripecli storage", "database", "wal", "bytes/object"))
    for size, r in ours.items():
        z = r["sizes"]
        print("%-34s %14d %10d %16d" % ("@%d objects (%d stored)" % (size, z["objects"]), z["database_bytes"],
                                        z["wal_bytes"], z["bytes_per_object"]))
    print()
    first = ours[sizes[0]]
    for name, r in others.items():
        print("ratio stripecli@%d/%s: retrieve %.2fx, create %.2fx, list %.2fx" % (
            sizes[0], name, first["retrieve"]["rps"] / r["retrieve"]["rps"], first["create"]["rps"] / r["create"]["rps"],
            first["list"]["rps"] / r["list"]["rps"]))
    last = ours[sizes[-1]]
    if len(sizes) > 1:
        print("ratio stripecli@%d/@%d p50 latency: retrieve %.2fx, list %.2fx; search time per result %.2fx" % (
            sizes[-1], sizes[0], last["retrieve"]["p50_ms"] / first["retrieve"]["p50_ms"],
            last["list"]["p50_ms"] / first["list"]["p50_ms"],
            last["search"]["all_us_per_result"] / first["search"]["all_us_per_result"]))
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
