"""A ``--local`` command reads the model files its request needs, not the whole model."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.emulator.helpers import ROOT

PROBE = """
import io, json, sys, contextlib
import stripecli.model as m
read = []
orig = m._read
def spy(*parts):
    read.append("/".join(parts))
    return orig(*parts)
m._read = spy
from stripecli.cli import main
out = []
for argv in ARGVS:
    del read[:]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(argv)
    out.append({"code": code, "read": sorted(set(read)), "stdout": buf.getvalue()})
print(json.dumps(out))
"""


def _probe(tmp_path, *argvs: list[str]) -> list[dict]:
    env = dict(os.environ, STRIPECLI_DATA_DIR=str(tmp_path / "data"), STRIPE_API_KEY="sk_test_fake123",
               PYTHONPATH=str(ROOT))
    code = PROBE.replace("ARGVS", repr(list(argvs)))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=str(tmp_path),
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_local_customers_command_reads_four_small_files(tmp_path):
    created, listed = _probe(tmp_path, ["customers", "create", "--local", "--email", "jenny@example.com", "-o", "json"],
                             ["customers", "list", "--local", "-o", "json"])
    assert created["code"] == 0 and listed["code"] == 0
    assert json.loads(created["stdout"])["email"] == "jenny@example.com"
    assert [c["email"] for c in json.loads(listed["stdout"])["data"]] == ["jenny@example.com"]
    assert created["read"] == ["core/customers.json", "index.json", "objects/customer.json", "routes.json"]
    assert listed["read"] == []  # the same process: everything it needs was read once already


def test_the_route_table_comes_from_the_route_index_alone(tmp_path):
    code = ("import stripecli.model as m\nread = []\norig = m._read\n"
            "m._read = lambda *p: (read.append('/'.join(p)), orig(*p))[1]\n"
            "from stripecli.emulator import routes\nroutes.table()\n"
            "route, values = routes.match('POST', '/v1/invoices/in_1/finalize')\n"
            "print(read, route.kind, values)\nroute.op['params']\nprint(read)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(ROOT), timeout=60)
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.strip().splitlines()
    assert first == "['routes.json'] action {'invoice': 'in_1'}"
    assert second == "['routes.json', 'core/invoices.json']"
