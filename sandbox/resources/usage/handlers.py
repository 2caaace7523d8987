"""api.twilio.com .../Usage/Records(/{Period}).json and .../Usage/Triggers."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode, urlsplit

from sandbox.core import formats
from sandbox.core.auth import account_for_path
from sandbox.core.errors import TwilioError, invalid_param, not_found
from sandbox.core.models import Account
from sandbox.core.paging import v2010_page
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.core.sids import new_sid
from sandbox.resources.usage import records
from sandbox.resources.usage.models import UsageTrigger

API = "/2010-04-01/Accounts/{AccountSid}"
_SUBRESOURCES = {
    "all_time": "AllTime",
    "daily": "Daily",
    "last_month": "LastMonth",
    "monthly": "Monthly",
    "this_month": "ThisMonth",
    "today": "Today",
    "yearly": "Yearly",
    "yesterday": "Yesterday",
}

Period = tuple[dt.date, dt.date]


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _buckets(kind: str, start: dt.date, end: dt.date) -> list[Period]:
    """Split [start, end] into the periods a Daily/Monthly/Yearly list reports."""
    buckets, cursor = [], start
    while cursor <= end:
        if kind == "Daily":
            last = cursor
        elif kind == "Monthly":
            last = min(_month_end(cursor), end)
        else:
            last = min(cursor.replace(month=12, day=31), end)
        buckets.append((cursor, last))
        cursor = last + dt.timedelta(days=1)
    return buckets


def _fixed(kind: str, today: dt.date, created: dt.date) -> Period:
    if kind == "Today":
        return today, today
    if kind == "Yesterday":
        yesterday = today - dt.timedelta(days=1)
        return yesterday, yesterday
    if kind == "ThisMonth":
        return _month_start(today), today
    if kind == "LastMonth":
        last = _month_start(today) - dt.timedelta(days=1)
        return _month_start(last), last
    return created, today


def record_json(
    account_sid: str, kind: str, category: str, period: Period, totals: records.Totals, now
) -> dict:
    info = records.CATEGORIES[category]
    base = f"/2010-04-01/Accounts/{account_sid}/Usage/Records"
    path = f"{base}/{kind}.json" if kind else f"{base}.json"
    query = urlencode(
        {"Category": category, "StartDate": period[0].isoformat(), "EndDate": period[1].isoformat()}
    )
    return {
        "account_sid": account_sid,
        "api_version": "2010-04-01",
        "as_of": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        "category": category,
        "count": str(totals.count),
        "count_unit": info.count_unit,
        "description": info.description,
        "end_date": period[1].isoformat(),
        "price": float(totals.price),
        "price_unit": "usd",
        "start_date": period[0].isoformat(),
        "subresource_uris": {
            key: f"{base}/{name}.json?Category={category}" for key, name in _SUBRESOURCES.items()
        },
        "uri": f"{path}?{query}",
        "usage": str(totals.price if category == "totalprice" else totals.usage),
        "usage_unit": info.usage_unit,
    }


def _records(req: SandboxRequest, kind: str) -> dict:
    account = account_for_path(req, req.arg("AccountSid"))
    today = req.now.date()
    created = account.date_created.date()
    category = req.q("Category")
    if category is not None and category not in records.CATEGORIES:
        raise invalid_param("Category", f"Unknown usage category: {category}")
    categories = [category] if category else list(records.CATEGORIES)
    if kind in ("", "AllTime", "Daily", "Monthly", "Yearly"):
        default_start = today - dt.timedelta(days=30) if kind == "Daily" else created
        start = _parse_day(req.q("StartDate"), "StartDate", default_start, today)
        end = _parse_day(req.q("EndDate"), "EndDate", today, today)
    else:
        start, end = _fixed(kind, today, created)
    if end < start:
        raise invalid_param("EndDate", "EndDate must not be before StartDate")
    periods = (
        _buckets(kind, start, end) if kind in ("Daily", "Monthly", "Yearly") else [(start, end)]
    )
    sids = records.account_sids(account, req.q_bool("IncludeSubaccounts", True))
    daily = records.daily_totals(sids, start, end)
    rows = [
        (name, period, records.total_for(name, daily, *period))
        for period in periods
        for name in categories
    ]
    return v2010_page(
        req,
        "usage_records",
        rows,
        lambda row: record_json(account.sid, kind, row[0], row[1], row[2], req.now),
    )


def _parse_day(raw: str | None, name: str, default: dt.date, today: dt.date) -> dt.date:
    """`YYYY-MM-DD`, or Twilio's relative forms `-30days` / `+1days` from today."""
    if not raw:
        return default
    if raw.endswith("days") and raw[0] in "+-":
        try:
            return today + dt.timedelta(days=int(raw[:-4]))
        except ValueError:
            raise invalid_param(name)
    return formats.parse_date(raw, name)


def _register(kind: str) -> Callable:
    suffix = f"/{kind}" if kind else ""
    return route("api", "GET", f"{API}/Usage/Records{suffix}.json")(lambda req: _records(req, kind))


for _kind in (
    "",
    "AllTime",
    "Daily",
    "Monthly",
    "Yearly",
    "Today",
    "Yesterday",
    "ThisMonth",
    "LastMonth",
):
    _register(_kind)


# --- Usage Triggers ---------------------------------------------------------------------
def trigger_period(trigger: UsageTrigger, today: dt.date, created: dt.date) -> Period:
    if trigger.recurring == UsageTrigger.Recurring.DAILY:
        return today, today
    if trigger.recurring == UsageTrigger.Recurring.MONTHLY:
        return _month_start(today), today
    if trigger.recurring == UsageTrigger.Recurring.YEARLY:
        return today.replace(month=1, day=1), today
    return created, today


def trigger_value_now(trigger: UsageTrigger, account: Account, today: dt.date) -> Decimal:
    start, end = trigger_period(trigger, today, account.date_created.date())
    return records.current_value(
        records.account_sids(account, True), trigger.usage_category, trigger.trigger_by, start, end
    )


def decimal_text(value: Decimal) -> str:
    """A decimal as Twilio writes trigger values: `30`, `0.0079`."""
    return f"{value.normalize():f}"


def trigger_json(trigger: UsageTrigger, account: Account, now) -> dict:
    base = f"/2010-04-01/Accounts/{account.sid}"
    return {
        "account_sid": account.sid,
        "api_version": "2010-04-01",
        "callback_method": trigger.callback_method,
        "callback_url": trigger.callback_url,
        "current_value": decimal_text(trigger_value_now(trigger, account, now.date())),
        "date_created": formats.rfc2822(trigger.date_created),
        "date_fired": formats.rfc2822(trigger.date_fired),
        "date_updated": formats.rfc2822(trigger.date_updated),
        "friendly_name": trigger.friendly_name or None,
        "recurring": trigger.recurring,
        "sid": trigger.sid,
        "trigger_by": trigger.trigger_by,
        "trigger_value": decimal_text(trigger.trigger_value),
        "uri": f"{base}/Usage/Triggers/{trigger.sid}.json",
        "usage_category": trigger.usage_category,
        "usage_record_uri": f"{base}/Usage/Records.json?Category={trigger.usage_category}",
    }


def _callback(req: SandboxRequest, trigger: UsageTrigger) -> None:
    url = req.get("CallbackUrl")
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TwilioError(21502, 400, f"CallbackUrl is not a valid URL: {url}")
        trigger.callback_url = url
    method = req.get("CallbackMethod")
    if method is not None:
        if method.upper() not in ("GET", "POST"):
            raise invalid_param("CallbackMethod")
        trigger.callback_method = method.upper()
    if req.get("FriendlyName") is not None:
        trigger.friendly_name = req.get("FriendlyName")[:64]


@route("api", "POST", f"{API}/Usage/Triggers.json", status=201)
def create_trigger(req: SandboxRequest) -> dict:
    account = account_for_path(req, req.arg("AccountSid"))
    req.require("CallbackUrl")
    raw_value = req.require("TriggerValue")
    category = req.require("UsageCategory")
    if category not in records.CATEGORIES:
        raise invalid_param("UsageCategory", f"Unknown usage category: {category}")
    trigger = UsageTrigger(
        sid=new_sid("UT"),
        account=account,
        usage_category=category,
        recurring=req.get("Recurring") or UsageTrigger.Recurring.ALLTIME,
        trigger_by=req.get("TriggerBy") or UsageTrigger.TriggerBy.USAGE,
        trigger_value=Decimal(0),
        date_created=req.now,
        date_updated=req.now,
    )
    if trigger.recurring not in UsageTrigger.Recurring.values:
        raise invalid_param("Recurring")
    if trigger.trigger_by not in UsageTrigger.TriggerBy.values:
        raise invalid_param("TriggerBy")
    _callback(req, trigger)
    try:
        value = Decimal(raw_value.strip())
    except InvalidOperation:
        raise invalid_param("TriggerValue")
    # Twilio: "Must be a positive, numeric value" (an offset "+N" too).
    if not value.is_finite() or value <= 0:
        raise invalid_param("TriggerValue", "TriggerValue must be a positive number")
    if raw_value.strip().startswith("+"):
        value += trigger_value_now(trigger, account, req.now.date())
    trigger.trigger_value = value
    trigger.save()
    return trigger_json(trigger, account, req.now)


@route("api", "GET", f"{API}/Usage/Triggers.json")
def list_triggers(req: SandboxRequest) -> dict:
    account = account_for_path(req, req.arg("AccountSid"))
    triggers = UsageTrigger.objects.filter(account=account)
    for param, field in (
        ("Recurring", "recurring"),
        ("TriggerBy", "trigger_by"),
        ("UsageCategory", "usage_category"),
    ):
        if req.q(param) is not None:
            triggers = triggers.filter(**{field: req.q(param)})
    return v2010_page(
        req,
        "usage_triggers",
        triggers.order_by("date_created", "id"),
        lambda t: trigger_json(t, account, req.now),
    )


def _trigger(req: SandboxRequest) -> tuple[Account, UsageTrigger]:
    account = account_for_path(req, req.arg("AccountSid"))
    trigger = UsageTrigger.objects.filter(account=account, sid=req.arg("Sid")).first()
    if trigger is None:
        raise not_found(req.path)
    return account, trigger


@route("api", "GET", f"{API}/Usage/Triggers/{{Sid}}.json")
def fetch_trigger(req: SandboxRequest) -> dict:
    account, trigger = _trigger(req)
    return trigger_json(trigger, account, req.now)


@route("api", "POST", f"{API}/Usage/Triggers/{{Sid}}.json")
def update_trigger(req: SandboxRequest) -> dict:
    account, trigger = _trigger(req)
    _callback(req, trigger)
    trigger.date_updated = req.now
    trigger.save()
    return trigger_json(trigger, account, req.now)


@route("api", "DELETE", f"{API}/Usage/Triggers/{{Sid}}.json")
def delete_trigger(req: SandboxRequest) -> None:
    _trigger(req)[1].delete()
