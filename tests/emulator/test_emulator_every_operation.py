"""Every operation of the model is routed, and none makes the emulator fail (no 500)."""

from __future__ import annotations

import re

import pytest

from stripecli import model
from stripecli.api.encode import encode_form
from stripecli.emulator import routes
OPERATIONS = list(model.iter_operations())


def test_every_operation_routes_to_itself():
    for group, resource, verb, op in OPERATIONS:
        concrete = re.sub(r"\{(\w+)\}", lambda m: "x_" + m.group(1), op["path"])
        found = routes.match(op["method"], concrete)
        assert found is not None, (group, resource, verb)
        route, values = found
        assert route.op is op, (op["method"], op["path"], route.path)
        assert list(values) == [p for p in re.findall(r"\{(\w+)\}", op["path"])]


def test_literal_segments_win_over_ids():
    assert routes.match("GET", "/v1/customers/search")[0].kind == "search"
    assert routes.match("GET", "/v1/customers/cus_123")[0].kind == "retrieve"
    assert routes.match("GET", "/v1/terminal/hardware_orders/preview")[0].verb == "preview"
    assert routes.match("GET", "/v1/terminal/hardware_orders/thor_1")[0].verb == "get"
    assert routes.match("GET", "/v1/nothing/here") is None


def sample(p: dict):
    """A valid value for a param record: its required children only."""
    kind = p.get("type", "string")
    if kind == "integer":
        return 7
    if kind == "number":
        return "1.5"
    if kind == "boolean":
        return True
    if kind == "enum":
        return p["values"][0]
    if kind == "timestamp":
        return 1_700_000_000
    if kind == "array":
        return [sample(p.get("items", {"type": "string"}))]
    if kind == "object":
        if p.get("map"):
            return {"k": "v"}
        children = p.get("children", [])
        chosen = [c for c in children if c.get("required")] or children[:1]
        return {c["name"]: sample(c) for c in chosen}
    return "x_sample"


def _required(params):
    return {p["name"]: sample(p) for p in params if p.get("required")}


@pytest.mark.parametrize("index", range(0, len(OPERATIONS), 1), ids=lambda i: "%s %s" % (
    OPERATIONS[i][3]["method"], OPERATIONS[i][3]["path"]))
def test_no_operation_fails_with_required_params_only(local, index):
    group, resource, verb, op = OPERATIONS[index]
    path = re.sub(r"\{(\w+)\}", lambda m: "x_" + m.group(1), op["path"])
    params = encode_form(_required(op.get("params", [])))
    if op["method"] == "POST":
        response = local.post(path, content=params.encode(), headers={"Content-Type": "application/x-www-form-urlencoded"})
    else:
        response = local.request(op["method"], path + ("?" + params if params else ""))
    assert response.status_code in (200, 400, 404), (response.status_code, response.text)
    assert response.headers["request-id"].startswith("req_")
    body = response.json()
    if response.status_code == 200:
        if op["returns"] in ("list", "search"):
            assert body["object"] in ("list", "search_result") and isinstance(body["data"], list)
        elif op["returns"] == "deleted":
            assert body["deleted"] is True
        else:
            assert body.get("object") in {op["object"], *(op.get("objects") or ())}, body.get("object")
    else:
        assert body["error"]["type"] == "invalid_request_error"
