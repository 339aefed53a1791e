"""Before the stages: a request that corrects itself."""

from __future__ import annotations

import pytest

from todochat.agent.language.correction import apply_correction
from todochat.agent.language.normalise import normalise


@pytest.mark.parametrize(
    ("message", "meant"),
    [
        ("mark task 3 as done, no sorry, task 4", "mark as done task 4"),
        ("delete task 2, oh wait no, I meant 8", "delete 8"),
        ("move the slides to thursday, no, friday", "move the slides friday"),
        ("make the dentist one urgent, hmm no, just high", "make the dentist one high"),
        ("add walk the dog, no wait, add feed the dog", "add feed the dog"),
    ],
)
def test_the_correction_replaces_what_it_corrects(message: str, meant: str) -> None:
    corrected = apply_correction(normalise(message))
    assert (corrected.message, corrected.unplaced) == (meant, False)


@pytest.mark.parametrize(
    "message", ["add call mom, no rush", "no need to renew the passport anymore, delete it"]
)
def test_no_that_is_part_of_the_request_is_no_correction(message: str) -> None:
    corrected = apply_correction(normalise(message))
    assert (corrected.message, corrected.unplaced) == (message, False)


def test_a_correction_that_cannot_be_placed_is_reported() -> None:
    assert apply_correction(normalise("delete task 4, no wait, dont")).unplaced
