"""Each format for a single object, a single list page and a stream of pages (--all)."""

import csv
import io
import json

import pytest

from stripecli.output.render import Renderer

CUSTOMER = {
    "id": "cus_1",
    "object": "customer",
    "name": "Zoë Ångström",
    "email": "zoe@example.com",
    "created": 1735689600,
    "address": {"city": "Malmö", "country": "SE"},
    "metadata": {},
    "livemode": False,
}
CUSTOMERS = [
    CUSTOMER,
    {"id": "cus_2", "object": "customer", "name": "Bo, \"the\" Boss", "email": None,
     "created": 1735776000, "address": None, "livemode": False},
]
PAGE = {"object": "list", "data": CUSTOMERS, "has_more": False, "url": "/v1/customers"}


def out(env) -> str:
    return env.stdout.getvalue()


def err(env) -> str:
    return env.stderr.getvalue()


# ----------------------------------------------------------------------------- json


def test_json_object_is_the_response_unchanged(pipe):
    # keys deliberately out of alphabetical order: the order received must be kept
    obj = {"zeta": 1, "id": "cus_1", "alpha": {"y": 2, "b": 1}, "name": "東京", "object": "customer"}
    Renderer(pipe, "json", None, "customer").object(obj)
    assert out(pipe) == json.dumps(obj, indent=2, ensure_ascii=False) + "\n"
    assert '"zeta": 1,\n  "id"' in out(pipe)
    assert "東京" in out(pipe)
    assert err(pipe) == ""


def test_json_ignores_fields(pipe):
    Renderer(pipe, "json", ["id"], "customer").object(CUSTOMER)
    assert json.loads(out(pipe)) == CUSTOMER


def test_json_list_page_prints_the_envelope(pipe):
    Renderer(pipe, "json", None, "customer").list_page(PAGE)
    assert out(pipe) == json.dumps(PAGE, indent=2, ensure_ascii=False) + "\n"


def test_json_stream_is_one_array(pipe):
    n = Renderer(pipe, "json", None, "customer").stream([CUSTOMERS[:1], CUSTOMERS[1:]])
    assert n == 2
    assert out(pipe) == json.dumps(CUSTOMERS, indent=2, ensure_ascii=False) + "\n"


def test_json_stream_of_nothing_is_an_empty_array(pipe):
    assert Renderer(pipe, "json").stream([]) == 0
    assert out(pipe) == "[]\n"
    assert json.loads(out(pipe)) == []


def test_json_stream_with_empty_pages(pipe):
    Renderer(pipe, "json").stream([[], CUSTOMERS, []])
    assert json.loads(out(pipe)) == CUSTOMERS


# ----------------------------------------------------------------------------- jsonl


def test_jsonl_object_is_one_line(pipe):
    Renderer(pipe, "jsonl", None, "customer").object(CUSTOMER)
    assert out(pipe).count("\n") == 1
    assert json.loads(out(pipe)) == CUSTOMER
    assert "Zoë" in out(pipe)


def test_jsonl_list_page_is_one_line_per_object(pipe):
    Renderer(pipe, "jsonl", None, "customer").list_page(PAGE)
    assert [json.loads(line) for line in out(pipe).splitlines()] == CUSTOMERS


def test_jsonl_stream(pipe):
    n = Renderer(pipe, "jsonl").stream([CUSTOMERS, CUSTOMERS])
    assert n == 4
    assert [json.loads(line) for line in out(pipe).splitlines()] == CUSTOMERS * 2


def test_jsonl_fields_keeps_only_those_keys_named_by_their_dotted_path(pipe):
    Renderer(pipe, "jsonl", ["id", "address.city", "nope"], "customer").list_page(PAGE)
    lines = [json.loads(line) for line in out(pipe).splitlines()]
    assert lines == [
        {"id": "cus_1", "address.city": "Malmö", "nope": None},
        {"id": "cus_2", "address.city": None, "nope": None},
    ]
    assert list(lines[0]) == ["id", "address.city", "nope"]


# ----------------------------------------------------------------------------- csv


def parse_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_object_is_header_and_one_row(pipe):
    Renderer(pipe, "csv", None, "customer").object(CUSTOMER)
    assert parse_csv(out(pipe)) == [
        ["id", "email", "name", "created"],
        ["cus_1", "zoe@example.com", "Zoë Ångström", "1735689600"],
    ]


def test_csv_list_page_quotes_and_raw_values(pipe):
    Renderer(pipe, "csv", None, "customer").list_page(PAGE)
    assert out(pipe).splitlines()[2] == 'cus_2,,"Bo, ""the"" Boss",1735776000'
    rows = parse_csv(out(pipe))
    assert rows[0] == ["id", "email", "name", "created"]
    assert rows[2] == ["cus_2", "", 'Bo, "the" Boss', "1735776000"]


def test_csv_fields_with_dotted_paths_and_nested_values_as_json(pipe):
    Renderer(pipe, "csv", ["id", "address.city", "address", "livemode"]).list_page(PAGE)
    assert parse_csv(out(pipe)) == [
        ["id", "address.city", "address", "livemode"],
        ["cus_1", "Malmö", '{"city":"Malmö","country":"SE"}', "false"],
        ["cus_2", "", "", "false"],
    ]


def test_csv_stream_writes_the_header_once(pipe):
    n = Renderer(pipe, "csv", None, "customer").stream([CUSTOMERS, CUSTOMERS])
    assert n == 4
    rows = parse_csv(out(pipe))
    assert rows[0] == ["id", "email", "name", "created"]
    assert len(rows) == 5 and rows.count(rows[0]) == 1


def test_csv_stream_of_nothing_is_the_header(pipe):
    Renderer(pipe, "csv", None, "test_helpers.test_clock").stream([[]])
    assert out(pipe) == "id,name,frozen_time,status,deletes_after\n"


def test_csv_uses_unix_line_endings(pipe):
    Renderer(pipe, "csv", None, "customer").list_page(PAGE)
    assert "\r" not in out(pipe)


# ----------------------------------------------------------------------------- id


def test_id_object(pipe):
    Renderer(pipe, "id").object(CUSTOMER)
    assert out(pipe) == "cus_1\n"


def test_id_object_without_an_id_prints_nothing(pipe):
    Renderer(pipe, "id").object({"object": "balance", "available": []})
    assert out(pipe) == ""


def test_id_list_page_and_stream_skip_objects_without_id(pipe):
    Renderer(pipe, "id").list_page({"object": "list", "data": [{"id": "a"}, {"x": 1}, {"id": "b"}]})
    n = Renderer(pipe, "id").stream([[{"id": "c"}, {"object": "x"}], [{"id": "d"}]])
    assert out(pipe) == "a\nb\nc\nd\n"
    assert n == 2


# ----------------------------------------------------------------------------- table


def test_table_object_is_a_field_value_table(pipe):
    Renderer(pipe, "table", None, "customer").object(CUSTOMER)
    lines = out(pipe).splitlines()
    assert lines[0].split() == ["id", "cus_1"]
    assert "created   2025-01-01 00:00:00+00:00" in out(pipe)
    assert any(line.split(None, 1) == ["address", '{"city":"Malmö","country":"SE"}'] for line in lines)
    assert any(line.split() == ["livemode", "false"] for line in lines)
    assert any(line.strip() == "metadata  {}" for line in lines)


def test_table_object_with_fields_shows_only_those(pipe):
    Renderer(pipe, "table", ["id", "address.city"], "customer").object(CUSTOMER)
    assert [line.split() for line in out(pipe).splitlines()] == [
        ["id", "cus_1"],
        ["address.city", "Malmö"],
    ]


def test_table_list_page_uses_the_object_type_columns(pipe):
    Renderer(pipe, "table", None, "customer").list_page(PAGE)
    lines = out(pipe).splitlines()
    assert lines[0].split() == ["id", "email", "name", "created"]
    assert lines[1].startswith("cus_1  zoe@example.com  Zoë Ångström")
    assert lines[2].startswith("cus_2")
    assert "2025-01-02 00:00:00+00:00" in lines[2]


def test_table_fields_with_dotted_paths(pipe):
    Renderer(pipe, "table", ["id", "address.country"], "customer").list_page(PAGE)
    assert [line.split() for line in out(pipe).splitlines()] == [
        ["id", "address.country"],
        ["cus_1", "SE"],
        ["cus_2"],
    ]


def test_table_stream_draws_all_rows_at_the_end(pipe):
    n = Renderer(pipe, "table", ["id"], "customer").stream([CUSTOMERS, CUSTOMERS])
    assert n == 4
    assert out(pipe).split() == ["id", "cus_1", "cus_2", "cus_1", "cus_2"]


def test_table_object_type_from_the_rows_when_not_given(pipe):
    clock = {"id": "clock_1", "object": "test_helpers.test_clock", "name": "n", "frozen_time": 0,
             "status": "ready", "deletes_after": 86400, "livemode": False, "created": 0}
    Renderer(pipe, "table").list_page({"object": "list", "data": [clock]})
    assert out(pipe).splitlines()[0].split() == ["id", "name", "frozen_time", "status", "deletes_after"]


def test_table_fallback_columns_for_unknown_objects(pipe):
    rows = [{"id": "x_1", "object": "widget", "foo": 1, "status": "ok", "amount": 5, "currency": "usd",
             "type": "t", "name": "n", "email": "e", "created": 0}]
    Renderer(pipe, "table").list_page({"object": "list", "data": rows})
    assert out(pipe).splitlines()[0].split() == ["id", "object", "status", "type", "name", "email"]


def test_unknown_format_is_refused(pipe):
    with pytest.raises(ValueError):
        Renderer(pipe, "yaml")
