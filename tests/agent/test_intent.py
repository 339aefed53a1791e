"""Stage 2, intent: scored over the whole sentence, negation understood."""

from __future__ import annotations

import pytest

from todochat.agent.language.intent import Intent, score_intents
from todochat.agent.language.normalise import normalise


def intent_of(message: str) -> Intent | None:
    return score_intents(normalise(message)).intent


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("note: pick up dry cleaning", Intent.ADD),
        ("urgent: fix the sink", Intent.ADD),
        ("I should really clean the garage", Intent.ADD),
        ("I have a doctor's appointment on Thursday, add it", Intent.ADD),
        ("tomorrow I need to pick up the keys", Intent.ADD),
        ("anything left?", Intent.LIST),
        ("show completed", Intent.LIST),
        ("what have i ticked off", Intent.LIST),
        ("what's task 5?", Intent.SHOW),
        ("I paid the bill", Intent.COMPLETE),
        ("cross off call mom", Intent.COMPLETE),
        ("passport renewed, finally", Intent.COMPLETE),
        ("never mind the passport", Intent.DELETE),
        ("take the landlord email off my list", Intent.DELETE),
        ("remove the due date from task 3", Intent.UPDATE),
        ("bump task 6 to high priority", Intent.UPDATE),
        ("add a note to task 1: get oat milk", Intent.UPDATE),
        ("hi", Intent.GREET),
        ("thanks!", Intent.THANK),
        ("what can you do?", Intent.HELP),
    ],
)
def test_the_intent_is_read_from_the_whole_sentence(message: str, intent: Intent) -> None:
    assert intent_of(message) == intent


def test_a_negated_cue_counts_against_its_intent() -> None:
    score = score_intents(normalise("don't delete anything, just show me my list"))
    assert score.intent == Intent.LIST
    assert Intent.DELETE in score.negated
    assert score.scores[Intent.DELETE] < 0


def test_dont_forget_is_a_request_to_add_not_a_negation() -> None:
    score = score_intents(normalise("don't forget to water the plants"))
    assert score.intent == Intent.ADD
    assert Intent.ADD not in score.negated


def test_a_cue_at_the_start_counts_more_than_the_same_cue_later() -> None:
    early = score_intents(normalise("delete the milk task")).scores[Intent.DELETE]
    late = score_intents(normalise("the milk task, delete")).scores[Intent.DELETE]
    assert early > late


def test_words_that_fit_no_request_have_no_intent() -> None:
    assert intent_of("the weather is nice") is None
