"""Stage 1, normalise: words as the pipeline reads them, the user's text kept."""

from __future__ import annotations

import pytest

from todochat.agent.language.normalise import QUOTED, correct_spelling, normalise, render


@pytest.mark.parametrize(
    ("message", "read_as"),
    [
        ("ad buy milk", "add buy milk"),
        ("delet task 7", "delete task 7"),
        ("compelte task 3", "complete task 3"),
        ("mark task 2 as doen", "mark task 2 as done"),
        ("shwo my tasks", "show my tasks"),
        ("wat's left", "what's left"),
        ("waht's left", "what's left"),
        ("remind me to call mom tmrw pls", "remind me to call mom tomorrow please"),
        ("rm 9", "remove 9"),
    ],
)
def test_command_words_and_shorthand_are_read_right(message: str, read_as: str) -> None:
    assert normalise(message).text == read_as


@pytest.mark.parametrize(
    "word", ["shop", "spending", "mondays", "sent", "stick", "lol", "never", "marked"]
)
def test_ordinary_words_are_not_corrected(word: str) -> None:
    assert correct_spelling(word, command_position=False) == word
    assert correct_spelling(word, command_position=True) == word


def test_a_short_word_is_corrected_only_where_a_command_stands() -> None:
    assert correct_spelling("ad", command_position=True) == "add"
    assert correct_spelling("ad", command_position=False) == "ad"


def test_a_title_keeps_the_users_own_spelling() -> None:
    utterance = normalise("add  Buy  the grocries!")
    assert [t.text for t in utterance.tokens] == ["add", "Buy", "the", "grocries", "!"]
    assert render(list(utterance.tokens[1:4])) == "Buy the grocries"


def test_a_quoted_phrase_is_one_token_no_pattern_reads_inside() -> None:
    utterance = normalise("add 'delete old photos' now")
    quoted = utterance.tokens[1]
    assert (quoted.kind, quoted.text, quoted.word) == ("quoted", "delete old photos", QUOTED)
    assert "delete" not in utterance.text


def test_typographic_quotes_and_a_tick_are_read_plainly() -> None:
    assert normalise("add \u2018buy stamps\u2019").tokens[1].text == "buy stamps"
    assert normalise("mom ✅").text == "mom done"
