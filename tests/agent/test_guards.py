"""Between intent and action: requests the agent must not act on as said."""

from __future__ import annotations

import pytest

from todochat.agent.language import guards
from todochat.agent.language.intent import command_start
from todochat.agent.language.normalise import normalise


def body(message: str) -> str:
    utterance = normalise(message)
    return utterance.words(command_start(utterance))


@pytest.mark.parametrize(
    "message", ["delete everything", "wipe all tasks", "mark all of them as done", "clear my list"]
)
def test_a_change_to_every_task_is_recognised(message: str) -> None:
    assert guards.changes_everything(body(message))


@pytest.mark.parametrize(
    "message",
    [
        "I was going to delete task 3 but I changed my mind",
        "if the dentist cancels, I'll delete task 4",
        "thinking about deleting the passport task",
    ],
)
def test_talk_about_a_change_is_hypothetical(message: str) -> None:
    assert guards.is_hypothetical(body(message))


@pytest.mark.parametrize(
    ("message", "question"),
    [
        ("did I pay the electricity bill?", True),
        ("which tasks are completed", True),
        ("is task 3 done", True),
        ("can you delete task 3?", False),
        ("have to call mom tomorrow", False),
        ("what a day, I got the groceries, tick that off", False),
    ],
)
def test_a_question_is_told_from_a_request(message: str, question: bool) -> None:
    assert guards.is_question(normalise(message), body(message)) is question


def test_advice_and_confirmation_are_recognised() -> None:
    assert guards.asks_advice(body("should I delete task 4?"))
    assert guards.is_confirmation(normalise("Yes please!").text)
    assert not guards.is_confirmation(normalise("yes, delete task 4").text)
