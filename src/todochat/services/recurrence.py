"""Recurring tasks: an RFC 5545 rule (RRULE) on a task, read and computed with
python-dateutil's rrule, and written from plain language ("every monday", "every 2
weeks", "on the 1st of each month", "every weekday at 9").

The model: a recurring task is one task, one number. Completing it completes this
occurrence and moves the same task to its next due date (it stays pending); the
occurrence is what history records. Occurrences follow the wall clock of the user's
time zone, so "every Monday at 9" stays at 9:00 across daylight-saving changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from todochat.errors import InvalidInputError
from todochat.services.dates import END_OF_DAY

RULE_MAX_LENGTH = 200
MAX_COUNT = 1000
# A todo list repeats by days at the finest: a rule every hour would flood it.
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_HELP = "try 'every monday', 'every 2 weeks', 'on the 1st of each month' or an RRULE"

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_WORDS = {
    name: code
    for code, full in zip(WEEKDAY_CODES, WEEKDAY_NAMES, strict=True)
    for name in (full.lower(), full.lower()[:3], full.lower()[:3] + ".", full.lower() + "s")
} | {"tues": "TU", "weds": "WE", "thur": "TH", "thurs": "TH"}
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_WORDS = {
    name: number
    for number, full in enumerate(MONTH_NAMES, start=1)
    for name in (full.lower(), full.lower()[:3])
} | {"sept": 9}
_UNIT_FREQUENCIES = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}
_FREQUENCY_UNITS = {freq: unit for unit, freq in _UNIT_FREQUENCIES.items()}
_ADVERBS = {
    "daily": ("DAILY", 1),
    "weekly": ("WEEKLY", 1),
    "monthly": ("MONTHLY", 1),
    "yearly": ("YEARLY", 1),
    "annually": ("YEARLY", 1),
    "fortnightly": ("WEEKLY", 2),
    "biweekly": ("WEEKLY", 2),
}
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
}


@dataclass(frozen=True)
class Recurrence:
    """A rule, and the time of day it was said with ("every weekday at 9"), if any."""

    rule: str
    at: time | None = None


# ---- Reading rules -------------------------------------------------------------------


def normalize_rule(text: str) -> str:
    """An RRULE as stored: upper case, without a leading "RRULE:", checked to be one
    rrule can compute, repeating by days or longer. InvalidInputError otherwise."""
    rule = text.strip().removeprefix("RRULE:").removeprefix("rrule:").strip().upper()
    if not rule or len(rule) > RULE_MAX_LENGTH or "\n" in rule:
        raise InvalidInputError(f"could not understand the repeat rule ({_HELP})", "repeat")
    parts = dict(part.partition("=")[::2] for part in rule.split(";") if part)
    if parts.get("FREQ") not in FREQUENCIES:
        raise InvalidInputError(
            f"a task repeats daily, weekly, monthly or yearly ({_HELP})", "repeat"
        )
    # UNTIL is read in the user's wall-clock time, like the occurrences.
    if parts.get("UNTIL", "").endswith("Z"):
        parts["UNTIL"] = parts["UNTIL"][:-1]
    if parts.get("COUNT", "1").isdigit() and int(parts.get("COUNT", "1")) > MAX_COUNT:
        raise InvalidInputError(f"a repeat may count at most {MAX_COUNT} times", "repeat")
    rule = ";".join(f"{key}={value}" for key, value in parts.items())
    try:
        rrulestr(rule, dtstart=datetime(2026, 1, 1, 9, 0))
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidInputError(
            f"could not understand the repeat rule ({_HELP})", "repeat"
        ) from exc
    return rule


def parse_recurrence(text: str) -> Recurrence:
    """Plain language ("every other friday at 5pm") or an RRULE; InvalidInputError
    saying what works otherwise."""
    said = recurrence_from_words(text)
    if said is not None:
        return said
    if "FREQ=" in text.upper():
        return Recurrence(normalize_rule(text))
    raise InvalidInputError(
        f"could not understand '{text.strip()[:60]}' as a repeat ({_HELP})", "repeat"
    )


# ---- Plain language ------------------------------------------------------------------

_AT_TIME = re.compile(
    r"\b(?:at\s+(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<half>a\.?m\.?|p\.?m\.?)?"
    r"|(?P<hour2>\d{1,2})(?::(?P<minute2>\d{2}))?\s*(?P<half2>a\.?m\.?|p\.?m\.?)"
    r"|(?:at\s+)?(?P<noon>noon|midday)|(?:in\s+the\s+)?(?P<morning>morning)"
    r"|(?:in\s+the\s+)?(?P<evening>evening))\b"
)
_ORDINAL = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"


def _time_of(match: re.Match[str]) -> time | None:
    if match.group("noon"):
        return time(12, 0)
    if match.group("morning"):
        return time(9, 0)
    if match.group("evening"):
        return time(18, 0)
    hour_text = match.group("hour") or match.group("hour2")
    minute_text = match.group("minute") or match.group("minute2") or "0"
    half = (match.group("half") or match.group("half2") or "").replace(".", "")
    hour, minute = int(hour_text), int(minute_text)
    if half == "pm" and hour < 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _split_time(text: str) -> tuple[str, time | None]:
    """The words without their time of day ("every monday at 9am" → "every monday"),
    and that time."""
    match = _AT_TIME.search(text)
    if match is None:
        return text, None
    at = _time_of(match)
    if at is None:
        return text, None
    return (text[: match.start()] + " " + text[match.end() :]).strip(), at


def _weekdays(words: str) -> list[str] | None:
    """The weekdays a phrase names ("mon, wed and fri"), or None if it names others."""
    names = [w for w in re.split(r"\s*(?:,|\band\b|&|/|\+)\s*|\s+", words) if w]
    codes = []
    for name in names:
        if name in ("on", "every", "each"):
            continue
        code = _WEEKDAY_WORDS.get(name)
        if code is None:
            return None
        if code not in codes:
            codes.append(code)
    return sorted(codes, key=WEEKDAY_CODES.index) or None


def _interval(word: str | None) -> int:
    if not word:
        return 1
    if word in ("other", "second"):
        return 2
    digits = re.sub(r"(?:st|nd|rd|th)$", "", word)
    return int(digits) if digits.isdigit() else _NUMBER_WORDS.get(word, 0)


def _rule(freq: str, interval: int = 1, **by: str) -> str:
    parts = [f"FREQ={freq}"]
    if interval > 1:
        parts.append(f"INTERVAL={interval}")
    parts += [f"{key}={value}" for key, value in by.items()]
    return ";".join(parts)


def _month_day(text: str) -> tuple[int, int] | None:
    """(month, day) from "march 3", "3 march", "3rd of march", "mar 3rd"."""
    match = re.fullmatch(rf"(?P<month>[a-z]+)\.?\s+{_ORDINAL}", text) or re.fullmatch(
        rf"{_ORDINAL}\s+(?:of\s+)?(?P<month>[a-z]+)\.?", text
    )
    if match is None or match.group("month") not in _MONTH_WORDS:
        return None
    day = int(match.group("day"))
    return (_MONTH_WORDS[match.group("month")], day) if 1 <= day <= 31 else None


def recurrence_from_words(text: str) -> Recurrence | None:
    """The rule plain words say, or None when they say no repeat this module knows."""
    words = " ".join(text.lower().replace("\u2019", "'").split()).strip(" .!")
    words, at = _split_time(words)
    if words in ("every", "each") and at is not None:  # "every morning", "every day at 9"
        return Recurrence(_rule("DAILY"), at)
    words = re.sub(r"^(?:repeat(?:s|ing)?|recurring|recur(?:s|ring)?)\s+", "", words)
    rule = _rule_from_words(words)
    return Recurrence(rule, at) if rule else None


def _rule_from_words(words: str) -> str | None:  # one case per shape of phrase
    if words in _ADVERBS:
        freq, interval = _ADVERBS[words]
        return _rule(freq, interval)
    if words in ("every weekday", "weekdays", "every workday", "on weekdays", "each weekday"):
        return _rule("WEEKLY", BYDAY="MO,TU,WE,TH,FR")
    if words in ("every weekend", "weekends", "on weekends", "every saturday and sunday"):
        return _rule("WEEKLY", BYDAY="SA,SU")
    if words in ("every fortnight", "each fortnight"):
        return _rule("WEEKLY", 2)
    last_day = r"(?:on\s+)?the\s+last\s+day\s+of\s+(?:the|each|every)\s+month"
    if re.fullmatch(
        rf"(?:every\s+month\s+)?{last_day}|monthly\s+on\s+the\s+last\s+day"
        r"|(?:every|each)\s+last\s+day\s+of\s+(?:the|each|every)\s+month",
        words,
    ):
        return _rule("MONTHLY", BYMONTHDAY="-1")
    # "every 2 weeks", "every other day", "each month", "every three months on the 1st"
    match = re.fullmatch(
        r"(?:every|each)\s+(?:(?P<n>\d{1,3}(?:st|nd|rd|th)?|other|second|[a-z]+)\s+)?"
        r"(?P<unit>day|week|month|year)s?(?:\s+(?:on\s+)?(?P<rest>.+))?",
        words,
    )
    if match and _interval(match.group("n")) > 0:
        freq = _UNIT_FREQUENCIES[match.group("unit")]
        return _with_rest(freq, _interval(match.group("n")), match.group("rest"))
    # "monthly on the 15th", "weekly on monday and thursday"
    match = re.fullmatch(r"(?P<adverb>[a-z]+ly)\s+(?:on\s+)?(?P<rest>.+)", words)
    if match and match.group("adverb") in _ADVERBS:
        freq, interval = _ADVERBS[match.group("adverb")]
        return _with_rest(freq, interval, match.group("rest"))
    # "every monday", "every other friday", "every mon and thu", "on mondays", "mondays"
    match = re.fullmatch(
        r"(?:(?:every|each)\s+(?:(?P<n>other|second|\d)\s+)?|on\s+)?(?P<days>.+)", words
    )
    if match:
        days = _weekdays(match.group("days"))
        plural = match.group("days").endswith("s")
        if days and (words.startswith(("every", "each")) or plural):
            return _rule("WEEKLY", _interval(match.group("n")), BYDAY=",".join(days))
    # "on the 1st of each month", "the 15th of every month", "every 1st"
    match = re.fullmatch(
        rf"(?:on\s+)?(?:the\s+)?(?:day\s+)?{_ORDINAL}\s+(?:day\s+)?of\s+(?:each|every|the)\s+month",
        words,
    ) or re.fullmatch(rf"every\s+(?:the\s+)?{_ORDINAL}(?:\s+of\s+the\s+month)?", words)
    if match:
        day = int(match.group("day"))
        return _rule("MONTHLY", BYMONTHDAY=str(day)) if 1 <= day <= 31 else None
    # "every march 3", "every year on 3 march", "annually on march 3rd", "every 3rd of march"
    match = re.fullmatch(r"(?:every|each)\s+(?:year\s+on\s+)?(?:the\s+)?(?P<date>.+)", words)
    if match:
        month_day = _month_day(match.group("date"))
        if month_day:
            return _rule("YEARLY", BYMONTH=str(month_day[0]), BYMONTHDAY=str(month_day[1]))
    return None


def _with_rest(freq: str, interval: int, rest: str | None) -> str | None:
    """A rule of `freq` and `interval`, narrowed by what follows ("on monday", "on the
    1st", "on march 3")."""
    if not rest:
        return _rule(freq, interval)
    rest = rest.removeprefix("on ").strip()
    if freq == "WEEKLY":
        days = _weekdays(rest)
        return _rule(freq, interval, BYDAY=",".join(days)) if days else None
    if freq == "MONTHLY":
        match = re.fullmatch(rf"(?:the\s+)?{_ORDINAL}(?:\s+day)?", rest)
        if match and 1 <= int(match.group("day")) <= 31:
            return _rule(freq, interval, BYMONTHDAY=match.group("day"))
        if re.fullmatch(r"the\s+last\s+day", rest):
            return _rule(freq, interval, BYMONTHDAY="-1")
        return None
    if freq == "YEARLY":
        month_day = _month_day(rest.removeprefix("the "))
        if month_day:
            return _rule(freq, interval, BYMONTH=str(month_day[0]), BYMONTHDAY=str(month_day[1]))
    return None


# ---- Saying rules --------------------------------------------------------------------


def describe_rule(rule: str) -> str:
    """The rule in words: "every Monday", "every 2 weeks on Friday", "every weekday",
    "on day 1 of every month", "every year on 3 March"."""
    parts = dict(part.partition("=")[::2] for part in rule.split(";") if part)
    freq = parts.get("FREQ", "")
    interval = int(parts.get("INTERVAL", "1") or 1)
    unit = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}.get(
        freq, "time"
    )
    every = f"every {interval} {unit}s" if interval > 1 else f"every {unit}"
    days = [d[-2:] for d in parts.get("BYDAY", "").split(",") if d]
    if freq == "WEEKLY" and days:
        if days == ["MO", "TU", "WE", "TH", "FR"] and interval == 1:
            return "every weekday"
        names = [WEEKDAY_NAMES[WEEKDAY_CODES.index(d)] for d in days if d in WEEKDAY_CODES]
        listed = " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]
        return f"every {listed}" if interval == 1 else f"{every} on {listed}"
    if freq == "MONTHLY" and parts.get("BYMONTHDAY"):
        day = parts["BYMONTHDAY"]
        which = "the last day" if day == "-1" else f"day {day}"
        return f"on {which} of {every}"
    if freq == "YEARLY" and parts.get("BYMONTH") and parts.get("BYMONTHDAY"):
        month = MONTH_NAMES[int(parts["BYMONTH"]) - 1]
        return f"{every} on {int(parts['BYMONTHDAY'])} {month}"
    return every


# ---- Computing occurrences -----------------------------------------------------------


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _aware(local: datetime, zone: ZoneInfo) -> datetime:
    return local.replace(tzinfo=zone)


def _series(rule: str, start: datetime) -> rrule:
    series = rrulestr(rule, dtstart=start)
    if not isinstance(series, rrule):  # one RRULE, never a set (normalize_rule's check)
        raise InvalidInputError(f"could not understand the repeat rule ({_HELP})", "repeat")
    return series


def anchored(rule: str, due: datetime, timezone: str) -> str:
    """The rule with a COUNT turned into the UNTIL it comes to from `due`, the first
    occurrence: each completion computes from the task's current due date, so a count
    would start again every time, while an end date stays put."""
    parts = dict(part.partition("=")[::2] for part in rule.split(";") if part)
    if "COUNT" not in parts:
        return rule
    zone = ZoneInfo(timezone)
    last = None
    for last in _series(rule, _local(due, zone)):  # noqa: B007 - the last one is wanted
        pass
    del parts["COUNT"]
    if last is not None:
        parts["UNTIL"] = last.strftime("%Y%m%dT%H%M%S")
    return ";".join(f"{key}={value}" for key, value in parts.items())


def next_occurrence(rule: str, due: datetime, timezone: str, *, now: datetime) -> datetime | None:
    """The occurrence after this one: the first of the series (started at `due`, in
    the zone's wall-clock time) after both `due` and `now`, so that completing an
    overdue task schedules the next one still to come. None when the rule has ended
    (COUNT, UNTIL)."""
    zone = ZoneInfo(timezone)
    series = _series(rule, _local(due, zone))
    following = series.after(_local(max(due, now), zone))
    return _aware(following, zone) if following is not None else None


def first_occurrence(rule: str, timezone: str, *, now: datetime, at: time) -> datetime | None:
    """The first occurrence from today on, at `at` (the end of the day when no time was
    said): a new recurring task without a due date starts there."""
    zone = ZoneInfo(timezone)
    today: date = now.astimezone(zone).date()
    series = _series(rule, datetime.combine(today, at))
    first = series.after(_local(now, zone) - timedelta(seconds=1), inc=True)
    return _aware(first, zone) if first is not None else None


def schedule(
    text: str, due_at: datetime | None, timezone: str, *, now: datetime
) -> tuple[str, datetime | None]:
    """The rule `text` says, and the due date a task repeating by it starts with: the
    `due_at` given (moved to the time of day said with the rule, when it is a bare day),
    else the first occurrence from today on."""
    said = parse_recurrence(text)
    zone = ZoneInfo(timezone)
    if due_at is not None:
        local = due_at.astimezone(zone)
        if said.at is not None and local.time().replace(microsecond=0) == END_OF_DAY:
            due_at = datetime.combine(local.date(), said.at, tzinfo=zone)
        return said.rule, due_at
    return said.rule, first_occurrence(said.rule, timezone, now=now, at=said.at or END_OF_DAY)
