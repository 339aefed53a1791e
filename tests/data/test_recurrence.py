"""Recurring tasks' rules: plain words into RFC 5545 rules, rules back into words, and
occurrences that keep their wall-clock time across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from todochat.errors import InvalidInputError
from todochat.services.recurrence import (
    describe_rule,
    first_occurrence,
    next_occurrence,
    normalize_rule,
    parse_recurrence,
    recurrence_from_words,
)

PARIS = "Europe/Paris"


@pytest.mark.parametrize(
    ("words", "rule", "at"),
    [
        ("every monday", "FREQ=WEEKLY;BYDAY=MO", None),
        ("Every Monday.", "FREQ=WEEKLY;BYDAY=MO", None),
        ("mondays", "FREQ=WEEKLY;BYDAY=MO", None),
        ("each tuesday", "FREQ=WEEKLY;BYDAY=TU", None),
        ("every mon and thu", "FREQ=WEEKLY;BYDAY=MO,TH", None),
        ("every friday, monday and wednesday", "FREQ=WEEKLY;BYDAY=MO,WE,FR", None),
        ("every other friday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", None),
        ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2", None),
        ("every 2 weeks on tuesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", None),
        ("fortnightly", "FREQ=WEEKLY;INTERVAL=2", None),
        ("every three days", "FREQ=DAILY;INTERVAL=3", None),
        ("every other day", "FREQ=DAILY;INTERVAL=2", None),
        ("daily", "FREQ=DAILY", None),
        ("every day at noon", "FREQ=DAILY", time(12, 0)),
        ("every morning", "FREQ=DAILY", time(9, 0)),
        ("every weekday at 9", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(9, 0)),
        ("every weekend", "FREQ=WEEKLY;BYDAY=SA,SU", None),
        ("every tue & thu at 6:30pm", "FREQ=WEEKLY;BYDAY=TU,TH", time(18, 30)),
        ("on the 1st of each month", "FREQ=MONTHLY;BYMONTHDAY=1", None),
        ("the 15th of every month", "FREQ=MONTHLY;BYMONTHDAY=15", None),
        ("monthly on the 1st", "FREQ=MONTHLY;BYMONTHDAY=1", None),
        ("every month on the 15th", "FREQ=MONTHLY;BYMONTHDAY=15", None),
        ("on the last day of the month", "FREQ=MONTHLY;BYMONTHDAY=-1", None),
        ("every 3 months", "FREQ=MONTHLY;INTERVAL=3", None),
        ("every year on march 3", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3", None),
        ("every 3rd of march", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3", None),
        ("annually", "FREQ=YEARLY", None),
    ],
)
def test_plain_words_become_a_rule(words: str, rule: str, at: time | None) -> None:
    said = recurrence_from_words(words)

    assert said is not None
    assert (said.rule, said.at) == (rule, at)


@pytest.mark.parametrize("words", ["monday", "buy milk", "tomorrow at 9", "every", "next week"])
def test_words_that_name_no_repeat_give_none(words: str) -> None:
    assert recurrence_from_words(words) is None


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=MO", "every Monday"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "every weekday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "every 2 weeks on Friday"),
        ("FREQ=DAILY", "every day"),
        ("FREQ=MONTHLY;BYMONTHDAY=1", "on day 1 of every month"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "on the last day of every month"),
        ("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3", "every year on 3 March"),
    ],
)
def test_a_rule_is_said_in_words(rule: str, words: str) -> None:
    assert describe_rule(rule) == words


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;BYDAY=MO",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
        "FREQ=DAILY;INTERVAL=3",
        "FREQ=MONTHLY;BYMONTHDAY=1",
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3",
    ],
)
def test_the_words_a_rule_is_said_in_read_back_as_the_rule(rule: str) -> None:
    """The page's editor shows the words; saving them unchanged must keep the rule."""
    assert parse_recurrence(describe_rule(rule)).rule == rule


def test_an_rrule_is_accepted_as_it_is_written_in_rfc_5545() -> None:
    said = parse_recurrence("RRULE:freq=weekly;byday=mo,we;count=10")

    assert said.rule == "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10"


@pytest.mark.parametrize(
    "rule", ["FREQ=HOURLY", "FREQ=MINUTELY;INTERVAL=5", "FREQ=WEEKLY;BYDAY=XX"]
)
def test_a_rule_that_repeats_too_often_or_cannot_be_read_is_refused(rule: str) -> None:
    with pytest.raises(InvalidInputError):
        normalize_rule(rule)


def test_words_that_are_no_repeat_are_refused_with_what_works() -> None:
    with pytest.raises(InvalidInputError, match="every monday"):
        parse_recurrence("whenever I feel like it")


def test_ten_weekly_occurrences_keep_9am_across_both_daylight_saving_changes() -> None:
    """Mondays at 9:00 in Paris from early March: the clocks go forward on 28 March
    2027 and back on 31 October 2027; every occurrence stays at 9:00 local time."""
    zone = ZoneInfo(PARIS)
    due = datetime(2027, 3, 15, 9, 0, tzinfo=zone)
    now = datetime(2027, 3, 1, tzinfo=UTC)
    seen = []
    for _ in range(10):
        following = next_occurrence("FREQ=WEEKLY;BYDAY=MO", due, PARIS, now=now)
        assert following is not None
        due = following
        seen.append(due)

    assert [d.astimezone(zone).strftime("%m-%d %H:%M") for d in seen] == [
        f"{day} 09:00"
        for day in (
            "03-22",
            "03-29",
            "04-05",
            "04-12",
            "04-19",
            "04-26",
            "05-03",
            "05-10",
            "05-17",
            "05-24",
        )
    ]
    assert seen[0].utcoffset() != seen[1].utcoffset()  # the change was crossed


def test_the_autumn_change_is_crossed_at_the_same_local_time() -> None:
    zone = ZoneInfo(PARIS)
    due = datetime(2027, 10, 24, 9, 0, tzinfo=zone)  # a Sunday, summer time
    following = next_occurrence("FREQ=WEEKLY;BYDAY=SU", due, PARIS, now=due)

    assert following is not None
    assert following.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") == "2027-10-31 09:00 CET"


def test_completing_an_overdue_occurrence_schedules_one_still_to_come() -> None:
    zone = ZoneInfo(PARIS)
    due = datetime(2027, 1, 4, 9, 0, tzinfo=zone)  # a Monday, weeks ago
    now = datetime(2027, 2, 3, 12, 0, tzinfo=zone)  # a Wednesday

    following = next_occurrence("FREQ=WEEKLY;BYDAY=MO", due, PARIS, now=now)

    assert following == datetime(2027, 2, 8, 9, 0, tzinfo=zone)


def test_a_series_that_has_ended_has_no_next_occurrence() -> None:
    zone = ZoneInfo(PARIS)
    due = datetime(2027, 1, 4, 9, 0, tzinfo=zone)

    assert next_occurrence("FREQ=WEEKLY;COUNT=1", due, PARIS, now=due) is None


def test_the_first_occurrence_is_today_when_today_matches() -> None:
    zone = ZoneInfo(PARIS)
    monday_morning = datetime(2027, 1, 4, 8, 0, tzinfo=zone)

    first = first_occurrence("FREQ=WEEKLY;BYDAY=MO", PARIS, now=monday_morning, at=time(9, 0))

    assert first == datetime(2027, 1, 4, 9, 0, tzinfo=zone)
