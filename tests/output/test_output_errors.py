"""Errors and hints go to stderr only."""

import json

import pytest

from stripecli.output.errors import render_error, render_resume_hint

BODY = {"error": {"message": "No such customer: 'cus_x'", "type": "invalid_request_error",
                  "code": "resource_missing", "param": "id",
                  "request_log_url": "https://dashboard.stripe.com/test/logs/req_1"}}


def test_error_line_on_stderr_and_nothing_on_stdout(pipe, stripe_error):
    err = stripe_error("No such customer: 'cus_x'", type="invalid_request_error", code="resource_missing")
    render_error(pipe, "table", err)
    assert pipe.stdout.getvalue() == ""
    assert pipe.stderr.getvalue() == (
        "error: No such customer: 'cus_x' (type=invalid_request_error, code=resource_missing)\n"
    )


def test_error_line_is_red_only_on_a_colour_terminal(terminal, stripe_error):
    render_error(terminal, "table", stripe_error("boom"))
    assert terminal.stderr.getvalue() == "\x1b[1;31merror:\x1b[0m boom\n"
    terminal.no_color = True
    terminal.stderr.truncate(0)
    terminal.stderr.seek(0)
    render_error(terminal, "table", stripe_error("boom"))
    assert terminal.stderr.getvalue() == "error: boom\n"


def test_error_line_stays_one_line(pipe):
    render_error(pipe, None, ValueError("first\nsecond"))
    assert pipe.stderr.getvalue() == "error: first second\n"


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_error_uses_stripes_body(pipe, stripe_error, fmt):
    render_error(pipe, fmt, stripe_error("No such customer", json_body=BODY))
    assert pipe.stdout.getvalue() == ""
    text = pipe.stderr.getvalue()
    assert json.loads(text) == BODY
    assert text.count("\n") == (1 if fmt == "jsonl" else len(json.dumps(BODY, indent=2).splitlines()))


def test_json_error_built_when_there_is_no_body(pipe, stripe_error):
    err = stripe_error("Request timed out", type="api_connection_error", request_id="req_9")
    render_error(pipe, "json", err)
    assert json.loads(pipe.stderr.getvalue()) == {
        "error": {"message": "Request timed out", "type": "api_connection_error", "code": None,
                  "param": None, "request_id": "req_9"}
    }


def test_json_error_for_a_plain_exception(pipe):
    render_error(pipe, "jsonl", RuntimeError("disk full"))
    assert json.loads(pipe.stderr.getvalue())["error"]["message"] == "disk full"


def test_resume_hint(pipe):
    render_resume_hint(pipe, ("starting_after", "cbtxn_123"))
    render_resume_hint(pipe, None)
    assert pipe.stdout.getvalue() == ""
    assert pipe.stderr.getvalue() == "stopped early; resume with --starting-after cbtxn_123\n"


def test_resume_hint_for_search_pages(pipe):
    render_resume_hint(pipe, ("page", "next_abc"))
    assert pipe.stderr.getvalue() == "stopped early; resume with --page next_abc\n"
