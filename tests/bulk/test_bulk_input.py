"""Reading a bulk input and checking every line against the model before anything is sent."""

from __future__ import annotations

import io

import pytest

from stripecli import model
from stripecli.bulk import plan as planning
from stripecli.bulk import source


def op(resource: str, verb: str, group: str = "core") -> dict:
    return model.group(group)[resource]["operations"][verb]


def lines_of(text: str, operation: dict, fmt: str | None = None):
    fmt = fmt or source.detect_format(text, planning.field_names(operation))
    return source.parse(text, fmt, planning.id_field(operation))


# ----------------------------------------------------------------------------- formats


def test_jsonl_lines_keep_their_physical_numbers_and_skip_blank_lines():
    text = '{"email": "a@example.com"}\n\n{"email": "b@example.com"}\n[1]\n{"email": \n'
    lines = lines_of(text, op("customers", "create"))
    assert [(line.number, line.params, line.error) for line in lines] == [
        (1, {"email": "a@example.com"}, None),
        (3, {"email": "b@example.com"}, None),
        (4, None, "must be a JSON object of params, not an array"),
        (5, None, "not valid JSON (Expecting value at column 11)"),
    ]


def test_csv_headers_are_dot_paths_and_empty_cells_are_left_out():
    text = "email,metadata.tier,items.0.price,items.0.quantity\r\na@example.com,gold,price_1,2\r\nb@example.com,,,\r\n"
    lines = source.parse(text, "csv", None)
    assert [(line.number, line.params) for line in lines] == [
        (2, {"email": "a@example.com", "metadata": {"tier": "gold"}, "items": {"0": {"price": "price_1", "quantity": "2"}}}),
        (3, {"email": "b@example.com"}),
    ]


def test_csv_digit_segments_make_lists_where_the_model_has_arrays_and_stay_keys_in_maps():
    create = op("customers", "create")
    text = "email,preferred_locales.1,preferred_locales.0,metadata.0\na@example.com,fr,en,zero\nb@example.com,fr,,\n"
    planned, invalid = planning.plan(create, lines_of(text, create), {})
    assert [p.request.params for p in planned] == [
        {"email": "a@example.com", "preferred_locales": ["en", "fr"], "metadata": {"0": "zero"}},
    ]
    assert [(bad.line, bad.message) for bad in invalid] == [
        (3, "preferred_locales[1] is given without preferred_locales[0]: list indices start at 0 and go up by one"),
    ]


def test_jsonl_values_are_held_to_what_stripe_accepts():
    create = op("customers", "create")
    text = '{"balance": NaN}\n{"balance": 99999999999999999999}\n{"": 1}\n'
    assert [line.error for line in lines_of(text, create)] == [
        "NaN is not a number Stripe accepts: use a finite decimal",
        "99999999999999999999 is out of range: integers are from -9223372036854775808 to 9223372036854775807",
        "an empty key at the top level: every param has a name",
    ]


def test_csv_line_numbers_count_quoted_newlines_and_blank_lines():
    text = 'description,email\n"two\nlines",a@example.com\n\nplain,b@example.com\n'
    lines = source.parse(text, "csv", None)
    assert [(line.number, line.params["description"]) for line in lines] == [(2, "two\nlines"), (5, "plain")]


def test_csv_row_longer_than_the_header_is_an_invalid_line():
    lines = source.parse("email\na@example.com,extra\n", "csv", None)
    assert lines[0].error == "2 cells but the header has 1 columns"


@pytest.mark.parametrize("header,message", [
    ("email,,name", "column 2: '' is not a field path"),
    ("email,metadata..tier", "column 2: 'metadata..tier' is not a field path"),
    ("email,email", "column 'email' appears twice"),
    ("0.price", "must start with a field name"),
])
def test_a_bad_csv_header_refuses_the_whole_input(header, message):
    with pytest.raises(source.SourceError, match=message.replace("(", r"\(").replace(".", r"\.")):
        source.parse(header + "\nx\n", "csv", None)


def test_bare_ids_fill_the_last_path_parameter():
    lines = lines_of("cus_1\n\n  cus_2  \ncus 3\n", op("customers", "delete"))
    assert [(line.number, line.params, line.error) for line in lines] == [
        (1, {"customer": "cus_1"}, None),
        (3, {"customer": "cus_2"}, None),
        (4, None, "'cus 3' is not an id (one id per line; use JSONL or CSV for params)"),
    ]


@pytest.mark.parametrize("text,expected", [
    ('{"id": "cus_1"}\n', "jsonl"),
    ("  \n{\"id\": 1}", "jsonl"),
    ("email,name\n", "csv"),
    ("id\ncus_1\n", "csv"),            # a one-column CSV whose header is a field name
    ("customer\ncus_1\n", "csv"),
    ("cus_1\ncus_2\n", "ids"),
    ("", "ids"),
])
def test_format_is_detected_from_the_first_line(text, expected):
    assert source.detect_format(text, planning.field_names(op("customers", "delete"))) == expected


def test_stdin_and_missing_files(tmp_path):
    assert source.read_text("-", io.StringIO("cus_1\n")) == "cus_1\n"
    with pytest.raises(source.SourceError, match="no such file"):
        source.read_text(str(tmp_path / "nope.jsonl"), io.StringIO())
    (tmp_path / "bad").write_bytes(b"\xff\xfe\x00x")
    with pytest.raises(source.SourceError, match="not UTF-8"):
        source.read_text(str(tmp_path / "bad"), io.StringIO())


# ----------------------------------------------------------------------------- checks


def test_every_line_is_checked_and_invalid_ones_say_why():
    text = "\n".join([
        '{"email": "a@example.com", "balance": 100}',
        '{"emial": "b@example.com"}',
        '{"balance": "lots"}',
        '{"tax_exempt": "sometimes"}',
        '{"metadata": {"a": {"b": 1}}}',
        '{"email": "c@example.com", "preferred_locales": ["en", "fr"]}',
    ])
    planned, invalid = planning.plan(op("customers", "create"), lines_of(text, op("customers", "create")), {})
    assert [p.line for p in planned] == [1, 6]
    assert [(bad.line, bad.message) for bad in invalid] == [
        (2, "Received unknown parameter: emial (did you mean email?)"),
        (3, "Invalid integer: lots (param balance)"),
        (4, "Invalid tax_exempt: must be one of exempt, none or reverse"),
        (5, "Invalid string: metadata[a] must be a string"),
    ]
    assert planned[0].request.method == "POST" and planned[0].request.path == "/v1/customers"
    assert planned[0].request.params == {"email": "a@example.com", "balance": 100}


def test_required_params_are_checked_per_line():
    grant = op("credit-grants", "create", "billing")
    planned, invalid = planning.plan(grant, lines_of('{"customer": "cus_1"}\n', grant), {})
    assert planned == [] and invalid[0].line == 1 and "Missing required param" in invalid[0].message


def test_path_ids_by_name_or_as_id_and_the_flags_apply_to_every_line():
    update = op("customers", "update")
    text = '{"id": "cus_1", "metadata": {"tier": "gold"}}\n{"customer": "cus_2"}\n{"description": "no id"}\n' \
           '{"id": "cus_3", "customer": "cus_4"}\n{"id": ""}\n{"id": ".."}\n'
    planned, invalid = planning.plan(update, lines_of(text, update), {"metadata": {"tier": "silver", "by": "bulk"}})
    assert [(p.line, p.request.path, p.request.params, p.target_id) for p in planned] == [
        (1, "/v1/customers/cus_1", {"metadata": {"tier": "gold", "by": "bulk"}}, "cus_1"),
        (2, "/v1/customers/cus_2", {"metadata": {"tier": "silver", "by": "bulk"}}, "cus_2"),
    ]
    assert [(bad.line, bad.message) for bad in invalid] == [
        (3, "missing the customer: add a 'customer' (or 'id') field"),
        (4, "give the customer as 'customer' or as 'id', not both"),
        (5, "'customer' must be a non-empty id, not \"\""),
        (6, "invalid value for 'customer': '..' cannot be an id: only dots, which HTTP resolves to another path"),
    ]


def test_a_line_digest_changes_with_what_it_sends_only():
    create = op("customers", "create")
    a = planning.plan(create, lines_of('{"email": "a@example.com", "name": "A"}\n', create), {})[0][0]
    b = planning.plan(create, lines_of('{"name": "A", "email": "a@example.com"}\n', create), {})[0][0]
    c = planning.plan(create, lines_of('{"name": "B", "email": "a@example.com"}\n', create), {})[0][0]
    assert a.digest == b.digest != c.digest
