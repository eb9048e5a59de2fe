import pytest

from stripecli.output.formats import FORMATS, resolve_format
from stripecli.session import Session
from stripecli.surface.options import GlobalOptions


def test_terminal_gets_a_table_and_a_pipe_gets_json(pipe, terminal):
    assert resolve_format(None, terminal) == "table"
    assert resolve_format(None, pipe) == "json"


def test_flag_wins(pipe, terminal):
    for env in (pipe, terminal):
        env.environ = {"STRIPECLI_OUTPUT": "csv"}
    assert resolve_format("jsonl", terminal) == "jsonl"
    assert resolve_format("id", pipe) == "id"


def test_stripecli_output_overrides_the_default(pipe, terminal):
    for env in (pipe, terminal):
        env.environ = {"STRIPECLI_OUTPUT": "csv"}
    assert resolve_format(None, terminal) == "csv"
    assert resolve_format(None, pipe) == "csv"


def test_empty_stripecli_output_is_ignored(pipe):
    pipe.environ = {"STRIPECLI_OUTPUT": ""}
    assert resolve_format(None, pipe) == "json"


@pytest.mark.parametrize("flag", ["JSON", "Json", " json", "json ", "", "j"])
def test_a_format_is_its_exact_name_and_empty_is_not_the_default(pipe, flag):
    with pytest.raises(ValueError, match=r"^invalid value for -o/--output: .* is not one of: table, json, jsonl, csv, id$"):
        resolve_format(flag, pipe)


def test_an_empty_stripecli_output_is_not_set(pipe):
    pipe.environ = {"STRIPECLI_OUTPUT": "  "}
    assert resolve_format(None, pipe) == "json"


def test_invalid_flag_names_the_value_and_the_choices(pipe):
    with pytest.raises(ValueError) as info:
        resolve_format("xml", pipe)
    message = str(info.value)
    assert "\n" not in message
    assert "'xml'" in message
    for fmt in FORMATS:
        assert fmt in message


def test_invalid_environment_value_names_the_variable(pipe):
    pipe.environ = {"STRIPECLI_OUTPUT": "yaml"}
    with pytest.raises(ValueError, match=r"STRIPECLI_OUTPUT.*'yaml'.*table, json, jsonl, csv, id"):
        resolve_format(None, pipe)


def test_fields_are_split_on_commas_and_trimmed(pipe):
    def fields(text):
        return Session(pipe).use(GlobalOptions(fields=text)).fields

    assert fields("id, price.id ,,") == ["id", "price.id"]
    assert fields(" ") is None
    assert fields(None) is None
