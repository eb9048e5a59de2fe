"""--all: pages are written as they arrive, and an interruption leaves usable output."""

import csv
import io
import json

import pytest

from stripecli.output.render import Renderer


def page_of(start: int, n: int = 3) -> list[dict]:
    return [
        {"id": f"cbtxn_{i}", "object": "billing.credit_balance_transaction", "type": "credit",
         "credit_grant": "credgr_1", "effective_at": 1735689600 + i, "created": 1735689600 + i}
        for i in range(start, start + n)
    ]


def pages_then(exc: BaseException, pages: int = 2):
    """Like api paginate(): yields `pages` pages, then the fetch of the next one fails."""
    for p in range(pages):
        yield page_of(p * 3)
    raise exc


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), RuntimeError("api error mid-stream")])
def test_json_array_is_closed_when_the_stream_is_interrupted(pipe, exc):
    with pytest.raises(type(exc)):
        Renderer(pipe, "json").stream(pages_then(exc))
    text = pipe.stdout.getvalue()
    assert text.endswith("\n]\n")
    assert [o["id"] for o in json.loads(text)] == [f"cbtxn_{i}" for i in range(6)]


def test_json_interrupted_before_the_first_page_is_an_empty_array(pipe):
    with pytest.raises(KeyboardInterrupt):
        Renderer(pipe, "json").stream(pages_then(KeyboardInterrupt(), pages=0))
    assert pipe.stdout.getvalue() == "[]\n"


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "id"])
def test_line_formats_hold_whole_lines_when_interrupted(pipe, fmt):
    with pytest.raises(KeyboardInterrupt):
        Renderer(pipe, fmt, None, "billing.credit_balance_transaction").stream(
            pages_then(KeyboardInterrupt())
        )
    text = pipe.stdout.getvalue()
    assert text.endswith("\n")
    lines = text.splitlines()
    if fmt == "jsonl":
        assert [json.loads(line)["id"] for line in lines] == [f"cbtxn_{i}" for i in range(6)]
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["id", "type", "credit_grant", "effective_at", "created"]
        assert [r[0] for r in rows[1:]] == [f"cbtxn_{i}" for i in range(6)]
        assert all(len(r) == 5 for r in rows)
    else:
        assert lines == [f"cbtxn_{i}" for i in range(6)]


def test_table_draws_the_rows_fetched_before_an_interruption(pipe):
    with pytest.raises(KeyboardInterrupt):
        Renderer(pipe, "table", ["id"]).stream(pages_then(KeyboardInterrupt()))
    assert pipe.stdout.getvalue().split() == ["id"] + [f"cbtxn_{i}" for i in range(6)]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "id"])
def test_each_page_is_written_before_the_next_is_requested(pipe, fmt):
    seen_before_request: list[str] = []

    def pages():
        for p in range(3):
            seen_before_request.append(pipe.stdout.getvalue())
            yield page_of(p * 3)

    n = Renderer(pipe, fmt, None, "billing.credit_balance_transaction").stream(pages())
    assert n == 9
    assert seen_before_request[0] == ""
    assert "cbtxn_2" in seen_before_request[1] and "cbtxn_3" not in seen_before_request[1]
    assert "cbtxn_5" in seen_before_request[2] and "cbtxn_6" not in seen_before_request[2]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "id"])
def test_stream_holds_one_page_at_a_time(pipe, fmt):
    """Once a page is written the renderer keeps no reference to it or its objects, so
    memory stays at one page however many pages --all fetches."""
    import gc
    import weakref

    class Obj(dict):
        pass

    class Page(list):
        pass

    refs: list[weakref.ref] = []

    def pages():
        for p in range(3):
            if refs:
                gc.collect()
                assert [r() for r in refs] == [None] * len(refs), "an earlier page is still held"
            page = Page(Obj(o) for o in page_of(p * 3))
            refs.append(weakref.ref(page))
            refs.extend(weakref.ref(o) for o in page)
            yield page
            del page

    assert Renderer(pipe, fmt, None, "billing.credit_balance_transaction").stream(pages()) == 9


def test_a_failing_write_is_not_followed_by_more_output(pipe):
    class ClosedPipe(io.StringIO):
        def write(self, s):
            raise BrokenPipeError

    pipe.stdout = ClosedPipe()
    with pytest.raises(BrokenPipeError):
        Renderer(pipe, "json").stream([page_of(0)])


def test_progress_counts_on_stderr_when_stderr_is_a_terminal(pipe):
    pipe.stderr_isatty = True
    Renderer(pipe, "jsonl").stream([page_of(0), page_of(3)])
    err = pipe.stderr.getvalue()
    assert "\rfetched 3 objects…" in err
    assert "\rfetched 6 objects…" in err
    assert err.endswith("\r")  # cleared at the end
    assert err.rstrip("\r ").endswith("fetched 6 objects…")
    assert "fetched" not in pipe.stdout.getvalue()
    assert len(pipe.stdout.getvalue().splitlines()) == 6


def test_no_progress_when_stderr_is_not_a_terminal(terminal):
    terminal.stderr_isatty = False
    Renderer(terminal, "jsonl").stream([page_of(0), page_of(3)])
    assert terminal.stderr.getvalue() == ""
    assert "fetched" not in terminal.stdout.getvalue()


def test_progress_can_be_turned_off(pipe):
    pipe.stderr_isatty = True
    Renderer(pipe, "id").stream([page_of(0)], progress=False)
    assert pipe.stderr.getvalue() == ""


def test_progress_is_cleared_when_interrupted(pipe):
    pipe.stderr_isatty = True
    with pytest.raises(KeyboardInterrupt):
        Renderer(pipe, "id").stream(pages_then(KeyboardInterrupt()))
    err = pipe.stderr.getvalue()
    assert "fetched 6 objects…" in err and err.endswith("\r")
