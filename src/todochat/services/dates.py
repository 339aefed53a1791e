"""Due dates: what users type, resolved in their time zone, stored in UTC."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

from todochat.errors import InvalidInputError

END_OF_DAY = time(23, 59, 59)
# What dateparser calls the precision of a parsed date: these name a clock time.
_TIMED_PERIODS = {"time", "part_of_day"}
_CLEARING_WORDS = {"none", "no", "never", "clear", "remove", "nothing", "null", "-"}
# A day inside the ends of the calendar: an instant in this range can be stored in UTC
# and shown in any time zone (offsets stay within a day) without overflowing.
_EARLIEST_DUE = datetime(1, 1, 2, tzinfo=UTC)
_LATEST_DUE = datetime(9999, 12, 30, tzinfo=UTC)


def parse_iso_due(value: str, timezone: str, field: str = "due_at") -> datetime:
    """An ISO date or datetime as an aware datetime.

    A date alone means the end of that day in the user's time zone; a datetime
    without an offset is read in the user's time zone too.
    """
    parsed = _parse_iso(value, timezone)
    if parsed is None:
        raise InvalidInputError(
            f"{field} must be an ISO date (2026-12-01) or datetime (2026-12-01T17:00)", field
        )
    return _check_range(parsed, field)


def parse_due(
    value: str, timezone: str, *, now: datetime | None = None, field: str = "due_date"
) -> datetime:
    """An ISO date/datetime or plain language ("tomorrow", "next friday 5pm",
    "in 3 days") resolved in the user's time zone; a day without a time means the
    end of that day."""
    parsed = _parse_iso(value, timezone) or parse_natural_due(value, timezone, now=now)
    if parsed is None:
        raise InvalidInputError(
            f"could not understand the date '{value.strip()[:60]}' "
            "(try 'tomorrow', 'next friday 5pm' or 2026-12-01)",
            field,
        )
    return _check_range(parsed, field)


def _check_range(moment: datetime, field: str) -> datetime:
    if not _EARLIEST_DUE <= moment <= _LATEST_DUE:
        raise InvalidInputError(f"{field} is too far in the past or the future", field)
    return moment


def parse_natural_due(text: str, timezone: str, *, now: datetime | None = None) -> datetime | None:
    """A plain-language date in the user's time zone, or None if it is not one."""
    zone = ZoneInfo(timezone)
    local_now = (now or datetime.now(UTC)).astimezone(zone)
    if (ordinal := _BARE_ORDINAL.match(text.strip())) is not None:
        day = _next_day_of_month(local_now.date(), int(ordinal.group(1)))
        return datetime.combine(day, END_OF_DAY, tzinfo=zone) if day else None
    if (period := _PERIOD_END.match(text.strip())) is not None:
        last_day = last_day_of(period.group("period") or period.group("short"), local_now.date())
        return datetime.combine(last_day, END_OF_DAY, tzinfo=zone)
    parser = DateDataParser(
        languages=["en"],
        settings={
            "TIMEZONE": timezone,
            "TO_TIMEZONE": timezone,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": local_now.replace(tzinfo=None),
            "RETURN_TIME_AS_PERIOD": True,
        },
    )
    data = parser.get_date_data(text.strip())
    if data.date_obj is None:
        return None
    moment: datetime = data.date_obj.astimezone(zone)
    if data.period not in _TIMED_PERIODS:
        moment = datetime.combine(moment.date(), END_OF_DAY, tzinfo=zone)
    return moment


# "the 1st", "15th": dateparser reads these as other things, so they are done here.
_BARE_ORDINAL = re.compile(r"^(?:on\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)$", re.IGNORECASE)


# "end of the month", "eow": dateparser reads none of these.
_PERIOD_END = re.compile(
    r"^(?:(?:by|before|at|until|till)\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?"
    r"(?P<period>day|week|month|year)$|^(?P<short>eod|eow|eom|eoy)$",
    re.IGNORECASE,
)
_SHORT_PERIODS = {"eod": "day", "eow": "week", "eom": "month", "eoy": "year"}


def last_day_of(period: str, today: date) -> date:
    """The last day of the day, week (Sunday), month or year that `today` is in."""
    period = _SHORT_PERIODS.get(period.lower(), period.lower())
    if period == "week":
        return today + timedelta(days=6 - today.weekday())
    if period == "month":
        next_month = date(today.year + today.month // 12, today.month % 12 + 1, 1)
        return next_month - timedelta(days=1)
    if period == "year":
        return date(today.year, 12, 31)
    return today


def _next_day_of_month(today: date, day: int) -> date | None:
    """The next date (today included) whose day of the month is `day`."""
    year, month = today.year, today.month
    for _ in range(13):
        with contextlib.suppress(ValueError):
            candidate = date(year, month, day)
            if candidate >= today:
                return candidate
        month, year = (1, year + 1) if month == 12 else (month + 1, year)
    return None


def is_clearing(value: str) -> bool:
    """Whether the user asks for no due date at all ("none", "clear")."""
    return value.strip().lower() in _CLEARING_WORDS


def _parse_iso(value: str, timezone: str) -> datetime | None:
    text = value.strip()
    zone = ZoneInfo(timezone)
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), END_OF_DAY, tzinfo=zone)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def in_timezone(value: datetime | None, timezone: str) -> datetime | None:
    """The instant shown in the user's time zone."""
    return value.astimezone(ZoneInfo(timezone)) if value is not None else None


def describe_due(value: datetime | None, timezone: str, *, now: datetime | None = None) -> str:
    """A short human form of a due date in the user's zone: "today", "tomorrow 17:00",
    "Fri 27 Nov", "overdue since Mon 23 Nov"."""
    if value is None:
        return ""
    zone = ZoneInfo(timezone)
    local = value.astimezone(zone)
    today = (now or datetime.now(UTC)).astimezone(zone).date()
    delta = (local.date() - today).days
    if delta == 0:
        day = "today"
    elif delta == 1:
        day = "tomorrow"
    elif delta == -1:
        day = "yesterday"
    else:
        day = local.strftime("%a %d %b") + (f" {local.year}" if local.year != today.year else "")
    with_time = day if local.time() == END_OF_DAY else f"{day} {local:%H:%M}"
    if (now or datetime.now(UTC)) > value:
        return f"overdue since {with_time}"
    return with_time
