"""Failures on stderr, never stdout: one ``error:`` line (keys masked, long values cut), or the
error object as JSON with ``-o json``/``jsonl``; and where to resume a stream that stopped."""

from __future__ import annotations

from stripecli.output.cells import dump_json, dump_json_line

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any

    from stripecli.output.env import Environment

def paint(env: Environment, text: str, sgr: str) -> str:
    """ANSI SGR colour for stderr text, only when stderr is a colour terminal."""
    return f"\x1b[{sgr}m{text}\x1b[0m" if env.stderr_color else text


def error_body(err: Any) -> dict:
    """The error as Stripe's JSON envelope ``{"error": {...}}`` (its own body when it carries one)."""
    body = getattr(err, "json_body", None)
    if isinstance(body, dict) and body:
        return body if "error" in body else {"error": body}
    error = {
        "message": getattr(err, "message", None) or str(err),
        "type": getattr(err, "type", None),
        "code": getattr(err, "code", None),
        "param": getattr(err, "param", None),
    }
    request_id = getattr(err, "request_id", None)
    if request_id:
        error["request_id"] = request_id
    return {"error": error}


def render_error(env: Environment, fmt: str | None, err: Any, *keys: str) -> None:
    """An error on stderr (never stdout): ``error: <one line>``, or with json/jsonl the error
    object as JSON (Stripe's own body when the error carries one). Duck-typed: uses
    ``one_line()``, ``message``, ``type``, ``code``, ``param``, ``request_id``, ``json_body``
    when present. Secret keys (``keys``, and anything shaped like one) are masked: an API or a
    proxy that echoes the key back must not put it on the screen."""
    from stripecli.redact import clip, redact

    if fmt in ("json", "jsonl"):
        body = error_body(err)
        text = dump_json(body) if fmt == "json" else dump_json_line(body)
        env.stderr.write(redact(text, *keys) + "\n")
    else:
        one_line = getattr(err, "one_line", None)
        line = one_line() if callable(one_line) else (str(err) or type(err).__name__)
        line = clip(redact(" ".join(str(line).split("\n")).strip(), *keys))
        env.stderr.write(f"{paint(env, 'error:', '1;31')} {line}\n")
    env.stderr.flush()


def render_resume_hint(env: Environment, cursor: tuple[str, str] | None) -> None:
    """After a stream stopped early: how to carry on (``--starting-after cbtxn_123``)."""
    if not cursor:
        return
    param, value = cursor
    flag = "--" + param.replace("_", "-")
    env.stderr.write(f"stopped early; resume with {flag} {value}\n")
    env.stderr.flush()
