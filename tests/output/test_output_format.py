import pytest

from stripecli.output.render import FORMATS, parse_fields, resolve_format


def test_terminal_gets_a_table_and_a_pipe_gets_json(pipe, terminal):
    assert resolve_format(None, terminal) == "table"
    assert resolve_format(None, pipe) == "json"


def test_flag_wins(pipe, terminal, monkeypatch):
    monkeypatch.setenv("STRIPECLI_OUTPUT", "csv")
    assert resolve_format("jsonl", terminal) == "jsonl"
    assert resolve_format("id", pipe) == "id"


def test_stripecli_output_overrides_the_default(pipe, terminal, monkeypatch):
    monkeypatch.setenv("STRIPECLI_OUTPUT", "csv")
    assert resolve_format(None, terminal) == "csv"
    assert resolve_format(None, pipe) == "csv"


def test_empty_stripecli_output_is_ignored(pipe, monkeypatch):
    monkeypatch.setenv("STRIPECLI_OUTPUT", "")
    assert resolve_format(None, pipe) == "json"


def test_format_names_are_case_insensitive(pipe):
    assert resolve_format("JSON", pipe) == "json"


def test_invalid_flag_names_the_value_and_the_choices(pipe):
    with pytest.raises(ValueError) as info:
        resolve_format("xml", pipe)
    message = str(info.value)
    assert "\n" not in message
    assert "'xml'" in message
    for fmt in FORMATS:
        assert fmt in message


def test_invalid_environment_value_names_the_variable(pipe, monkeypatch):
    monkeypatch.setenv("STRIPECLI_OUTPUT", "yaml")
    with pytest.raises(ValueError, match=r"STRIPECLI_OUTPUT.*'yaml'.*table, json, jsonl, csv, id"):
        resolve_format(None, pipe)


def test_parse_fields():
    assert parse_fields("id, price.id ,,") == ["id", "price.id"]
    assert parse_fields(" ") is None
    assert parse_fields(None) is None
