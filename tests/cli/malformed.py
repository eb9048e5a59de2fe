"""A corpus of malformed command lines: every one must be refused with exit 2, one line on stderr,
no traceback, no "unexpected" error and no request.

Built from families (ids, integers, numbers, timestamps, -d keys, --data-json bodies, global
options, test clocks, maps and lists, the request command, unknown words) crossed with the
commands that take them, so a new check is tried on more than one command shape.
"""

from __future__ import annotations

HUGE_ID = "cus_" + "x" * 100_000
DEEP_JSON = '{"a": ' * 5000 + "1" + "}" * 5000
DEEP_KEY = "a" + "[b]" * 5000 + "=1"


def _deep_json(levels: int) -> str:
    return '{"a": ' * levels + "1" + "}" * levels


# -- ids: empty or only dots, never sent (a dot segment reaches another object) -------------------
ID_COMMANDS = [
    ["customers", "delete", "{}"],
    ["customers", "get", "{}"],
    ["customers", "update", "{}", "--name", "n"],
    ["core", "customers", "delete", "{}", "--yes"],
    ["billing", "customer-tax-ids", "delete", "cus_X", "{}"],
    ["billing", "customer-tax-ids", "delete", "{}", "txi_1"],
    ["billing", "customer-tax-ids", "list", "{}"],
    ["billing", "subscriptions", "cancel", "{}"],
    ["prices", "update", "{}", "--active"],
    ["test-clocks", "show", "{}"],
    ["test-clocks", "advance", "{}", "--to", "2030-01-01"],
    ["test-clocks", "delete", "{}"],
]
BAD_IDS = ["", ".", "..", "...", "....."]

# -- integers: ASCII digits within int64 and the API's bounds (limit 1..100) ---------------------
LIMIT_COMMANDS = [
    ["customers", "list"],
    ["invoices", "list"],
    ["events", "list"],
    ["customers", "search", "--query", "email:'a@example.com'"],
    ["billing", "credit-transactions", "list", "--customer", "cus_x"],
    ["billing", "customer-tax-ids", "list", "cus_x"],
    ["billing", "subscriptions", "list"],
]
BAD_LIMITS = ["0", "101", "-1", "1" + "0" * 29, "٣", "1_000", " 5", "+5", "5.0", "1e2", "0x10", "", "abc",
              "９", "1 000", "99999999999999999999999", "9" * 100_000, "-0x1", "5\n"]
INT_FLAGS = [
    ["prices", "create", "--currency", "usd", "--product", "prod_1", "--unit-amount", "{}"],
    ["prices", "create", "--currency", "usd", "--product", "prod_1", "--unit-amount", "1", "--recurring.interval",
     "month", "--recurring.interval-count", "{}"],
    ["invoice-items", "create", "--customer", "cus_1", "--amount", "{}"],
]
BAD_INTS = ["9223372036854775808", "-9223372036854775809", "1" + "0" * 29, "٣", "1_000", "1.5", "nan", "inf", "1e3", "--"]

# -- numbers: finite decimals -------------------------------------------------------------------
NUMBER_FLAGS = [
    ["coupons", "create", "--percent-off", "{}"],
    ["billing", "plans", "create", "--currency", "usd", "--interval", "month", "--product", "prod_1", "--amount-decimal", "{}"],
    ["invoice-items", "create", "--customer", "cus_1", "--quantity-decimal", "{}"],
]
BAD_NUMBERS = ["nan", "NaN", "inf", "-inf", "Infinity", "1e400", "1e5", "٣", "1_0", "0x1p3", "1.", ".5", "1,5", "", "abc"]

# -- timestamps: 1970-01-01 to 9999-12-31 -------------------------------------------------------
TIME_FLAGS = [
    ["customers", "list", "--created.gte", "{}"],
    ["invoices", "list", "--due-date.lt", "{}"],
    ["test-clocks", "create", "--frozen-time", "{}"],
    ["test-clocks", "advance", "clock_1", "--to", "{}"],
]
BAD_TIMES = ["+99999999999d", "-99999999999d", "0001-01-01", "10000-01-01", "9999-12-31T23:59:59-01:00", "٣",
             "1e9", "+1y", "now+1", "99999999999999999999", "-1", "1969-12-31T23:59:59Z", "", "+" + "9" * 5000 + "d",
             "2025-13-01", "2025-02-30", "yesterday"]

# -- -d keys: contiguous indices, bounded depth, no empty names -----------------------------------
DATA_COMMANDS = [
    ["billing", "subscriptions", "create", "--customer", "cus_1"],
    ["customers", "create"],
    ["request", "POST", "/v1/customers"],
]
BAD_DATA = [
    ["items[99999999999999]=x"], ["items[10000000]=x"], ["items[5]=x"], ["items[1][price]=p"],
    ["items[0]=1", "items[x]=1"], ["items[x]=1", "items[0]=1"], [DEEP_KEY], ["a" + "[b]" * 20 + "=1"],
    ["=1"], ["[a]=1"], ["novalue"], ["a[=1"], ["a]=1"], ["a[b]c=1"], ["items[01]=x"], ["a=1", "a[b]=2"],
    ["a[b]=1", "a=2"], ["items[0]=a", "items[2]=b"],
]
# keys that are names for a param the model does not know, but not indices of the array `items`
ARRAY_ONLY_DATA = [["items[-1]=x"], ["items[٣]=x"], ["items[ 1]=x"], ["items[1e3]=x"], ["items[price]=x"]]

# -- --data-json bodies -------------------------------------------------------------------------
JSON_COMMANDS = [
    ["customers", "create"],
    ["request", "POST", "/v1/customers"],
    ["billing", "subscriptions", "create", "--customer", "cus_1"],
]
BAD_JSON = ['{"x": NaN, "y": 1e400}', '{"": 1}', DEEP_JSON, _deep_json(25), "[1]", '"s"', "{", "@/nonexistent/body.json",
            '{"a": Infinity}', '{"a": -Infinity}', '{"a": 1e999}', '{"a": 123456789012345678901234567890}',
            '{"a": {"": 1}}', '{"a": [{"": 1}]}', "null", "", '{"a": 1} trailing', "{'a': 1}"]

# -- global options ------------------------------------------------------------------------------
GLOBAL_BAD = [
    ["--timeout", "nan"], ["--timeout", "inf"], ["--timeout", "-inf"], ["--timeout", "1e400"], ["--timeout", "0"],
    ["--timeout", "-1"], ["--timeout", ""], ["--timeout", "abc"], ["--timeout", "100000"], ["--timeout", "٣"],
    ["--timeout", "1e3"], ["--max-retries", "-1"], ["--max-retries", "11"], ["--max-retries", "٣"],
    ["--max-retries", "1_0"], ["--max-retries", "1.5"], ["--max-retries", "99999999999999999999999"],
]
# addresses and headers: an API base that is not one, header values HTTP cannot carry
TRANSPORT_BAD = [
    ["--api-base", "http://[::1"], ["--api-base", "ftp://127.0.0.1"], ["--api-base", "http://127.0.0.1:99999"],
    ["--api-base", "http://127.0.0.1:abc"], ["--api-base", "\n"], ["--api-base", "http://"], ["--api-base", "127.0.0.1:1"],
    ["--stripe-version", "é"], ["--stripe-account", "acct_é"], ["--stripe-account", "acct_1\r\nX-Evil: 1"],
    ["--stripe-version", "2024-01-01\n"], ["--api-key", "sk_test_é123456789"], ["-d", "\n"],
]
TRANSPORT_COMMANDS = [["customers", "list"], ["customers", "create", "--idempotency-key", "ok"], ["test-clocks", "show", "clock_1"]]
POST_HEADER_BAD = [["customers", "create", "--idempotency-key", v] for v in ("é", "a\nb", "a\x00b")]
PAGING_BAD = [["--max-items", v] for v in ("0", "-1", "٣", "1_000", "", "1e3", "99999999999999999999999")]
GLOBAL_COMMANDS = [["customers", "list"], ["customers", "get", "cus_1"], ["request", "GET", "/v1/balance"]]

# -- test clocks: --by checked before the clock is read ------------------------------------------
CLOCK_BAD = [
    ["test-clocks", "advance", "clock_nope", "--by", "1x"],
    ["test-clocks", "advance", "clock_1", "--by", "999999y"],
    ["test-clocks", "advance", "clock_1", "--by", "0d"],
    ["test-clocks", "advance", "clock_1", "--by", ""],
    ["test-clocks", "advance", "clock_1", "--by", "25mo"],
    ["test-clocks", "advance", "clock_1", "--by", "3y"],
    ["test-clocks", "advance", "clock_1", "--by", "1e5d"],
    ["test-clocks", "advance", "clock_1", "--by", "٣d"],
    ["test-clocks", "advance", "clock_1", "--by", "9999999999999s"],
    ["test-clocks", "advance", "clock_1", "--by", "-1d"],
    ["test-clocks", "advance", "clock_1", "--by", "1.5d"],
    ["test-clocks", "advance", "clock_1", "--by", "1" * 5000 + "d"],
    ["test-clocks", "advance", "clock_1", "--by", "1000d"],
    ["test-clocks", "advance", "clock_1"],
    ["test-clocks", "advance", "clock_1", "--to", "2030-01-01", "--by", "1d"],
    ["test-clocks", "advance", "clock_1", "--by", "1d", "-d", "frozen_time=2030-01-01"],
    ["test-clocks", "advance", "clock_1", "-d", "frozen_time=soon"],
    ["test-clocks", "advance", "clock_1", "--data-json", '{"frozen_time": "soon"}'],
    ["test-clocks", "advance", "clock_1", "--data-json", '{"frozen_time": true}'],
    ["test-clocks", "advance", "clock_1", "--data-json", '{"frozen_time": 1e400}'],
    ["test-clocks", "advance", "clock_1", "--data-json", '{"frozen_time": 99999999999999}'],
    ["test-clocks", "advance", "clock_1", "-d", "frozen_time=-5"],
    ["test-clocks", "advance", "clock_1", "--by", "1d", "--dry-run"],
    ["test-clocks", "advance", "clock_1", "--by", "1d", "--wait", "--timeout", "nan"],
    ["test-clocks", "advance", "clock_1", "--by", "1d", "--wait", "--timeout", "0"],
    ["test-clocks", "advance", "clock_1", "--by", "1d", "--wait", "--timeout", "inf"],
]

# -- maps, lists, enums, booleans ------------------------------------------------------------------
SHAPE_BAD = [
    ["customers", "list", "--expand", ""],
    ["customers", "update", "cus_1", "--preferred-locales", ""],
    ["customers", "update", "cus_1", "--metadata", "", "--metadata", "a=b"],
    ["customers", "update", "cus_1", "--metadata", "=x"],
    ["customers", "update", "cus_1", "--metadata", "novalue"],
    ["billing", "credit-grants", "update", "credgr_1", "--metadata", ""],
    ["payment-intents", "confirm", "pi_1", "--excluded-payment-method-types", "", "--excluded-payment-method-types", "card"],
    ["billing", "subscriptions", "create", "--customer", "cus_1", "--collection-method", "nope"],
    ["billing", "subscriptions", "create", "--customer", "cus_1", "--collection-method", ""],
    ["prices", "create", "--currency", "usd", "--product", "prod_1", "--unit-amount", "1", "--recurring", "[]"],
    ["prices", "create", "--currency", "usd", "--product", "prod_1", "--unit-amount", "1", "--recurring", "{bad"],
    ["prices", "create", "--currency", "usd", "--product", "prod_1", "--unit-amount", "1", "--recurring", '{"": 1}'],
    ["prices", "create", "--currency", "usd", "--product", "prod_1", "--unit-amount", "1", "--recurring",
     '{"interval": NaN}'],
    ["customers", "list", "--created.gte", "now", "--limit", "0"],
    ["customers", "create", "--email"],
    ["customers", "get"],
    ["customers", "get", HUGE_ID],
    ["customers", "list", "--limit", HUGE_ID],
    ["customers", "list", "-d", HUGE_ID],
]

# -- output: a format is its exact name; --fields are paths the answer can have -----------------------
OUTPUT_BAD = [["-o", "JSON"], ["-o", ""], ["-o", " json"], ["-o", "xml"], ["--output", "Table"]]
FIELDS_BAD = {
    ("customers", "list"): ["emial", "id,emial", "address.citty", "created.x", "invoice_settings.custom_fields.x", "a..b",
                            ".id", "id.", "metadata..x"],
    ("customers", "get", "cus_1"): ["nope", "address.nope"],
    ("billing", "subscriptions", "list"): ["plan.amount", "pryce", "billing_cycle_anchor.x"],
    ("test-clocks", "advance", "clock_1", "--to", "2030-01-01"): ["nope", "frozen_time.x"],
    ("request", "GET", "/v1/balance"): ["a..b", "."],
}
OUTPUT_COMMANDS = [["customers", "list"], ["customers", "get", "cus_1"], ["request", "GET", "/v1/balance"],
                   ["test-clocks", "advance", "clock_1", "--to", "2030-01-01"], ["test-clocks", "show", "clock_1"]]

# -- request: method and path -----------------------------------------------------------------------
REQUEST_BAD = [
    ["request", "PUT", "/v1/customers"], ["request", "", "/v1/customers"], ["request", "GET", "v1/customers"],
    ["request", "GET", "/v3/customers"], ["request", "GET", ""], ["request", "DELETE", "/v1/customers/.."],
    ["request", "DELETE", "/v1/customers/."], ["request", "DELETE", "/v1/customers/%2e%2e"],
    ["request", "DELETE", "/v1/customers/%2E%2E/x"], ["request", "GET", "/v1/../v1/balance"],
    ["request", "GET", "/v1/customers/./cus_1"], ["request", "GET", "/v1/customers/.%2e"],
]

# -- the numbers of the hand-written commands: the same strict integers and decimals ------------------
COMMAND_FLAGS_BAD = [
    *[["emulator", "serve", "--port", v] for v in ("٣", "1_000", "70000", "-1", "", "0x50", "8080.0")],
    *[["emulator", "deliveries", "--limit", v] for v in ("٣", "0", "10001", "1e3", "")],
    *[["customers", "create", "--from", "/dev/null", "--concurrency", v] for v in ("٣", "0", "33", "1_0", "4.0")],
    *[["customers", "create", "--from", "/dev/null", "--rate", v] for v in ("nan", "inf", "-inf", "0", "1e3", "٣", "")],
    *[["listen", "--forward-to", "http://127.0.0.1:9/hook", "--poll-interval", v]
      for v in ("nan", "inf", "0.1", "61", "٣", "1e1", "")],
]

# -- unknown words ---------------------------------------------------------------------------------
UNKNOWN = [
    ["custmers", "list"], ["customers", "lst"], ["customers", "list", "--nope"], ["customers", "list", "-Z"],
    ["billing", "nope"], ["customers", "list", "--limit"], ["--nope"], ["customers", "list", "extra"],
]

# -- the cases as the report gave them -------------------------------------------------------------
REPORTED = [
    ["billing", "customer-tax-ids", "delete", "cus_X", ".."],
    ["customers", "delete", ".."],
    ["billing", "subscriptions", "create", "--customer", "cus_1", "-d", "items[99999999999999]=x"],
    ["billing", "subscriptions", "create", "--customer", "cus_1", "-d", "items[10000000]=x"],
    ["billing", "subscriptions", "create", "--customer", "cus_1", "-d", "items[5]=x"],
    ["customers", "list", "--limit", "0"], ["customers", "list", "--limit", "101"], ["customers", "list", "--limit", "-1"],
    ["customers", "list", "--limit", str(10**29)], ["customers", "list", "--limit", "٣"],
    ["customers", "list", "--limit", "1_000"], ["customers", "list", "--created.gte", "+99999999999d"],
    ["customers", "create", "--data-json", '{"x": NaN, "y": 1e400}'], ["customers", "create", "--data-json", '{"": 1}'],
    ["customers", "list", "--timeout", "nan"], ["customers", "list", "--timeout", "inf"],
    ["customers", "list", "--timeout", "1e400"], ["customers", "create", "--data-json", DEEP_JSON],
    ["customers", "create", "-d", DEEP_KEY], ["customers", "create", "-d", "items[0]=1", "-d", "items[x]=1"],
    ["test-clocks", "advance", "clock_1", "--by", "999999y"], ["test-clocks", "advance", "clock_nope", "--by", "1x"],
]

# -- list-of-objects flags: one object, or a non-empty array of objects -------------------------------
ITEMS_BAD = [["billing", "subscriptions", "create", "--customer", "cus_1", "--items", bad]
             for bad in ("[]", "[1]", '[{"price": "p"}, "x"]', '[{"": 1}]', "[{}", "x", '[{"a": NaN}]', "null")]


def corpus() -> list[list[str]]:
    lines: list[list[str]] = list(REPORTED)
    lines += [[bad if w == "{}" else w for w in cmd] for cmd in ID_COMMANDS for bad in BAD_IDS]
    lines += [cmd + ["--limit", bad] for cmd in LIMIT_COMMANDS for bad in BAD_LIMITS]
    lines += [[bad if w == "{}" else w for w in cmd] for cmd in INT_FLAGS for bad in BAD_INTS]
    lines += [[bad if w == "{}" else w for w in cmd] for cmd in NUMBER_FLAGS for bad in BAD_NUMBERS]
    lines += [[bad if w == "{}" else w for w in cmd] for cmd in TIME_FLAGS for bad in BAD_TIMES]
    lines += [cmd + [a for pair in pairs for a in ("-d", pair)] for cmd in DATA_COMMANDS for pairs in BAD_DATA]
    lines += [DATA_COMMANDS[0] + [a for pair in pairs for a in ("-d", pair)] for pairs in ARRAY_ONLY_DATA]
    lines += [cmd + ["--data-json", body] for cmd in JSON_COMMANDS for body in BAD_JSON]
    lines += [cmd + bad for cmd in GLOBAL_COMMANDS for bad in GLOBAL_BAD]
    lines += [cmd + bad for cmd in GLOBAL_COMMANDS if cmd[-1] in ("list", "/v1/balance") for bad in PAGING_BAD]
    lines += [cmd + bad for cmd in TRANSPORT_COMMANDS for bad in TRANSPORT_BAD
              if not (cmd[1] == "show" and bad[0] == "-d")]
    lines += [cmd + bad for cmd in OUTPUT_COMMANDS for bad in OUTPUT_BAD]
    lines += [list(cmd) + ["--fields", bad] for cmd, bads in FIELDS_BAD.items() for bad in bads]
    lines += COMMAND_FLAGS_BAD + POST_HEADER_BAD + CLOCK_BAD + SHAPE_BAD + REQUEST_BAD + UNKNOWN + ITEMS_BAD
    unique: dict[tuple[str, ...], list[str]] = {}
    for argv in lines:
        unique.setdefault(tuple(argv), argv)
    return list(unique.values())


def label(argv: list[str]) -> str:
    """A short, printable test id for one command line."""
    text = " ".join(repr(a) if (a == "" or " " in a) else a for a in argv)
    text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= 90 else text[:70] + "...(%d chars)" % len(text)
