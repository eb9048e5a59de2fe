"""Report runs (``POST /v1/reporting/report_runs``): computed from the balance transactions, with
the result as a CSV file.

Stripe runs a report in the background and sends ``reporting.report_run.succeeded`` when it is
done. The emulator's data is small, so a run finishes in the request that creates it: the answer
is already ``succeeded`` (``succeeded_at`` set) with its ``result``, a ``file`` (``file_``,
``purpose: finance_report_run``, ``type: csv``) whose contents are served at
``GET /v1/files/{file}/contents`` (Stripe serves them at ``files.stripe.com``), and both
``reporting.report_run.succeeded`` and ``file.created`` are recorded.

What a run computes, over ``parameters[interval_start, interval_end)`` (default: from the first
balance transaction to now), in ``parameters[currency]`` when given, one currency per block:

- ``*.summary.*`` types (``balance.summary.1``, ``balance_change_from_activity.summary.1`` ...):
  rows of ``category, description, net_amount, currency``; the balance summary has the starting
  balance, the activity, the payouts and the ending balance; the activity summaries one row per
  reporting category;
- ``*.itemized.*`` types: one row per balance transaction in the interval (payouts only for
  ``payouts.itemized.*``, one reporting category with ``parameters[reporting_category]``), with
  the report type's default columns (``parameters[columns]`` picks others) that the emulator
  knows, others empty.

Amounts are in major units (``12.34``, ``1234`` for zero-decimal currencies), as Stripe's reports
show them; times are UTC (``created_utc``, ``available_on_utc``). An unknown ``report_type`` is a
400 on ``report_type``.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from typing import Any, Iterable

from stripecli.emulator import ledger, unlisted
from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Context
from stripecli.emulator.errors import invalid, no_such

RUN = "reporting.report_run"
FILE_DAYS = 365


def _report_type(ctx: Context, type_id: str) -> dict[str, Any]:
    from stripecli.emulator import behaviours

    for entry in behaviours.catalogue(ctx, "reporting.report_type") or []:
        if entry["id"] == type_id:
            return entry
    raise invalid("No such report type: '%s'" % type_id, param="report_type")


def _money(amount: int, currency: str) -> str:
    if ledger.is_zero_decimal(currency):
        return str(int(amount))
    sign = "-" if amount < 0 else ""
    return "%s%d.%02d" % (sign, abs(amount) // 100, abs(amount) % 100)


def _utc(ts: int | None) -> str:
    if ts is None:
        return ""
    return _dt.datetime.fromtimestamp(int(ts), _dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _summary(txns: list[dict[str, Any]], before: list[dict[str, Any]], balance: bool) -> list[list[str]]:
    rows = []
    for currency in sorted({t["currency"] for t in txns + before}):
        mine = [t for t in txns if t["currency"] == currency]
        if balance:
            start = sum(int(t["net"]) for t in before if t["currency"] == currency)
            payouts = sum(int(t["net"]) for t in mine if t.get("reporting_category") == "payout")
            activity = sum(int(t["net"]) for t in mine) - payouts
            for category, label, amount in (("starting_balance", "Starting balance", start),
                                            ("activity", "Activity", activity),
                                            ("payouts", "Payouts", payouts),
                                            ("ending_balance", "Ending balance", start + activity + payouts)):
                rows.append([category, label, _money(amount, currency), currency])
            continue
        by_category: dict[str, int] = {}
        for t in mine:
            by_category[t.get("reporting_category") or t["type"]] = \
                by_category.get(t.get("reporting_category") or t["type"], 0) + int(t["net"])
        for category in sorted(by_category):
            rows.append([category, category.replace("_", " ").capitalize(), _money(by_category[category], currency),
                         currency])
    return rows


def _cell(txn: dict[str, Any], column: str) -> str:
    currency = txn["currency"]
    known = {
        "balance_transaction_id": txn["id"], "created_utc": _utc(txn.get("created")),
        "created": _utc(txn.get("created")), "available_on_utc": _utc(txn.get("available_on")),
        "available_on": _utc(txn.get("available_on")), "currency": currency,
        "gross": _money(int(txn.get("amount") or 0), currency), "fee": _money(int(txn.get("fee") or 0), currency),
        "net": _money(int(txn.get("net") or 0), currency), "reporting_category": txn.get("reporting_category"),
        "description": txn.get("description"), "source_id": txn.get("source"),
        "balance_transaction_type": txn.get("type"), "type": txn.get("type"), "status": txn.get("status"),
    }
    value = known.get(column)
    return "" if value is None else str(value)


def _csv(header: list[str], rows: Iterable[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def compute(ctx: Context, report_type: dict[str, Any], parameters: dict[str, Any]) -> bytes:
    """The report's CSV over the balance transactions of the platform."""
    txns = sorted(ledger.transactions(ctx), key=lambda t: (t["created"], t["id"]))
    currency = (parameters.get("currency") or "").lower()
    if currency:
        txns = [t for t in txns if t["currency"] == currency]
    start, end = int(parameters["interval_start"]), int(parameters["interval_end"])
    inside = [t for t in txns if start <= int(t["created"]) < end]
    kind = report_type["id"]
    if ".summary." in kind:
        return _csv(["category", "description", "net_amount", "currency"],
                    _summary(inside, [t for t in txns if int(t["created"]) < start], kind.startswith("balance.")))
    if kind.startswith("payouts."):
        inside = [t for t in inside if t.get("reporting_category") == "payout"]
    if parameters.get("reporting_category"):
        inside = [t for t in inside if t.get("reporting_category") == parameters["reporting_category"]]
    columns = list(parameters.get("columns") or report_type.get("default_columns") or [])
    return _csv(columns, ([_cell(t, c) for c in columns] for t in inside))


@registry.hook("before_create", RUN)
def _run_create(ctx: Context, run: dict[str, Any], params: dict[str, Any]) -> None:
    report_type = _report_type(ctx, str(params.get("report_type") or ""))
    given = dict(params.get("parameters") or {})
    first = min((int(t["created"]) for t in ledger.transactions(ctx)), default=ctx.now)
    parameters = {"columns": given.get("columns"), "connected_account": given.get("connected_account"),
                  "currency": given.get("currency"), "interval_end": int(given.get("interval_end") or ctx.now + 1),
                  "interval_start": int(given.get("interval_start") or first), "payout": given.get("payout"),
                  "reporting_category": given.get("reporting_category"), "timezone": given.get("timezone") or "UTC"}
    if parameters["interval_start"] >= parameters["interval_end"]:
        raise invalid("parameters[interval_start] must be before parameters[interval_end].",
                      param="parameters[interval_start]")
    contents = compute(ctx, report_type, parameters)
    result = ctx.build("file", {
        "expires_at": ctx.now + FILE_DAYS * 86400, "filename": "%s.csv" % run["id"], "purpose": "finance_report_run",
        "size": len(contents), "title": "FinanceReportRun %s" % run["id"], "type": "csv", "links": None,
    })
    result["url"] = "https://files.stripe.com/v1/files/%s/contents" % result["id"]
    result["_contents"] = contents.decode("utf-8")
    ctx.insert(result)
    run.update(parameters=parameters, report_type=report_type["id"], status="succeeded", succeeded_at=ctx.now,
               error=None, result={k: v for k, v in result.items() if not k.startswith("_")})


@registry.hook("after_create", RUN)
def _run_created(ctx: Context, run: dict[str, Any], params: dict[str, Any]) -> None:
    if run.get("status") == "succeeded":
        ctx.emit("reporting.report_run.succeeded", run)


@unlisted.route("GET", "/v1/files/{file}/contents", kind="retrieve", object_type="file")
def file_contents(ctx: Context) -> bytes:
    """A file's contents, as ``files.stripe.com`` serves them (the files the emulator made)."""
    found = ctx.load(ctx.values["file"], ("file",), param="file")
    if found.get("_contents") is None:
        raise no_such("file contents", found["id"], param="file")
    media = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}.get(found.get("type") or "",
                                                                           "application/octet-stream")
    return unlisted.Contents(found["_contents"].encode("utf-8"), media)
