"""Stage 1: a message as tokens whose `word` is what the rest of the pipeline reads.

A token keeps the user's own `text` (titles are built from it, so nothing inside a
title is ever "corrected") and a normalised `word`: lower case, chat shorthand
expanded ("tmrw" → "tomorrow"), and command words spelled right ("delet" → "delete")
when the misspelling is close to a word the agent knows and to no ordinary word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein
from rapidfuzz.process import extract

from todochat.agent.language import lexicon

# Phones type typographic quotes; dashes are read as plain ones.
_PLAIN = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)
_TOKEN = re.compile(
    r"""(?P<quoted>"[^"\n]+"|(?<![\w'])'[^'\n]+'(?![\w']))
      | (?P<word>[^\W_](?:[\w'./:-]*[^\W_])?)
      | (?P<punct>[^\w\s])""",
    re.VERBOSE,
)


# The word a quoted phrase stands as, for the patterns of the later stages.
QUOTED = "«quoted»"


_PUNCTUATION = frozenset(",.;:!?'\"-()&#/%$@+*=<>[]→")


_REWRITTEN = {
    "please to": "please",
    "->": " → ",
    "=>": " → ",
    "✅": " done",
    "✔️": " done",
    "✔": " done",
    "☑️": " done",
    "☑": " done",
}
_REWRITES = re.compile("|".join(re.escape(k) for k in _REWRITTEN), re.IGNORECASE)


@dataclass(frozen=True)
class Token:
    """One word, number, quoted phrase or punctuation mark of a message."""

    text: str  # as the user typed it (for a quoted phrase: what is inside the quotes)
    word: str  # what the pipeline reads
    start: int  # offsets in the cleaned message
    end: int
    kind: str  # "word", "quoted" or "punct"
    corrected: bool = False

    @property
    def is_word(self) -> bool:
        return self.kind == "word"


@dataclass(frozen=True)
class Utterance:
    """A cleaned message and its tokens. `text` is the tokens' words joined by single
    spaces: the string every pattern of the later stages is matched against."""

    message: str
    tokens: tuple[Token, ...]
    text: str
    offsets: tuple[int, ...]  # where each token's word starts in `text`

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """The tokens [i, j) covered by the characters [start, end) of `text`."""
        first = next((i for i, o in enumerate(self.offsets) if o >= start), len(self.tokens))
        last = first
        while last < len(self.tokens) and self.offsets[last] < end:
            last += 1
        return first, last

    def finditer(self, pattern: re.Pattern[str]) -> Iterator[tuple[int, int, re.Match[str]]]:
        """Every match of `pattern` in `text`, with the tokens it covers."""
        for match in pattern.finditer(self.text):
            if match.end() > match.start():
                first, last = self.token_range(match.start(), match.end())
                yield first, last, match

    def words(self, first: int = 0, last: int | None = None) -> str:
        """The normalised words of tokens [first, last), joined by spaces."""
        return " ".join(t.word for t in self.tokens[first:last])


def render(tokens: list[Token] | tuple[Token, ...]) -> str:
    """The user's own text of some tokens, spaced as written text is."""
    out = ""
    for index, token in enumerate(tokens):
        glued = token.kind == "punct" and token.text in ",.;:!?)%'"
        after_open = index > 0 and tokens[index - 1].text in "(#$@"
        if out and not glued and not after_open:
            out += " "
        out += f"'{token.text}'" if token.kind == "quoted" else token.text
    return out.strip()


def normalise(message: str) -> Utterance:
    """Tokens of `message` with their normalised words (see the module docstring)."""
    cleaned = " ".join(message.translate(_PLAIN).split())
    # "please to add …" (a learner's form), "->" for an arrow, a tick for "done".
    cleaned = _REWRITES.sub(lambda m: _REWRITTEN[m.group().lower()], cleaned)
    tokens: list[Token] = []
    for match in _TOKEN.finditer(cleaned):
        if match.lastgroup == "quoted":
            # A quoted phrase is the user's own words: no pattern reads inside it.
            inner = match.group()[1:-1].strip()
            tokens.append(Token(inner, QUOTED, match.start(), match.end(), "quoted"))
        elif match.lastgroup == "word":
            lowered = match.group().lower()
            if lowered in lexicon.DISFLUENCIES:
                continue  # "um", "uh": said, never meant
            if tokens and lowered == tokens[-1].word and len(lowered) <= 3:
                continue  # "I I bought", "the the"
            tokens.extend(_word_tokens(match.group(), match.start(), first=_at_command(tokens)))
        elif match.group() in _PUNCTUATION:
            text = match.group()
            tokens.append(Token(text, text, match.start(), match.end(), "punct"))
        # Emoji and other symbols carry no words: left out.
    words: list[str] = []
    offsets: list[int] = []
    position = 0
    for token in tokens:
        offsets.append(position)
        words.append(token.word)
        position += len(token.word) + 1
    return Utterance(cleaned, tuple(tokens), " ".join(words), tuple(offsets))


def _at_command(tokens: list[Token]) -> bool:
    """Whether the next word stands where a command verb does: first, or after
    politeness and filler ("pls", "can you", "ok so")."""
    return all(t.word in lexicon.COMMAND_LEAD_INS or t.kind == "punct" for t in tokens)


def _word_tokens(text: str, start: int, *, first: bool) -> list[Token]:
    lowered = text.lower().rstrip(".")
    end = start + len(text)
    if lowered in lexicon.SHORTHAND:
        return [Token(text, lexicon.SHORTHAND[lowered], start, end, "word")]
    corrected = correct_spelling(lowered, command_position=first)
    return [Token(text, corrected, start, end, "word", corrected != lowered)]


def correct_spelling(word: str, *, command_position: bool) -> str:
    """The agent's own word that `word` is a misspelling of, or `word` unchanged.

    Only words the agent knows are candidates, and only for a word that is no
    ordinary word itself. Short words are corrected only where a command verb stands
    ("ad buy milk"); elsewhere a word needs four letters or more, its first letter
    right, and one slip (two from eight letters)."""
    if word.endswith("'s") and word[:-2].isalpha() and len(word) > 4:
        # "waht's" → "what's"
        stem = correct_spelling(word[:-2], command_position=command_position)
        return f"{stem}'s" if f"{stem}'s" in lexicon.VOCABULARY else word
    if (
        not word.isalpha()
        or word in lexicon.VOCABULARY
        or word in lexicon.ORDINARY_WORDS
        or word in lexicon.IRREGULAR_PAST
        or word in lexicon.TASK_VERBS
        or len(word) < 2
        or _inflected(word)
    ):
        return word
    if command_position:
        limit = 1 if len(word) < 7 else 2
        choices = lexicon.COMMAND_WORDS if len(word) <= 4 else lexicon.VOCABULARY
    elif len(word) >= 4:
        limit = 1 if len(word) < 8 else 2
        choices = lexicon.VOCABULARY
    else:
        return word
    found = extract(
        word, choices, scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=None
    )
    if not found:
        return word
    # The closest; on a tie the one the word begins ("mak" → "make", not "mark"),
    # then alphabetical, so that the choice never depends on set order.
    candidate = min(found, key=lambda hit: (hit[1], not str(hit[0]).startswith(word), hit[0]))[0]
    if not command_position and candidate[0] != word[0]:
        return word
    return candidate


def _inflected(word: str) -> bool:
    """Whether `word` is a known word with an ending ("mondays", "marked")."""
    return any(
        word.endswith(ending) and word[: -len(ending)] in lexicon.VOCABULARY
        for ending in ("s", "es", "ed", "ing")
    ) or (word.endswith("ed") and word[:-1] in lexicon.VOCABULARY)
