"""Where the secret key of a call comes from, and the live-mode guard.

Precedence: ``--api-key`` (with a warning: flags are visible to other users of the machine), then
``STRIPE_API_KEY``, then the selected profile's keyring entry (``--profile``, then
``STRIPE_PROFILE``, then the default profile).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from stripecli.errors import CliError, UsageError

LOCAL_KEY = "sk_test_local"


@dataclass
class Credentials:
    key: str | None
    source: str                 # flag | environment | keyring | file | local | none
    profile: str | None = None
    api_base: str | None = None
    account: str | None = None

    @property
    def live(self) -> bool:
        return bool(self.key) and self.key.startswith(("sk_live_", "rk_live_"))


def resolve_credentials(opts, env, *, local: bool = False) -> Credentials:
    if opts.api_key:
        env.stderr.write("warning: --api-key is visible to other users of this machine; prefer STRIPE_API_KEY or a profile\n")
        return Credentials(opts.api_key, "flag", opts.profile)
    if os.environ.get("STRIPE_API_KEY"):
        return Credentials(os.environ["STRIPE_API_KEY"], "environment", opts.profile)
    if local:
        return Credentials(LOCAL_KEY, "local", "local")
    return Credentials(None, "none", opts.profile)


def confirm_live(creds: Credentials, req, opts, env) -> None:
    """Ask before a live-mode write; refuse without a terminal unless --yes."""
    if not creds.live or opts.yes:
        return
    summary = f"{req.method} {req.path}"
    if not env.stdin_isatty:
        raise UsageError(f"refusing live-mode {summary} without a terminal: add --yes to confirm")
    env.stderr.write(f"Live mode ({creds.profile or 'no profile'}, account {creds.account or 'unknown'}): {summary}\n")
    env.stderr.write("Send this request? [y/N] ")
    env.stderr.flush()
    answer = env.stdin.readline().strip().lower()
    if answer not in ("y", "yes"):
        raise CliError("aborted: nothing was sent", exit_code=1)
