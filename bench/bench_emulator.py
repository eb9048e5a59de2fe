"""Requests per second of the emulator for create and retrieve, next to localstripe.

    python bench/bench_emulator.py [--n 2000] [--seconds 20] [--localstripe PATH]

Both servers run on free loopback ports in subprocesses and get the same calls from one httpx
client with keep-alive, one request at a time: N ``POST /v1/customers`` (email, name, two metadata
keys), then N ``GET /v1/customers/{id}`` of the objects just made. Each phase stops after N
requests or ``--seconds``, whichever comes first. The in-process transport (``--local``) is
measured too, for reference. Not a test: it prints figures and never fails on them.

localstripe (https://pypi.org/project/localstripe/) is found with ``--localstripe``, else the
``LOCALSTRIPE`` environment variable, else ``localstripe`` on PATH, else ``python -m
localstripe`` if it is importable here. It pulls in aiohttp, so it is best installed in a
throwaway virtualenv: ``python -m venv /tmp/ls && /tmp/ls/bin/pip install localstripe``, then
``--localstripe /tmp/ls/bin/localstripe``. Without it the bench says why and measures stripecli
alone. localstripe keeps its state in ``/tmp/localstripe.pickle``; the bench starts it with
``--from-scratch``, which empties that file.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import httpx

ROOT = Path(__file__).resolve().parent.parent
KEY = "sk_test_fake123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
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


def start_stripecli(data_dir: str, log: Path) -> tuple[subprocess.Popen, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with open(log, "wb") as handle:
        proc = subprocess.Popen([sys.executable, "-m", "stripecli", "emulator", "serve", "--port", "0",
                                 "--data-dir", data_dir], stdout=subprocess.DEVNULL, stderr=handle, env=env)
    deadline = time.monotonic() + 30
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
    """The command that runs localstripe, or None and why not."""
    candidate = given or os.environ.get("LOCALSTRIPE") or shutil.which("localstripe")
    if candidate:
        if os.path.exists(candidate) or shutil.which(candidate):
            return [candidate], "localstripe at %s" % candidate
        return None, "%s does not exist" % candidate
    try:
        import localstripe  # noqa: F401
    except ImportError:
        return None, ("localstripe is not installed (pip install localstripe, preferably in a throwaway virtualenv, "
                      "then pass --localstripe PATH)")
    return [sys.executable, "-m", "localstripe"], "localstripe module in this interpreter"


def start_localstripe(command: list[str], log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    with open(log, "wb") as handle:
        proc = subprocess.Popen(command + ["--port", str(port), "--from-scratch"], stdout=handle, stderr=handle,
                                cwd=tempfile.gettempdir())
    base = "http://127.0.0.1:%d" % port
    try:
        wait_until_up(base, proc)
    except RuntimeError as exc:
        proc.kill()
        raise RuntimeError("%s: %s" % (exc, log.read_text(errors="replace")[-2000:])) from None
    return proc, base


def measure(client: httpx.Client, n: int, seconds: float) -> dict[str, float]:
    headers = {"Authorization": "Bearer " + KEY}
    for i in range(50):  # warm up: connections, caches, the first page of the database
        client.post("/v1/customers", data={"email": "warm%d@example.com" % i}, headers=headers)

    def phase(call: Callable[[int], httpx.Response]) -> tuple[float, int]:
        started = time.perf_counter()
        done = 0
        while done < n and time.perf_counter() - started < seconds:
            response = call(done)
            if response.status_code != 200:
                raise RuntimeError("HTTP %d: %s" % (response.status_code, response.text[:300]))
            done += 1
        return done / (time.perf_counter() - started), done

    ids: list[str] = []

    def create(i: int) -> httpx.Response:
        response = client.post("/v1/customers", headers=headers, data={
            "email": "user%d@example.com" % i, "name": "User %d" % i,
            "metadata[plan]": "gold", "metadata[seq]": str(i)})
        ids.append(response.json()["id"])
        return response

    create_rps, created = phase(create)
    retrieve_rps, retrieved = phase(lambda i: client.get("/v1/customers/" + ids[i % len(ids)], headers=headers))
    return {"create": create_rps, "retrieve": retrieve_rps, "created": created, "retrieved": retrieved}


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="requests per phase (default 2000)")
    parser.add_argument("--seconds", type=float, default=20.0, help="time cap per phase (default 20)")
    parser.add_argument("--localstripe", help="the localstripe executable")
    args = parser.parse_args(argv)

    results: dict[str, dict[str, float]] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-emulator-") as tmp:
        tmpdir = Path(tmp)
        proc, base = start_stripecli(str(tmpdir / "data"), tmpdir / "stripecli.log")
        try:
            with httpx.Client(base_url=base, timeout=30) as client:
                results["stripecli emulator serve (uvicorn)"] = measure(client, args.n, args.seconds)
        finally:
            stop(proc)

        command, how = find_localstripe(args.localstripe)
        if command is None:
            notes.append("localstripe skipped: " + how)
        else:
            try:
                proc, base = start_localstripe(command, tmpdir / "localstripe.log")
            except Exception as exc:  # noqa: BLE001 - say why and go on
                notes.append("localstripe skipped: it did not start (%s)" % exc)
            else:
                try:
                    with httpx.Client(base_url=base, timeout=30) as client:
                        results["localstripe (aiohttp)"] = measure(client, args.n, args.seconds)
                finally:
                    stop(proc)

        from stripecli.emulator.transport import local_transport

        with httpx.Client(transport=local_transport(str(tmpdir / "local")), base_url="http://local") as client:
            results["stripecli --local (in-process, no HTTP)"] = measure(client, args.n, args.seconds)

    print("python %s, %s, n=%d per phase, one keep-alive client, loopback" % (
        sys.version.split()[0], sys.platform, args.n))
    print("%-42s %12s %12s" % ("server", "create/s", "retrieve/s"))
    for name, r in results.items():
        print("%-42s %12.0f %12.0f" % (name, r["create"], r["retrieve"]))
    ours = results.get("stripecli emulator serve (uvicorn)")
    theirs = results.get("localstripe (aiohttp)")
    if ours and theirs:
        print("ratio stripecli/localstripe: create %.2fx, retrieve %.2fx" % (
            ours["create"] / theirs["create"], ours["retrieve"] / theirs["retrieve"]))
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
