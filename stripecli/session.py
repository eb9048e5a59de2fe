"""The command session: one object per run that every command goes through.

``cli.main(argv, env=None)`` makes one ``Session`` and hands it to click as the context object;
commands find it with ``current()``. It owns, in one place (as gh's factory and httpie's
environment do):

- the environment: streams, terminal facts and environment variables (``output.env.Environment``;
  tests pass one in instead of patching ``sys`` or ``os.environ``);
- the global options: those given before the command (``root``) merged with the command's own,
  the command's winning (``use()``);
- the output format and fields, the credentials, the client configuration and the API client;
- error rendering (``render_error``), the one place a failure becomes stderr text.

Nothing heavy is imported here: httpx, rich, keyring and the emulator load only when a command
asks for a client, a credential or a table.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Iterator

from stripecli import exit_codes
from stripecli.errors import CliError, UsageError
from stripecli.surface.options import GlobalOptions

if TYPE_CHECKING:  # pragma: no cover - typing only
    from stripecli.api.client import ClientConfig, StripeClient
    from stripecli.credentials import Credentials
    from stripecli.output.env import Environment
    from stripecli.output.render import Renderer

#: The profile name, and ``STRIPE_PROFILE`` value, that selects the local emulator.
LOCAL_PROFILE = "local"
#: What ``--dry-run --local`` prints as the base: where ``stripecli emulator serve`` listens.
EMULATOR_BASE = "http://127.0.0.1:12111"


class Session:
    """What one run of stripecli needs to talk to the API and to the operator."""

    def __init__(self, env: Environment | None = None):
        self._env = env
        self.root = GlobalOptions()       # the options given before the command
        self.options = GlobalOptions()    # root merged with the command's own (use())
        self._format: str | None = None
        self._credentials: dict[bool, Credentials] = {}

    # -- the environment -------------------------------------------------------------------

    @property
    def env(self) -> Environment:
        """The streams and terminal facts, probed on first use (never at import)."""
        if self._env is None:
            from stripecli.output.env import Environment

            self._env = Environment.from_system()
        return self._env

    @property
    def environ(self):
        return self.env.environ

    @contextlib.contextmanager
    def streams(self) -> Iterator[None]:
        """While running: click's own output (help, usage) goes to this environment's streams
        too, when they are not the process's."""
        import sys

        env = self._env
        if env is None or (env.stdout is sys.stdout and env.stderr is sys.stderr):
            yield
            return
        with contextlib.redirect_stdout(env.stdout), contextlib.redirect_stderr(env.stderr):  # type: ignore[type-var]
            yield

    def say(self, text: str) -> None:
        """A message for the operator: stderr, never stdout."""
        self.env.stderr.write(text + "\n")
        self.env.stderr.flush()

    # -- the options -----------------------------------------------------------------------

    def use(self, command_options: GlobalOptions | None = None) -> "Session":
        """Take the command's own global options; each one given wins over the root's."""
        self.options = (command_options or GlobalOptions()).over(self.root)
        self._format = None
        self._credentials.clear()
        if self.options.no_color:
            self.env.no_color = True
        return self

    @property
    def profile_name(self) -> str | None:
        """``--profile``, else ``STRIPE_PROFILE`` (None: the default profile)."""
        return self.options.profile or self.environ.get("STRIPE_PROFILE") or None

    @property
    def local(self) -> bool:
        """True when requests go to the in-process emulator: ``--local`` or the profile ``local``."""
        return bool(self.options.local) or self.profile_name == LOCAL_PROFILE

    @property
    def format(self) -> str:
        """The output format: ``-o``, else ``STRIPECLI_OUTPUT``, else table on a terminal, json."""
        if self._format is None:
            from stripecli.output.formats import resolve_format

            try:
                self._format = resolve_format(self.options.output, self.env)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
        return self._format

    @property
    def fields(self) -> list[str] | None:
        """``--fields`` as a list of dotted paths; a usage error when a name is empty."""
        from stripecli.surface.fields import parse_fields

        try:
            return parse_fields(self.options.fields)
        except ValueError as exc:
            raise UsageError(f"invalid value for --fields: {exc}") from None

    def check_output(self, object_type: str | None, returns: str = "object") -> None:
        """``-o`` and ``--fields`` checked before anything is sent: a format that is not one, a
        field the answer cannot have (``stripecli.surface.fields``)."""
        from stripecli.surface.fields import check_fields

        self.format  # noqa: B018 - a bad -o is a usage error
        try:
            check_fields(self.fields, object_type, returns)
        except ValueError as exc:
            raise UsageError(f"invalid value for --fields: {exc}") from None

    def error_format(self) -> str:
        """Errors are JSON on stderr only when JSON output was asked for (-o or STRIPECLI_OUTPUT);
        the pipe default stays one readable line, so ``stripecli ... | jq`` shows a plain error."""
        chosen = self.options.output or self.environ.get("STRIPECLI_OUTPUT")
        if not chosen:
            return "table"
        try:
            return self.format
        except UsageError:
            return "table"

    def renderer(self, object_type: str | None = None) -> Renderer:
        from stripecli.output.render import Renderer

        return Renderer(self.env, self.format, self.fields, object_type)

    # -- credentials and the client --------------------------------------------------------

    def credentials(self, *, required: bool = True) -> Credentials:
        """The key for this run and where it came from (see ``stripecli.credentials``)."""
        if required not in self._credentials:
            from stripecli.credentials import resolve_credentials

            self._credentials[required] = resolve_credentials(self.options, self.env, local=self.local,
                                                              required=required)
        return self._credentials[required]

    def secrets(self) -> list[str]:
        """Keys to mask in anything printed."""
        creds = self._credentials.get(True) or self._credentials.get(False)
        return [creds.key] if creds is not None and creds.key else []

    def log(self, *keys: str):
        """The ``--verbose`` logger (each line on stderr, keys masked), or None."""
        if not self.options.verbose:
            return None
        from stripecli.redact import redact

        def log(line: str) -> None:
            self.env.stderr.write(redact(line, *keys) + "\n")
            self.env.stderr.flush()

        return log

    def client_config(self, *, api_key: str | None = None, api_base: str | None = None,
                      required: bool = True) -> ClientConfig:
        """Key, base URL, version, retries and transport for this run's calls.

        ``api_key`` (``auth login`` checking a key it was given) skips credential resolution;
        ``api_base`` overrides the options' base for that check."""
        from stripecli import __version__
        from stripecli.api.client import ClientConfig
        from stripecli.model import api_version

        opts = self.options
        transport = None
        if self.local:
            from stripecli.emulator.transport import local_transport

            transport = local_transport()
        if api_key is None:
            creds = self.credentials(required=required)
            key, profile_base = creds.key, creds.api_base
        else:
            key, profile_base = api_key, None
        return ClientConfig(
            api_key=key,
            api_base=api_base or opts.api_base or self.environ.get("STRIPE_API_BASE") or profile_base,
            stripe_version=opts.stripe_version or api_version(),
            stripe_account=opts.stripe_account,
            max_retries=2 if opts.max_retries is None else opts.max_retries,
            timeout=opts.timeout,
            idempotency_key=opts.idempotency_key,
            log=self.log(*([key] if key else [])),
            transport=transport,
            user_agent_version=__version__,
        )

    def client(self, **config: Any) -> StripeClient:
        """An API client for this run (use it as a context manager)."""
        from stripecli.api.client import StripeClient

        return StripeClient(self.client_config(**config))

    def dry_run(self, client: StripeClient, req: Any) -> int:
        """``--dry-run``: the request as a curl command line on stdout (key masked), nothing sent.
        With ``--local`` the line names the emulator, not api.stripe.com."""
        from dataclasses import replace

        from stripecli.redact import mask_key

        key = client.config.api_key
        if self.local:
            client = type(client)(replace(client.config, api_base=EMULATOR_BASE, transport=None))
            self.say("dry run: this request would go to the local emulator (in-process), not api.stripe.com; "
                     f"the curl line below reaches it once 'stripecli emulator serve' listens on {EMULATOR_BASE}")
        line = client.prepare(req).to_curl(mask_key(key) if key else "$STRIPE_API_KEY")
        self.env.stdout.write(line + "\n")
        self.env.stdout.flush()
        return exit_codes.OK

    def confirm(self, req: Any) -> None:
        """Ask before a live-mode write (see ``credentials.confirm_live``)."""
        from stripecli.credentials import confirm_live

        confirm_live(self.credentials(), req, self.options, self.env)

    # -- errors ----------------------------------------------------------------------------

    def render_error(self, err: BaseException) -> int:
        """A failure on stderr with every key masked; returns its exit code. An API error is
        Stripe's error object as JSON when JSON output was asked for; anything else (bad input,
        no key, a local failure) is always one line."""
        from stripecli.api.errors import StripeError
        from stripecli.output.errors import render_error

        fmt = self.error_format() if isinstance(err, StripeError) else "table"
        render_error(self.env, fmt, err, *self.secrets())
        code = getattr(err, "exit_code", None)
        return int(code) if isinstance(err, CliError) and code is not None else exit_codes.API_ERROR


def current() -> Session:
    """The session of the command being run (a fresh one outside ``cli.main``)."""
    import click

    ctx = click.get_current_context(silent=True)
    session = ctx.find_object(Session) if ctx is not None else None
    if session is None:
        session = Session()
        if ctx is not None:
            ctx.find_root().obj = session
    return session


def for_command(options: GlobalOptions | None = None) -> Session:
    """``current().use(options)``: what a command calls first."""
    return current().use(options)
