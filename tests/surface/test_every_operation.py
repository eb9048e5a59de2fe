"""Every operation of the model has a command, and --dry-run builds its exact request."""

from __future__ import annotations

import pytest
from stripe._encode import _api_encode

from stripecli import model
from tests.surface.helpers import command_words, flags_for, parse_curl, sample

OPERATIONS = sorted(model.iter_operations(), key=lambda t: (t[0], t[1], t[2]))


def test_the_model_is_not_trivial():
    assert len(OPERATIONS) > 600
    assert len({(g, r) for g, r, _, _ in OPERATIONS}) > 170


@pytest.mark.parametrize("group,resource,verb,op", OPERATIONS, ids=[f"{g}:{r}:{v}" for g, r, v, _ in OPERATIONS])
def test_dry_run_builds_the_request(cli, monkeypatch, group, resource, verb, op):
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake123abcd")
    ids = [f"id_{i}/x" if i == 0 else f"id_{i}" for i in range(len(op["path_params"]))]
    params = {p["name"]: sample(p) for p in op["params"] if p.get("required")}
    argv = command_words(group, resource, verb) + ids
    for p in op["params"]:
        if p["name"] in params:
            argv += flags_for(p, params[p["name"]])
    result = cli(*argv, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    method, path, query, form, headers = parse_curl(result.stdout.strip())
    assert method == op["method"]
    expected_path = op["path"]
    for pp, value in zip(op["path_params"], ids):
        expected_path = expected_path.replace("{" + pp["name"] + "}", value.replace("/", "%2F"), 1)
    assert path == expected_path
    expected = sorted((k, str(v)) for k, v in _api_encode(params))
    sent = sorted(query if op["method"] != "POST" else form)
    assert sent == expected
    assert headers["Authorization"] == "Bearer sk_test_...abcd"
    assert headers["Stripe-Version"] == (op.get("stripe_version") or model.api_version())
    if op["method"] == "POST":
        assert headers.get("Idempotency-Key")
