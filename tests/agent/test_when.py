"""Dates and times anywhere in a message, resolved in the user's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from todochat.agent.language.normalise import normalise
from todochat.agent.language.when import find_when, timelike_words

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 11, 10, 30, tzinfo=PARIS)  # a Wednesday


def read(message: str, timezone: str = "Europe/Paris") -> list[tuple[str, str | None, bool]]:
    utterance = normalise(message)
    return [
        (
            utterance.words(w.first, w.last),
            w.due.strftime("%m-%d %H:%M") if w.due else None,
            w.recurring,
        )
        for w in find_when(utterance, timezone, NOW)
    ]


@pytest.mark.parametrize(
    ("message", "phrase", "due"),
    [
        ("call mom tomorrow", "tomorrow", "03-12 23:59"),
        ("call mom tonight at 8", "tonight at 8", "03-11 20:00"),
        ("call mom at 8 tonight", "at 8 tonight", "03-11 20:00"),
        ("tomorrow morning", "tomorrow morning", "03-12 09:00"),
        ("3pm tomorrow", "3pm tomorrow", "03-12 15:00"),
        ("at 5", "at 5", "03-11 17:00"),
        ("at 9am", "at 9am", "03-12 09:00"),
        ("on friday", "on friday", "03-13 23:59"),
        ("wednesday", "wednesday", "03-18 23:59"),
        ("next friday", "next friday", "03-20 23:59"),
        ("next week", "next week", "03-16 23:59"),
        ("this weekend", "this weekend", "03-14 23:59"),
        ("by the end of the month", "by the end of the month", "03-31 23:59"),
        ("in 2 hours", "in 2 hours", "03-11 12:30"),
        ("in a couple of days", "in a couple of days", "03-13 23:59"),
        ("pay rent on the 1st", "on the 1st", "04-01 23:59"),
        ("20th of march", "20th of march", "03-20 23:59"),
        ("due 31/03", "due 31/03", "03-31 23:59"),
        ("2026-04-01", "2026-04-01", "04-01 23:59"),
    ],
)
def test_a_date_or_time_is_found_and_resolved(message: str, phrase: str, due: str) -> None:
    assert read(message) == [(phrase, due, False)]


def test_a_numeric_date_reads_month_first_in_the_americas() -> None:
    assert read("by 3/4", "America/New_York")[0][1] == "03-04 23:59"
    assert read("by 3/4")[0][1] == "04-03 23:59"


@pytest.mark.parametrize(
    "message", ["water plants every monday", "gym on mondays", "daily standup"]
)
def test_a_repeat_is_found_as_a_repeat(message: str) -> None:
    [(_, due, recurring)] = read(message)
    assert (due, recurring) == (None, True)


@pytest.mark.parametrize(
    "message", ["buy 2 apples", "morning run", "the 3rd one", "read chapter 12"]
)
def test_numbers_and_words_that_are_not_dates_are_left_alone(message: str) -> None:
    assert read(message) == []


def test_an_impossible_date_is_found_but_not_resolved() -> None:
    assert read("by the 45th") == [("by the 45th", None, False)]


def test_words_that_look_like_a_date_but_were_not_read_are_reported() -> None:
    assert timelike_words(["call", "mom", "8ish"]) == ["8ish"]
    assert timelike_words(["on", "the", "blursday"]) == ["blursday"]
    assert timelike_words(["on", "febtember", "3"]) == ["febtember"]
    assert timelike_words(["call", "the", "doctor"]) == []
