"""``stripecli auth``: log in (key into the OS keyring), status, list, switch, log out.

Secret keys go to the OS keyring (``stripecli.credentials``); ``profiles.toml`` keeps only what
is not secret (``stripecli.config``). Messages and hints go to stderr; ``status`` and ``list``
print their data on stdout. A key is only ever shown masked (``sk_test_...abcd``).
"""

from __future__ import annotations

import json
from typing import Any, Optional

import typer

from stripecli import exit_codes
from stripecli.commands import auth_keys
from stripecli.errors import AuthError, CliError, UsageError
from stripecli.surface.options import GlobalOptions

app = typer.Typer(
    help="Log in, list and switch profiles (keys in the OS keyring).",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PROFILE_HELP = "Profile name (default: STRIPE_PROFILE, then the default profile)."
OUTPUT_HELP = "Output format: text or json."


def _session(**options: Any) -> Any:
    """The run's session, with this command's own options over the ones given before it."""
    from stripecli import session

    return session.for_command(GlobalOptions(**options))


def _say(env: Any, text: str) -> None:
    env.stderr.write(text + "\n")
    env.stderr.flush()


def _output_format(session: Any) -> str:
    """``text`` or ``json``; ``-o table`` given before the command means text."""
    value = session.options.output
    fmt = (value or "text").lower()
    if fmt == "table":
        return "text"
    if fmt not in ("text", "json"):
        raise UsageError(f"invalid value for -o/--output: '{value}' is not one of: text, json")
    return fmt


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# -- login ---------------------------------------------------------------------------------


@app.command()
def login(
    profile: Optional[str] = typer.Option(None, "--profile", help=PROFILE_HELP, metavar="NAME"),
    api_key_stdin: bool = typer.Option(False, "--api-key-stdin", help="Read the key from the first line of stdin instead of a hidden prompt."),
    no_verify: bool = typer.Option(False, "--no-verify", help="Store the key without checking it against GET /v1/account."),
    insecure_storage: bool = typer.Option(False, "--insecure-storage", help="Keep the key in a 0600 file in the config dir instead of the OS keyring (for machines without one)."),
    api_base: Optional[str] = typer.Option(None, "--api-base", help="Base URL for this profile instead of https://api.stripe.com (saved with the profile; also STRIPE_API_BASE for the check).", metavar="URL"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log the verification request on stderr (key masked)."),
) -> int:
    """Store a secret key for a profile: sk_/rk_ test keys, or live keys (used only with --live).

    The key is read from a hidden prompt on a terminal, or with --api-key-stdin from stdin; it is
    checked against GET /v1/account (unless --no-verify) and stored in the OS keyring. Only the
    account, mode, base URL, the key's last four characters and the date go to profiles.toml.
    """
    from stripecli import config, credentials
    from stripecli.api.errors import AuthenticationError, PermissionDeniedError, StripeError
    from stripecli.api.request import ApiRequest
    from stripecli.redact import mask_key, redact

    session = _session(profile=profile, api_base=api_base, verbose=verbose)
    env, api_base = session.env, session.options.api_base
    data = config.load_profiles()
    name = config.validate_profile_name(config.selected_profile_name(session.options.profile, data, session.environ))
    key = auth_keys.read_key(env, api_key_stdin)
    mode = credentials.check_secret_key(key, "the key")
    masked = mask_key(key)

    account_id = account_name = None
    verified = False
    if not no_verify:
        base = api_base or session.environ.get("STRIPE_API_BASE") or (config.get_profile(name, data) or {}).get("api_base")
        try:
            with session.client(api_key=key, api_base=base) as client:
                account = client.send(ApiRequest("GET", "/v1/account"))
        except AuthenticationError as err:
            raise AuthError(f"the API rejected the key {masked} ({redact(err.one_line(), key)}); nothing was stored"
                            ) from None
        except PermissionDeniedError:
            _say(env, f"warning: the key {masked} may not read the account (403, a restricted key?); "
                      "storing it without the account name")
            account = {}
            verified = True
        except StripeError as err:
            raise CliError(f"could not check the key against GET /v1/account ({redact(err.one_line(), key)}); "
                           "nothing was stored (add --no-verify to store it unchecked)",
                           exit_code=err.exit_code) from None
        else:
            verified = True
        account_id = account.get("id") if isinstance(account.get("id"), str) else None
        account_name = auth_keys.account_name(account)

    previous = (config.get_profile(name, data) or {}).get(mode)
    previous_storage = previous.get("storage", "keyring") if isinstance(previous, dict) else None
    storage, path = auth_keys.store_key(name, mode, key, insecure=insecure_storage, previous_storage=previous_storage)
    if path is not None:
        _say(env, f"warning: the {mode} key is stored unencrypted in {path} (readable only by you, mode 0600); "
                  "anyone with access to your account or its backups can read it. Prefer the OS keyring where "
                  "there is one.")

    entry: dict[str, Any] = {"key": masked, "storage": storage, "saved_at": _now(), "verified": verified}
    if account_id:
        entry["account_id"] = account_id
    if account_name:
        entry["account_name"] = account_name
    data = config.load_profiles()
    profiles = data.setdefault("profiles", {})
    record = profiles.setdefault(name, {})
    record[mode] = entry
    if api_base:
        record["api_base"] = api_base.rstrip("/")
    if not isinstance(data.get("default_profile"), str) or data.get("default_profile") not in profiles:
        data["default_profile"] = name
    config.save_profiles(data)

    where = "the OS keyring" if storage == "keyring" else "the credentials file"
    account = f" for {account_id}" + (f" ({account_name})" if account_name else "") if account_id else ""
    _say(env, f"Logged in: profile '{name}', {mode} mode{account}, key {masked} stored in {where}.")
    if mode == "live":
        _say(env, "The live key is used only with --live; every live-mode write asks for confirmation.")
    if data["default_profile"] != name:
        _say(env, f"'{data['default_profile']}' is still the default profile: use --profile {name}, "
                  f"or 'stripecli auth switch {name}'.")
    return exit_codes.OK


# -- status --------------------------------------------------------------------------------


@app.command()
def status(
    profile: Optional[str] = typer.Option(None, "--profile", help=PROFILE_HELP, metavar="NAME"),
    live: bool = typer.Option(False, "--live", help="Show the profile's live key."),
    api_key: Optional[str] = typer.Option(None, "--api-key", help="Check this key (visible to other users of the machine).", metavar="KEY"),
    api_base: Optional[str] = typer.Option(None, "--api-base", help="Base URL instead of https://api.stripe.com (also STRIPE_API_BASE).", metavar="URL"),
    no_verify: bool = typer.Option(False, "--no-verify", help="Do not check the key against GET /v1/account."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help=OUTPUT_HELP, metavar="FORMAT"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log the check on stderr (key masked)."),
) -> int:
    """Which key a command would use: profile, mode, account, the masked key and its source.

    Exit code 3 when there is no key or the API rejects it.
    """
    from stripecli.api.errors import AuthenticationError, PermissionDeniedError, StripeError
    from stripecli.api.request import ApiRequest
    from stripecli.redact import redact

    session = _session(api_key=api_key, profile=profile, live=live, api_base=api_base, verbose=verbose, output=output)
    fmt = _output_format(session)
    env = session.env
    creds = session.credentials()
    account_id, account_name = creds.account, creds.account_name
    valid: bool | None = None
    failure: CliError | None = None
    if not no_verify:
        try:
            with session.client() as client:
                account = client.send(ApiRequest("GET", "/v1/account"))
            valid = True
            if isinstance(account.get("id"), str):
                account_id, account_name = account["id"], auth_keys.account_name(account)
        except AuthenticationError as err:
            valid = False
            failure = AuthError(f"the key {creds.masked_key} is invalid: the API rejected it "
                                f"({redact(err.one_line(), creds.key)})")
        except PermissionDeniedError:
            valid = True  # authenticated, but not allowed to read the account (a restricted key)
        except StripeError as err:
            failure = CliError(f"could not check the key ({redact(err.one_line(), creds.key)})", exit_code=err.exit_code)

    shown_profile = creds.profile if creds.source in ("keyring", "file", "local") else None
    if fmt == "json":
        doc = {
            "profile": shown_profile,
            "mode": creds.mode,
            "account": {"id": account_id, "name": account_name} if account_id else None,
            "key": creds.masked_key,
            "source": creds.source,
            "valid": valid,
        }
        env.stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        account_text = (f"{account_id} ({account_name})" if account_name else account_id) if account_id else "unknown"
        lines = [
            f"profile: {shown_profile or '-'}",
            f"mode: {creds.mode}",
            f"account: {account_text}",
            f"key: {creds.masked_key}",
            f"source: {creds.source}",
        ]
        if valid is not None:
            lines.append(f"valid: {'yes' if valid else 'no'}")
        env.stdout.write("\n".join(lines) + "\n")
    env.stdout.flush()
    if failure is not None:
        raise failure
    return exit_codes.OK


# -- list, switch, logout ------------------------------------------------------------------


@app.command("list")
def list_profiles(
    output: Optional[str] = typer.Option(None, "--output", "-o", help=OUTPUT_HELP, metavar="FORMAT"),
) -> int:
    """The profiles in profiles.toml; * marks the default. Keys are shown masked."""
    from stripecli import config

    session = _session(output=output)
    fmt = _output_format(session)
    env = session.env
    data = config.load_profiles()
    default = config.default_profile_name(data)
    profiles = data.get("profiles") or {}
    rows = []
    for name in sorted(profiles):
        record = profiles[name] if isinstance(profiles[name], dict) else {}
        modes = {m: record.get(m) for m in config.MODES if isinstance(record.get(m), dict)}
        first = next(iter(modes.values()), {})
        rows.append({
            "name": name,
            "default": name == default,
            "account": {"id": first.get("account_id"), "name": first.get("account_name")} if first.get("account_id") else None,
            "test_key": (modes.get("test") or {}).get("key"),
            "live_key": (modes.get("live") or {}).get("key"),
            "storage": sorted({m.get("storage", "keyring") for m in modes.values()}),
            "api_base": record.get("api_base"),
        })
    if fmt == "json":
        env.stdout.write(json.dumps(rows, indent=2) + "\n")
        return exit_codes.OK
    if not rows:
        _say(env, "no profiles yet: run 'stripecli auth login'")
        return exit_codes.OK
    table = [["", "PROFILE", "ACCOUNT", "TEST KEY", "LIVE KEY", "STORAGE"]]
    for row in rows:
        account = row["account"]
        account_text = "-"
        if account:
            account_text = account["id"] + (f" ({account['name']})" if account.get("name") else "")
        table.append(["*" if row["default"] else "", row["name"], account_text, row["test_key"] or "-",
                      row["live_key"] or "-", ",".join(row["storage"]) or "-"])
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for r in table:
        env.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() + "\n")
    env.stdout.flush()
    return exit_codes.OK


@app.command()
def switch(name: str = typer.Argument(..., metavar="NAME", help="The profile to make the default.")) -> int:
    """Make NAME the default profile (STRIPE_PROFILE and --profile still win)."""
    from stripecli import config

    env = _session().env
    data = config.load_profiles()
    profiles = data.get("profiles") or {}
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "none yet"
        raise UsageError(f"invalid value for NAME: no profile named '{name}' (profiles: {known})")
    data["default_profile"] = name
    config.save_profiles(data)
    _say(env, f"default profile: {name}")
    return exit_codes.OK


@app.command()
def logout(
    profile: Optional[str] = typer.Option(None, "--profile", help=PROFILE_HELP, metavar="NAME"),
    all_profiles: bool = typer.Option(False, "--all", help="Log out of every profile."),
) -> int:
    """Delete a profile's keys (test and live) from the keyring, then the profile from profiles.toml.

    If a key cannot be deleted (the keyring fails or does not answer), the profile is kept, so
    that no key is left in the keyring without a profile pointing at it; the command says so and
    exits 3. Run it again once the keyring answers."""
    from stripecli import config

    session = _session(profile=profile)
    env, profile = session.env, session.options.profile
    data = config.load_profiles()
    profiles = data.get("profiles") or {}
    if all_profiles:
        if profile:
            raise UsageError("--all and --profile cannot be used together")
        names = sorted(profiles)
        if not names:
            _say(env, "no profiles: nothing to log out of")
            return exit_codes.OK
    else:
        name = config.selected_profile_name(profile, data, session.environ)
        if name not in profiles:
            known = ", ".join(sorted(profiles)) or "none"
            raise CliError(f"not logged in to profile '{name}' (profiles: {known})")
        names = [name]

    kept: list[str] = []
    for name in names:
        # The keys go first: a profile is removed only once nothing it points to is left behind,
        # so a keyring that fails or hangs never leaves a key nobody knows about.
        problem = auth_keys.delete_keys(name, profiles.get(name) if isinstance(profiles.get(name), dict) else {})
        if problem:
            kept.append(f"profile '{name}' is kept: its key could not be deleted from the OS keyring ({problem})")
            continue
        data = config.load_profiles()
        (data.get("profiles") or {}).pop(name, None)
        was_default = config.default_profile_name(data) == name
        if data.get("default_profile") == name:
            data.pop("default_profile", None)
        config.save_profiles(data)
        _say(env, f"Logged out of profile '{name}'.")
        remaining = sorted(data.get("profiles") or {})
        if was_default and remaining and not all_profiles:
            _say(env, f"There is no default profile now (left: {', '.join(remaining)}): "
                      "use --profile NAME, or 'stripecli auth switch NAME'.")
    if kept:
        raise AuthError("; ".join(kept) + ": run 'stripecli auth logout' again once the keyring answers")
    return exit_codes.OK
