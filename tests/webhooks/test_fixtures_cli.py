"""``stripecli fixtures FILE.json`` on the emulator: references, environment, bad files, failed steps."""

from __future__ import annotations

import json

import pytest


def write(tmp_path, doc, name="fixture.json"):
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return str(path)


def customers(cli) -> list[dict]:
    result = cli("customers", "list", "--local", "-o", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["data"]


GOOD = {
    "_meta": {"template_version": 0},
    "fixtures": [
        {"name": "customer", "path": "/v1/customers", "method": "post",
         "params": {"email": "${.env:FIXTURE_EMAIL|default@example.com}", "metadata": {"plan": "gold"}}},
        {"name": "renamed", "path": "/v1/customers/${customer:id}", "method": "post",
         "params": {"description": "owner of ${customer:email}", "metadata": {"copied": "${customer:metadata.plan}"}}},
        {"name": "product", "path": "/v1/products", "method": "post", "params": {"name": "Gold"}},
        {"name": "price", "path": "/v1/prices", "method": "post",
         "params": {"product": "${product:id}", "unit_amount": 1200, "currency": "usd", "recurring": {"interval": "month"}}},
        {"name": "again", "path": "/v1/customers/${renamed:id}", "method": "get"},
    ],
}


def test_runs_steps_in_order_resolving_references(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("FIXTURE_EMAIL", "ops@example.com")
    result = cli("fixtures", write(tmp_path, GOOD), "--local", "--format", "json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert list(out) == ["customer", "renamed", "product", "price", "again"]
    assert out["customer"]["email"] == "ops@example.com"
    assert out["renamed"]["description"] == "owner of ops@example.com"
    assert out["renamed"]["metadata"] == {"plan": "gold", "copied": "gold"}
    assert out["price"]["product"] == out["product"]["id"]
    assert out["price"]["unit_amount"] == 1200
    lines = result.stderr.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["customer", "renamed", "product", "price", "again"]
    assert out["customer"]["id"] in lines[0] and "POST" in lines[0]


def test_env_default_and_dotenv_file(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("fixtures", write(tmp_path, GOOD), "--local", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["customer"]["email"] == "default@example.com"
    (tmp_path / ".env").write_text("# settings\nexport FIXTURE_EMAIL='dotenv@example.com'\n")
    result = cli("fixtures", write(tmp_path, GOOD), "--local", "--format", "json")
    assert json.loads(result.stdout)["customer"]["email"] == "dotenv@example.com"


def test_text_format_prints_nothing_on_stdout(cli, tmp_path):
    result = cli("fixtures", write(tmp_path, GOOD), "--local")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 5


@pytest.mark.parametrize("doc, message", [
    ("{not json", "not valid JSON"),
    ({"fixtures": []}, "_meta.template_version is missing"),
    ({"_meta": {"template_version": 7}, "fixtures": [{}]}, "_meta.template_version 7 is not supported"),
    ({"_meta": {"template_version": 0}, "fixtures": []}, "'fixtures' must be a non-empty list"),
    ({"_meta": {"template_version": 0}, "fixtures": [{"path": "/v1/customers", "method": "post"}]}, "step 1: 'name' is missing"),
    ({"_meta": {"template_version": 0}, "fixtures": [
        {"name": "a", "path": "/v1/customers", "method": "post"},
        {"name": "b", "path": "/v1/customers", "method": "patch"}]}, "step 'b': 'method' must be get, post or delete"),
    ({"_meta": {"template_version": 0}, "fixtures": [
        {"name": "a", "path": "customers", "method": "post"}]}, "step 'a': 'path' must be an API path"),
    ({"_meta": {"template_version": 0}, "fixtures": [
        {"name": "a", "path": "/v1/customers", "method": "post"},
        {"name": "a", "path": "/v1/customers", "method": "post"}]}, "step 'a': the name is used by an earlier step"),
    ({"_meta": {"template_version": 0}, "fixtures": [
        {"name": "a", "path": "/v1/customers", "method": "post", "params": {"email": "${b:email}"}},
        {"name": "b", "path": "/v1/customers", "method": "post"}]}, "step 'a': '${b:email}' names a step that does not run before"),
    ({"_meta": {"template_version": 0}, "fixtures": [
        {"name": "a", "path": "/v1/customers", "method": "post", "params": {"email": "${nocolon}"}}]}, "step 'a': '${nocolon}' is not a reference"),
    ({"_meta": {"template_version": 0}, "fixtures": [
        {"name": "a", "path": "/v1/customers", "method": "post", "parms": {}}]}, "step 'a': unknown field parms"),
    ({"_meta": {"template_version": 0}, "fixtures": [
        {"name": "a", "path": "/v1/customers", "method": "post"},
        {"name": "b", "path": "/v1/customers", "method": "post", "params": {"email": "${.env:FIXTURE_UNSET_VAR}"}}]},
     "step 'b': environment variable FIXTURE_UNSET_VAR is not set"),
])
def test_bad_file_is_one_line_exit_2_and_nothing_sent(cli, tmp_path, doc, message):
    result = cli("fixtures", write(tmp_path, doc), "--local")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert customers(cli) == []


def test_missing_file(cli, tmp_path):
    result = cli("fixtures", str(tmp_path / "nope.json"), "--local")
    assert result.exit_code == 2
    assert "cannot read fixture file" in result.stderr


def test_failed_step_stops_the_run(cli, tmp_path):
    doc = {"_meta": {"template_version": 0}, "fixtures": [
        {"name": "first", "path": "/v1/customers", "method": "post", "params": {"email": "one@example.com"}},
        {"name": "broken", "path": "/v1/customers/cus_doesnotexist", "method": "post", "params": {"description": "x"}},
        {"name": "never", "path": "/v1/customers", "method": "post", "params": {"email": "never@example.com"}},
    ]}
    result = cli("fixtures", write(tmp_path, doc), "--local")
    assert result.exit_code == 4  # not found, as for any command
    assert "step 'broken' (POST /v1/customers/cus_doesnotexist) failed: No such customer" in result.stderr
    assert "nothing after it was sent" in result.stderr
    assert [c["email"] for c in customers(cli)] == ["one@example.com"]


def test_reference_to_missing_field_stops_at_that_step(cli, tmp_path):
    doc = {"_meta": {"template_version": 0}, "fixtures": [
        {"name": "first", "path": "/v1/customers", "method": "post", "params": {"email": "one@example.com"}},
        {"name": "second", "path": "/v1/customers", "method": "post", "params": {"email": "${first:no_such_field.x}"}},
    ]}
    result = cli("fixtures", write(tmp_path, doc), "--local")
    assert result.exit_code == 2
    assert "step 'second': '${first:no_such_field.x}': no 'no_such_field' in the response of step 'first'" in result.stderr
    assert len(customers(cli)) == 1


def test_expected_error_type_lets_the_run_go_on(cli, tmp_path):
    doc = {"_meta": {"template_version": 0}, "fixtures": [
        {"name": "missing", "path": "/v1/customers/cus_doesnotexist", "method": "get",
         "expected_error_type": "invalid_request_error"},
        {"name": "after", "path": "/v1/customers", "method": "post", "params": {"email": "after@example.com"}},
    ]}
    result = cli("fixtures", write(tmp_path, doc), "--local")
    assert result.exit_code == 0, result.stderr
    assert "expected invalid_request_error" in result.stderr
    assert [c["email"] for c in customers(cli)] == ["after@example.com"]
