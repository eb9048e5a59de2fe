"""Isolation for every test: temporary config and data dirs, an in-memory keyring, and none of
the operator's STRIPE_* / STRIPECLI_* environment. Keyring integration tests (marked
``keyring_integration``) keep the real keyring backend."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.memkeyring import MemoryKeyring  # noqa: E402

ENV_VARS = (
    "STRIPE_API_KEY", "STRIPE_PROFILE", "STRIPE_API_BASE", "STRIPE_DEVICE_NAME",
    "STRIPECLI_OUTPUT", "STRIPECLI_CONFIG_DIR", "STRIPECLI_DATA_DIR", "NO_COLOR",
)


@pytest.fixture(autouse=True)
def isolated_environment(request, tmp_path_factory, monkeypatch):
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    base = tmp_path_factory.mktemp("stripecli-home")
    monkeypatch.setenv("STRIPECLI_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("STRIPECLI_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("COLUMNS", "120")
    if request.node.get_closest_marker("keyring_integration") is None:
        import keyring

        previous = keyring.get_keyring()
        keyring.set_keyring(MemoryKeyring())
        yield base
        keyring.set_keyring(previous)
    else:
        yield base


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys):
    """Run ``stripecli ARGS`` in-process; stdout, stderr and the exit code come back apart."""
    from stripecli.cli import main

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


@pytest.fixture
def cli_in():
    """Run ``stripecli ARGS`` in an environment the test builds (a terminal or a pipe, variables):
    ``cli_in(env, *args)``; the environment is passed to ``main``, nothing is patched. Without
    ``environ`` the run sees the test's process environment (its temporary dirs)."""
    import os

    from stripecli.cli import main

    def run(env, *args: str) -> Result:
        if not env.environ:
            env.environ = dict(os.environ)
        code = main(list(args), env=env)
        return Result(code, env.stdout.getvalue(), env.stderr.getvalue())

    return run
