# ruff: noqa: E501 -- pattern tables read best one pattern per line
"""Dates, times and repeats anywhere in a message, resolved in the user's time zone.

"email the landlord tomorrow at 3pm" holds the phrase "tomorrow at 3pm": this module
finds such phrases (a day, a time, or both next to each other), says which tokens
they cover, and resolves them from the user's "now". A day without a time is the end
of that day; a bare hour from 1 to 7 is in the afternoon ("at 5"), and in the evening
after "tonight". "next friday" is the Friday of next week; "friday" is the coming one.
Repeats ("every monday", "daily") are found, so that the agent can say it cannot
repeat tasks rather than put the words in a title.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz.fuzz import ratio
from rapidfuzz.process import extractOne

from todochat.agent.language.normalise import Utterance
from todochat.services.dates import END_OF_DAY, last_day_of

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_COUNTS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a couple": 2,
    "couple of": 2, "a few": 3, "few": 3, "several": 3,
}  # fmt: skip
PARTS_OF_DAY = {"morning": time(9), "afternoon": time(15), "evening": time(18), "night": time(20)}

_WEEKDAY = "|".join(WEEKDAYS)
_ABBREV_DAY = "mon|tue|wed|thu|fri|sat|sun"
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_COUNT = r"\d{1,3}|a couple of|a couple|couple of|a few|an|a|one|two|three|four|five|six|seven|eight|nine|ten|several"
_ORD = r"(?P<{n}>\d{{1,2}})(?:st|nd|rd|th)?"
_LEAD = r"(?:(?:due|and|is due|be due)\s+)?(?:(?:on|by|before|until|till|for|from|starting|this coming|coming)\s+)?"

# One pattern per kind of phrase; each names what it found in its groups.
_DAY_PATTERNS: tuple[tuple[str, str], ...] = (
    ("iso", r"(?P<iso>\d{4}-\d{2}-\d{2})"),
    ("numeric", r"(?P<first>\d{1,2})/(?P<second>\d{1,2})(?:/(?P<year>\d{2}|\d{4}))?"),
    ("after_tomorrow", r"(?:the )?day after tomorrow"),
    ("relative", r"(?P<rel>today|tonight|tomorrow|this morning|this afternoon|this evening)"),
    (
        "period_end",
        r"(?:the )?end of (?:the |this )?(?P<next>next )?(?P<period>day|week|month|year)|(?P<short>eod|eow|eom|eoy)",
    ),
    ("weekday", rf"(?:(?P<which>this|next|coming|this coming) )?(?P<weekday>{_WEEKDAY})(?! ?s\b)"),
    (
        "abbrev_day",
        rf"(?:on|by|next|this|until|till|before|to|for) (?P<abbrev>{_ABBREV_DAY})\b|(?P<abbrev2>tue|wed|thu|fri)\b",
    ),
    (
        "next_period",
        r"(?P<which>this|next|coming) (?P<period>week|weekend|month|year)|(?:the )?(?P<weekend>weekend)",
    ),
    (
        "in",
        rf"in (?P<count>{_COUNT}) (?P<unit>minute|hour|day|week|month|year)s?|in half an hour|in (?:a|an) (?P<unit1>hour|day|week|month|year)",
    ),
    ("from_now", rf"(?P<count>{_COUNT}) (?P<unit>day|week|month)s? from (?:now|today)"),
    (
        "day_month",
        rf"(?:the )?{_ORD.format(n='day')} (?:of )?(?P<month>{_MONTH})\b(?:,? (?P<year>\d{{4}}))?",
    ),
    (
        "month_day",
        rf"(?P<month>{_MONTH}) (?:the )?{_ORD.format(n='day')}(?!\d)(?:(?:st|nd|rd|th))?(?:,? (?P<year>\d{{4}}))?(?! ?(?:am|pm|:))",
    ),
    (
        "day_of_month",
        r"(?:on|by|before|for|until) (?:the )?(?P<day>\d{1,2})(?:st|nd|rd|th)\b|the (?P<day2>\d{1,2})(?:st|nd|rd|th)\b(?! (?:one|ones|task|tasks|item|todo|thing)\b)",
    ),
)
_TIME_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "clock",
        r"(?:(?:at|@|by|before|around|about) )?(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))? ?(?P<ampm>am|pm|a\.m|p\.m)\b",
    ),
    ("clock24", r"(?:(?:at|@|by|before|around) )?(?P<hour>\d{1,2}):(?P<minute>\d{2})\b"),
    (
        "bare_hour",
        r"(?:at|@|by|around) (?P<hour>\d{1,2})(?: o'clock)?\b(?! ?(?:st|nd|rd|th|days?|weeks?|hours?|minutes?|%))",
    ),
    ("named_time", r"(?:(?:at|by|around) )?(?P<named>noon|midday|midnight|lunchtime|lunch time)"),
    ("part", r"(?:in the |this )?(?P<part>morning|afternoon|evening|night)\b"),
)
_RECURRENCE = re.compile(
    rf"\b(?:every (?:other |single |second )?(?:day|morning|evening|night|week|weekday|weekend|month|year|hour|{_WEEKDAY}|\d+ (?:days|weeks|months|hours))"
    rf"|(?:daily|weekly|monthly|yearly|annually|fortnightly|biweekly|nightly|hourly)"
    rf"|each (?:day|week|month|morning|evening|night|{_WEEKDAY})"
    rf"|(?:on )?(?:{_WEEKDAY})s(?: and (?:{_WEEKDAY})s)*"
    rf"|once a (?:day|week|month|year)|twice a (?:day|week|month)"
    # Days of the month: "on the 1st of each month", "the 15th of every month",
    # "every 1st", "on the last day of the month", "every month on the 15th".
    rf"|(?:on )?the (?:\d{{1,2}}(?:st|nd|rd|th)|last day) of (?:each|every|the) month"
    rf"|every (?:month on the )?\d{{1,2}}(?:st|nd|rd|th)(?: of the month)?)\b"
)
# Words that name a time but that no pattern could read: "8ish", "blursday".
_TIMELIKE_LEFTOVER = re.compile(
    rf"^(?:{_WEEKDAY}|today|tonight|tomorrow|yesterday|noon|midnight|o'clock|"
    rf"\d{{1,2}}(?::\d{{2}})?(?:am|pm)|\d{{1,2}}:\d{{2}}|\w*-?ish|\w+day|"
    rf"january|february|april|june|july|august|september|october|november|december)$"
)
_CALENDAR_WORDS = [*WEEKDAYS, *(m for m in MONTHS if len(m) > 4), "tomorrow", "tonight"]
_NOT_TIMELIKE = frozenset(["birthday", "holiday", "payday", "someday", "everyday", "midday", "weekday",
                          "yesterday", "today", "birthdays", "holidays", "sunday", "monday", "tuesday", "wednesday",
                          "thursday", "friday", "saturday", "doomsday", "heyday", "workday", "mayday", "english",
                          "spanish", "polish", "finnish", "danish", "swedish", "irish", "dish", "fish", "wish",
                          "british", "turkish", "rubbish", "publish", "finish", "radish", "relish", "squish",
                          "parish", "polish", "cherish", "punish", "nourish", "perish", "lavish", "selfish",
                          "foolish", "stylish", "childish", "reddish", "pinkish", "ish"])  # fmt: skip


def _compile(
    patterns: tuple[tuple[str, str], ...], lead: str = ""
) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (name, re.compile(rf"(?<![\w/-]){lead}(?:{pattern})(?![\w/-])"))
        for name, pattern in patterns
    )


_DAYS = _compile(_DAY_PATTERNS, _LEAD)
_TIMES = _compile(_TIME_PATTERNS)
# What may stand between a day and its time: "tomorrow at 3pm", "friday, 5pm".
_JOINER = re.compile(r"^\s*(?:,|at|@|by|on|around|from)?\s*(?:,\s*)?$")


@dataclass(frozen=True)
class When:
    """A date or time phrase: the tokens [first, last) and what it means."""

    first: int
    last: int
    due: datetime | None
    recurring: bool = False

    @property
    def tokens(self) -> range:
        return range(self.first, self.last)


@dataclass(frozen=True)
class _Atom:
    start: int
    end: int
    kind: str  # "day" or "time"
    match: re.Match[str]
    name: str


def find_when(utterance: Utterance, timezone: str, now: datetime) -> list[When]:
    """Every date, time or repeat phrase in the message, left to right."""
    local_now = now.astimezone(ZoneInfo(timezone))
    found: list[When] = []
    taken: set[int] = set()
    for first, last, _ in utterance.finditer(_RECURRENCE):
        found.append(When(first, last, None, recurring=True))
        taken.update(range(first, last))
    atoms = [
        _Atom(m.start(), m.end(), kind, m, name)
        for kind, patterns in (("day", _DAYS), ("time", _TIMES))
        for name, pattern in patterns
        for m in pattern.finditer(utterance.text)
    ]
    atoms.sort(key=lambda a: (a.start, -a.end))
    kept: list[_Atom] = []
    for atom in atoms:  # the longest phrase at each place wins; no overlaps
        if kept and atom.start < kept[-1].end:
            continue
        kept.append(atom)
    index = 0
    while index < len(kept):
        group = [kept[index]]
        while index + 1 < len(kept) and _joins(utterance.text, group, kept[index + 1]):
            index += 1
            group.append(kept[index])
        index += 1
        first, last = utterance.token_range(group[0].start, group[-1].end)
        if first >= last or taken.intersection(range(first, last)):
            continue
        if all(
            a.name == "part" and not a.match.group().startswith(("in the", "this")) for a in group
        ):
            continue  # "morning" alone is a word ("morning run"), not a time
        found.append(When(first, last, _resolve(group, local_now)))
    found.sort(key=lambda w: w.first)
    return found


# Where a phrase stands does not depend on the clock; any moment reads the same spans.
_ANY_MOMENT = datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))


def find_phrases(utterance: Utterance) -> list[When]:
    """Where the date, time and repeat phrases stand, without resolving them for a
    user (callers that only need the spans)."""
    return find_when(utterance, "UTC", _ANY_MOMENT)


def _joins(text: str, group: list[_Atom], atom: _Atom) -> bool:
    kinds = {a.kind for a in group}
    if len(group) >= 2 or (
        atom.kind in kinds and not (atom.name == "part" or group[-1].name == "part")
    ):
        return False
    return bool(_JOINER.match(text[group[-1].end : atom.start]))


def timelike_words(words: list[str]) -> list[str]:
    """Words that look like a date or time but were not read as one: "8ish",
    "blursday", a misspelt month ("febtember")."""
    found = [
        w
        for w in words
        if w not in _NOT_TIMELIKE
        and (_TIMELIKE_LEFTOVER.match(w) or (len(w) >= 6 and _near_calendar_word(w)))
    ]
    # "on febtember 3": a word before a day of the month is a month, however spelt.
    found += [
        w
        for w, after in itertools.pairwise(words)
        if after.isdigit()
        and 1 <= int(after) <= 31
        and len(w) >= 5
        and w not in found
        and extractOne(w, _CALENDAR_WORDS, scorer=ratio, score_cutoff=70) is not None
    ]
    return found


def _near_calendar_word(word: str) -> bool:
    best = extractOne(word, _CALENDAR_WORDS, scorer=ratio, score_cutoff=75)
    return best is not None and str(best[0])[0] == word[0]


def _resolve(group: list[_Atom], now: datetime) -> datetime | None:
    day: date | None = None
    clock: time | None = None
    evening = False
    exact: datetime | None = None
    for atom in group:
        if atom.kind == "day":
            resolved = _resolve_day(atom, now)
            if isinstance(resolved, datetime):
                exact = resolved
            elif resolved is not None:
                day = resolved
            text = atom.match.group()
            evening = evening or "tonight" in text or "evening" in text
            if "tonight" in text and len(group) == 1:
                clock = None
            elif "this morning" in text or "this afternoon" in text or "this evening" in text:
                clock = PARTS_OF_DAY[text.rsplit(" ", 1)[-1]]
        else:
            clock, evening = _resolve_time(atom, clock, evening)
    if exact is not None:
        return exact
    zone = now.tzinfo
    if day is None and clock is None:
        return None
    if day is None:
        assert clock is not None
        candidate = datetime.combine(now.date(), clock, tzinfo=zone)
        if candidate <= now:
            candidate += timedelta(days=1)
        return candidate
    if clock is None:
        return datetime.combine(day, END_OF_DAY, tzinfo=zone)
    if evening and clock.hour < 12:
        clock = clock.replace(hour=clock.hour + 12)
    return datetime.combine(day, clock, tzinfo=zone)


def _resolve_time(atom: _Atom, clock: time | None, evening: bool) -> tuple[time | None, bool]:
    groups = atom.match.groupdict()
    if atom.name == "part":
        part = groups["part"]
        return (clock or PARTS_OF_DAY[part]), evening or part in ("evening", "night")
    if atom.name == "named_time":
        named = groups["named"]
        return (time(0) if named == "midnight" else time(12)), evening
    hour = int(groups["hour"])
    minute = int(groups.get("minute") or 0)
    ampm = (groups.get("ampm") or "").replace(".", "")
    if hour > 23 or minute > 59 or (ampm and not 1 <= hour <= 12):
        return clock, evening
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    elif not ampm and atom.name == "bare_hour" and (1 <= hour <= 7 or (evening and hour < 12)):
        hour += 12
    if not ampm and evening and hour < 12:
        hour += 12
    return time(hour, minute), evening


def _resolve_day(atom: _Atom, now: datetime) -> date | datetime | None:
    groups = {k: v for k, v in atom.match.groupdict().items() if v is not None}
    today = now.date()
    name = atom.name
    if name == "iso":
        try:
            return date.fromisoformat(groups["iso"])
        except ValueError:
            return None
    if name == "numeric":
        return _numeric_date(groups, today, str(now.tzinfo))
    if name == "after_tomorrow":
        return today + timedelta(days=2)
    if name == "relative":
        return today + timedelta(days=1) if groups["rel"] == "tomorrow" else today
    if name == "period_end":
        period = groups.get("period") or groups["short"]
        base = today
        if groups.get("next"):
            base = last_day_of(period, today) + timedelta(days=1)
        return last_day_of(period, base)
    if name in ("weekday", "abbrev_day"):
        weekday = groups.get("weekday") or next(
            d for d in WEEKDAYS if d.startswith(groups.get("abbrev") or groups["abbrev2"])
        )
        return _weekday(
            today,
            WEEKDAYS.index(weekday),
            groups.get("which") == "next" or atom.match.group().startswith("next"),
        )
    if name == "next_period":
        period = groups.get("period") or "weekend"
        which = groups.get("which", "this")
        if period == "week":
            monday = today - timedelta(days=today.weekday())
            return (
                monday + timedelta(days=7)
                if which in ("next", "coming")
                else last_day_of("week", today)
            )
        if period == "weekend":
            saturday = today + timedelta(days=(5 - today.weekday()) % 7)
            return saturday + timedelta(days=7) if which == "next" else saturday
        if period == "month":
            if which in ("next", "coming"):
                return date(today.year + today.month // 12, today.month % 12 + 1, 1)
            return last_day_of("month", today)
        return (
            date(today.year + 1, 1, 1) if which in ("next", "coming") else date(today.year, 12, 31)
        )
    if name in ("in", "from_now"):
        text = atom.match.group()
        if "half an hour" in text:
            return now + timedelta(minutes=30)
        unit = groups.get("unit") or groups.get("unit1") or "day"
        count_word = groups.get("count", "1")
        count = int(count_word) if count_word.isdigit() else _COUNTS.get(count_word, 1)
        if unit == "minute":
            return now + timedelta(minutes=count)
        if unit == "hour":
            return now + timedelta(hours=count)
        if unit == "day":
            return today + timedelta(days=count)
        if unit == "week":
            return today + timedelta(weeks=count)
        months = count if unit == "month" else 12 * count
        year, month = divmod(today.month - 1 + months, 12)
        return _clamped(today.year + year, month + 1, today.day)
    if name in ("day_month", "month_day"):
        month = MONTHS[groups["month"]]
        day = int(groups["day"])
        if "year" in groups:
            return _valid(int(groups["year"]), month, day)
        candidate = _valid(today.year, month, day)
        if candidate is not None and candidate < today:
            candidate = _valid(today.year + 1, month, day)
        return candidate
    if name == "day_of_month":
        day = int(groups.get("day") or groups["day2"])
        for offset in range(13):
            year, month = divmod(today.month - 1 + offset, 12)
            candidate = _valid(today.year + year, month + 1, day)
            if candidate is not None and candidate >= today:
                return candidate
    return None


def _numeric_date(groups: dict[str, str], today: date, zone: str) -> date | None:
    """ "31/03", "3/25", "12/04/2026": day first, except where month first is the
    custom (the Americas), and whichever order is the only possible one."""
    first, second = int(groups["first"]), int(groups["second"])
    month_first = zone.startswith("America/")
    if first > 12:
        month_first = False
    elif second > 12:
        month_first = True
    month, day = (first, second) if month_first else (second, first)
    if "year" in groups:
        year = int(groups["year"])
        return _valid(year + 2000 if year < 100 else year, month, day)
    candidate = _valid(today.year, month, day)
    if candidate is not None and candidate < today:
        candidate = _valid(today.year + 1, month, day)
    return candidate


def _weekday(today: date, weekday: int, next_week: bool) -> date:
    if next_week:
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
        return monday + timedelta(days=weekday)
    ahead = (weekday - today.weekday()) % 7
    return today + timedelta(days=ahead or 7)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _clamped(year: int, month: int, day: int) -> date:
    while day > 28:
        candidate = _valid(year, month, day)
        if candidate is not None:
            return candidate
        day -= 1
    return date(year, month, day)
