"""Stage 4: which task a few words mean.

By number ("task 3", "#3", "2 and 4"), by position in the last list shown in this
conversation ("the second one", "the first two", "the last one"), by "it" / "that"
(the task the conversation was last about), or by the words of its title, matched
loosely: plurals, verb endings and small typos are forgiven, so "I paid the bill"
finds "Pay the electricity bill". The stage only reads; the agent decides what to do
when several tasks fit (ask) or none does (say so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, TypeVar

from rapidfuzz.distance import DamerauLevenshtein

from todochat.agent.language import lexicon

_NUMBER = re.compile(r"^#?(\d{1,9})$")
_BACK = frozenset(
    ["it", "that", "this", "that one", "this one", "that task", "this task", "them", "those",
     "the one i just added", "the one i added", "the new one", "that last one", "the task",
     "the same one", "same one", "the one", "one"]
)  # fmt: skip
_NUMBER_LEADS = frozenset(["task", "todo", "item", "#", "and", ",", "number"])
_PLURAL_BACK = frozenset(["them", "those", "both", "both of them", "all of them", "these"])


class Titled(Protocol):
    """A task as the reference stage needs it."""

    @property
    def id(self) -> int: ...

    @property
    def title(self) -> str: ...


T = TypeVar("T", bound=Titled)


@dataclass(frozen=True)
class Reference:
    """What the words of a reference point at, before looking at any task."""

    numbers: tuple[int, ...] = ()
    positions: tuple[int, ...] = ()  # 1-based over the last listing; -1 is the last
    back: bool = False  # "it", "that one"
    plural_back: bool = False  # "them", "both"
    words: tuple[str, ...] = ()  # words of a title
    parts: tuple[tuple[str, ...], ...] = ()  # the words cut at "and": several titles
    everything: bool = False  # "all", "everything"
    text: str = ""  # the user's own words, for replies

    @property
    def empty(self) -> bool:
        return not (
            self.numbers
            or self.positions
            or self.back
            or self.plural_back
            or self.words
            or self.everything
        )


def parse_reference(words: list[str], text: str = "") -> Reference:
    """A reference from its normalised words (command words already taken out)."""
    words = [w[:-2] if w.endswith("'s") else w for w in words if w not in ("#", "no.", "nr", "num")]
    words = [w for i, w in enumerate(words) if w != "number" or i + 1 < len(words)]
    # "task 9" names task 9 whatever words stand around it ("task 9's name").
    # "task number three" is task 3.
    words = [
        str(lexicon.NUMBER_WORDS[w])
        if w in lexicon.NUMBER_WORDS
        and w not in ("a", "an")
        and i > 0
        and words[i - 1] in _NUMBER_LEADS
        else w
        for i, w in enumerate(words)
    ]
    named = [
        int(words[i + 1])
        for i, w in enumerate(words[:-1])
        if w in ("task", "todo", "item", "#", "number")
        and words[i + 1].isdigit()
        and len(words[i + 1]) <= 9
    ]
    if named:
        more = [int(w) for w in words if w.isdigit() and len(w) <= 9]
        return Reference(
            numbers=tuple(dict.fromkeys(more if len(more) <= len(named) + 3 else named)), text=text
        )
    content_words = [
        w for w in words if w not in lexicon.REFERENCE_STOPWORDS and w not in (",", "and", "&", "+")
    ]
    if len(content_words) > 1:
        # "I don't need the groceries task anymore, remove it": the words name it.
        words = [w for w in words if w not in ("it", "that", "this", "them", "those")]
    joined = " ".join(words).strip(" ,.!?")
    if not joined:
        return Reference(text=text)
    if joined in _PLURAL_BACK:
        return Reference(plural_back=True, text=text)
    if joined in _BACK or joined in ("the last one i added", "what i just added"):
        return Reference(back=True, text=text)
    content = [
        w for w in words if w not in lexicon.REFERENCE_STOPWORDS and w not in (",", "and", "&", "+")
    ]
    if content and all(
        w in ("all", "everything", "every", "each", "whole", "entire") for w in content
    ):
        return Reference(everything=True, text=text)
    numbers = [int(m.group(1)) for w in content if (m := _NUMBER.match(w))]
    if content and len(numbers) == len(content):
        return Reference(numbers=tuple(dict.fromkeys(numbers)), text=text)
    positions = _positions(content)
    if positions:
        return Reference(positions=positions, text=text)
    return Reference(words=tuple(content), text=text, parts=tuple(split_reference(tuple(words))))


def _positions(content: list[str]) -> tuple[int, ...]:
    """ "the second one" → (2,); "the first two" → (1, 2); "the last one" → (-1,);
    "first and third" → (1, 3). Empty when the words are not only positions."""
    ordinals = [lexicon.ORDINALS[w] for w in content if w in lexicon.ORDINALS]
    counts = [
        lexicon.NUMBER_WORDS[w]
        for w in content
        if w in lexicon.NUMBER_WORDS and w not in ("a", "an", "one")
    ]
    if not ordinals or len(ordinals) + len(counts) != len(content):
        return ()
    if counts and len(ordinals) == 1:
        count = counts[0]
        if ordinals[0] == -1:
            return tuple(range(-count, 0))
        return tuple(range(ordinals[0], ordinals[0] + count))
    return tuple(dict.fromkeys(ordinals))


def lemma(word: str) -> str:
    """A word without its plural or verb ending: "groceries" → "grocery",
    "called" → "call", "paid" → "pay", "emailing" → "email"."""
    word = word.lower().strip("'")
    if word.endswith("'s"):
        word = word[:-2]
    if word in lexicon.IRREGULAR_PAST:
        return lexicon.IRREGULAR_PAST[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("ied"):
        return word[:-3] + "y"
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix) and not word.endswith("ss"):
            stem = word[: -len(suffix)]
            if (
                suffix in ("ing", "ed")
                and len(stem) > 2
                and stem[-1] == stem[-2]
                and stem[-1] not in "ls"
            ):
                stem = stem[:-1]  # "dropped" → "drop"
            if suffix == "es" and not stem.endswith(("sh", "ch", "x", "s", "z", "o")):
                stem = word[:-1]
            return stem
    return word


def _word_fits(wanted: str, have: set[str], have_words: list[str]) -> bool:
    if wanted in have or lexicon.SYNONYMS.get(wanted, wanted) in have:
        return True
    if len(wanted) >= 4 and any(
        h.startswith(wanted) or (wanted.startswith(h) and len(h) >= 4) for h in have
    ):
        return True
    # A slip of the keyboard: "grocries", "pasport", "landlrod", "caled" (called).
    # Only between longer words: "moved" is no slip for "mom" + "ed".
    if len(wanted) >= 5:
        slips = 1 if len(wanted) < 8 else 2
        for h in have_words:
            if len(h) < 4:
                continue
            for form in (h, h + "ed", h + "s", h + "ing", h + "d", h + "es"):
                if DamerauLevenshtein.distance(wanted, form, score_cutoff=slips) <= slips:
                    return True
    # "bil" for "bill": a short word cut short.
    return len(wanted) == 3 and any(h.startswith(wanted) and len(h) == 4 for h in have_words)


def title_fits(words: tuple[str, ...], title: str) -> bool:
    """Whether every meaningful word of a reference is in the title."""
    wanted = [lemma(w) for w in words if w not in lexicon.REFERENCE_STOPWORDS]
    if not wanted:
        return False
    title_words = re.findall(r"[\w']+", title.lower())
    have = {lemma(w) for w in title_words} | set(title_words)
    raw = [w for w in words if w not in lexicon.REFERENCE_STOPWORDS]
    return all(
        _word_fits(lemma_word, have, title_words) or _word_fits(word, have, title_words)
        for lemma_word, word in zip(wanted, raw, strict=True)
    )


def find_by_title(words: tuple[str, ...], tasks: list[T]) -> list[T]:
    """The tasks whose titles hold every meaningful word of the reference."""
    return [task for task in tasks if title_fits(words, task.title)]


def split_reference(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A reference cut at "and", each part's meaningful words:
    "called mom and paid the bill" → ("mom",), ("paid", "bill")."""
    parts: list[list[str]] = [[]]
    for word in words:
        if word in ("and", "&", "plus"):
            parts.append([])
        elif word not in lexicon.REFERENCE_STOPWORDS:
            parts[-1].append(word)
    return [tuple(part) for part in parts if part]


def find_by_some_words(words: tuple[str, ...], tasks: list[T]) -> T | None:
    """The one task that some distinctive words of the reference fit, when they fit
    no other task: "grocery run done" → "Buy groceries". Verbs do not count ("I paid
    the rent" must not find "Pay the electricity bill")."""
    distinctive = [
        w
        for w in words
        if len(w) >= 4
        and w not in lexicon.REFERENCE_STOPWORDS
        and lemma(w) not in lexicon.TASK_VERBS
    ]
    fitting = [task for task in tasks if any(title_fits((w,), task.title) for w in distinctive)]
    return fitting[0] if len(fitting) == 1 else None
