"""Helpers for the emulator tests: a served emulator in a subprocess, and waiting for things."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import httpx

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk_test_fake123"
AUTH = {"Authorization": "Bearer " + KEY}


@dataclass
class Served:
    """``stripecli emulator serve`` running in a subprocess on a free port."""

    proc: subprocess.Popen
    base: str
    data_dir: str
    log: Path

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def serve(data_dir: str | os.PathLike, log: Path, *, advance_seconds: float = 0.2, timeout: float = 20.0,
          env: dict[str, str] | None = None) -> Served:
    """Start ``python -m stripecli emulator serve --port 0`` and wait until it answers.

    Port 0 lets the server pick a free port; its one-line announcement on stderr says which.
    """
    env = dict(os.environ, **(env or {}))
    env["STRIPECLI_EMULATOR_ADVANCE_SECONDS"] = str(advance_seconds)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    handle = open(log, "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "stripecli", "emulator", "serve", "--port", "0", "--data-dir", str(data_dir)],
        stdout=subprocess.DEVNULL, stderr=handle, env=env, cwd=str(ROOT),
    )
    handle.close()
    deadline = time.monotonic() + timeout
    base = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("emulator serve exited with %s: %s" % (proc.returncode, log.read_text()))
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", log.read_text(errors="replace"))
        if match:
            base = match.group(1)
            try:
                if httpx.get(base + "/v1/balance", headers=AUTH, timeout=2).status_code == 200:
                    return Served(proc, base, str(data_dir), log)
            except httpx.TransportError:
                pass
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("emulator serve did not answer within %.0fs (%s): %s" % (timeout, base, log.read_text()))


def wait_for(check: Callable[[], Any], *, timeout: float = 15.0, interval: float = 0.05) -> Any:
    """Poll until ``check()`` is truthy; its value, or AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met within %.0fs" % timeout)
        time.sleep(interval)


def ok(response: httpx.Response) -> Any:
    """The JSON of a 200 answer (the body in the assertion message otherwise)."""
    assert response.status_code == 200, response.text
    return response.json()


def bad(response: httpx.Response, status: int = 400) -> dict[str, Any]:
    """The ``error`` hash of an answer with ``status``."""
    assert response.status_code == status, response.text
    return response.json()["error"]


def pay(api, method: str = "pm_card_visa", amount: int = 2000, currency: str = "usd", **extra: Any) -> httpx.Response:
    """A PaymentIntent created and confirmed with ``method`` (a test payment method), through ``api``."""
    data = {"amount": amount, "currency": currency, "payment_method": method, "confirm": "true"}
    data.update(extra)
    return api.post("/v1/payment_intents", data=data)
