"""Which output format a command prints: ``-o``, else ``STRIPECLI_OUTPUT``, else table on a
terminal and json elsewhere (see ``stripecli.output.render`` for what each format is)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover - typing only
    from stripecli.output.env import Environment

FORMATS = ("table", "json", "jsonl", "csv", "id")
OUTPUT_ENV_VAR = "STRIPECLI_OUTPUT"


def resolve_format(flag: str | None, env: Environment) -> str:
    """The output format: ``--output`` wins, then ``STRIPECLI_OUTPUT``, then ``table`` when
    stdout is a terminal and ``json`` when it is not. Raises ValueError (one line) for a value
    that is not exactly one of FORMATS (an empty STRIPECLI_OUTPUT counts as not set)."""
    if flag is not None:  # given, even as '': -o '' is a mistake, not "the default"
        if flag not in FORMATS:
            raise ValueError(f"invalid value for -o/--output: {flag!r} is not one of: {', '.join(FORMATS)}")
        return flag
    value = env.environ.get(OUTPUT_ENV_VAR, "")
    if not value.strip():
        return "table" if env.stdout_isatty else "json"
    if value not in FORMATS:  # as typed: JSON or ' json' is not a format, as in every other flag
        raise ValueError(f"invalid {OUTPUT_ENV_VAR} value {value!r}: choose one of {', '.join(FORMATS)}")
    return value
