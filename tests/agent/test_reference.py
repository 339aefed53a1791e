"""Stage 4, reference: which task a few words mean."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from todochat.agent.language.reference import (
    find_by_some_words,
    find_by_title,
    lemma,
    parse_reference,
    title_fits,
)


@dataclass(frozen=True)
class Titled:
    id: int
    title: str


TASKS = [
    Titled(1, "Buy groceries"),
    Titled(2, "Call mom"),
    Titled(3, "Pay the electricity bill"),
    Titled(5, "Finish the quarterly report"),
    Titled(7, "Email the landlord"),
    Titled(10, "Send the report to Alex"),
]


@pytest.mark.parametrize(
    ("words", "numbers", "positions", "back"),
    [
        ("task 3", (3,), (), False),
        ("#4", (4,), (), False),
        ("2 and 4", (2, 4), (), False),
        ("task number three", (3,), (), False),
        ("task 9's name", (9,), (), False),
        ("the second one", (), (2,), False),
        ("the first two", (), (1, 2), False),
        ("the last one", (), (-1,), False),
        ("it", (), (), True),
        ("that one", (), (), True),
    ],
)
def test_numbers_positions_and_it_are_read(
    words: str, numbers: tuple[int, ...], positions: tuple[int, ...], back: bool
) -> None:
    reference = parse_reference(words.split())
    assert (reference.numbers, reference.positions, reference.back) == (numbers, positions, back)


def test_everything_is_read_as_everything() -> None:
    assert parse_reference(["all", "of", "my", "tasks"]).everything


@pytest.mark.parametrize(
    ("words", "title"),
    [
        ("paid bill", "Pay the electricity bill"),
        ("called mom", "Call mom"),
        ("rang mum", "Call mom"),
        ("bought groceries", "Buy groceries"),
        ("landlord email", "Email the landlord"),
        ("grocries", "Buy groceries"),
        ("landlrod", "Email the landlord"),
        ("caled mom", "Call mom"),
    ],
)
def test_a_title_fits_despite_inflection_synonyms_and_slips(words: str, title: str) -> None:
    assert title_fits(tuple(words.split()), title)


@pytest.mark.parametrize(
    ("words", "title"),
    [("moved", "Call mom"), ("paid rent", "Pay the electricity bill"), ("report", "Call mom")],
)
def test_a_title_does_not_fit_words_it_lacks(words: str, title: str) -> None:
    assert not title_fits(tuple(words.split()), title)


def test_words_in_two_titles_find_both() -> None:
    assert [t.id for t in find_by_title(("report",), TASKS)] == [5, 10]


def test_some_distinctive_words_find_one_task_only_when_no_other_has_them() -> None:
    assert find_by_some_words(("grocery", "run"), TASKS) == TASKS[0]
    assert find_by_some_words(("paid", "rent"), TASKS) is None  # a verb alone finds nothing
    assert find_by_some_words(("report", "draft"), TASKS) is None  # two tasks have "report"


def test_lemma_takes_off_endings_and_knows_irregular_pasts() -> None:
    assert [lemma(w) for w in ["groceries", "called", "paid", "dropped", "emailing"]] == [
        "grocery",
        "call",
        "pay",
        "drop",
        "email",
    ]
