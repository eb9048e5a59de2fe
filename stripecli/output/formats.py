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
    that is not one of FORMATS."""
    if flag:
        value, source = flag, "output format"
    else:
        value = env.environ.get(OUTPUT_ENV_VAR, "").strip()
        if not value:
            return "table" if env.stdout_isatty else "json"
        source = f"{OUTPUT_ENV_VAR} value"
    fmt = value.strip().lower()
    if fmt not in FORMATS:
        raise ValueError(f"invalid {source} {value!r}: choose one of {', '.join(FORMATS)}")
    return fmt
