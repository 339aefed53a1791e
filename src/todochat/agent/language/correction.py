# ruff: noqa: E501 -- pattern tables read best one pattern per line
"""Before the other stages: a request that corrects itself.

"delete task 2, oh wait no, I meant 8", "move the slides to thursday, no, friday",
"add sort the photos, low prio. actually make that medium priority": what follows
the correction replaces what it corrects — a task, a date or a priority — and the
rest of the request stands. A correction that cannot be placed is reported, so that
the agent asks rather than act on both versions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from todochat.agent.language.normalise import Token, Utterance, normalise, render
from todochat.agent.language.when import find_phrases

# ", no sorry,", "— oh wait no, I meant", ". actually make that", ", sorry I mean"
_MARKER = re.compile(
    r"(?:^|(?<=[,.;!-] ))(?:oh |um |hmm |err |erm )?"
    r"(?:(?:no(?! (?:rush|hurry|need|problem|worries|deadline|due|date|more|longer|priority|prio)\b)|nope|sorry|oops|wait|actually|scratch that|correction)(?: ,)? )+"
    r"(?:(?:i mean|i meant|i mean to say|make (?:it|that)|rather|not that|just|instead)(?: ,)? )*"
    r"|(?:^|(?<=[,.;!-] ))(?:sorry )?(?:i mean|i meant)(?: ,)? "
)
_COMMAND = re.compile(
    r"^(?:add|delete|remove|complete|mark|move|rename|change|set|make|put|remind me|show|list)\b"
)
_NUMBER = re.compile(r"^(?:task |number |no\. |# ?)?(\d{1,9})$")
_PRIORITY = re.compile(
    r"\b(?:low|medium|normal|high|urgent|top|critical|important)\b(?: priority| prio)?"
)


@dataclass(frozen=True)
class Corrected:
    """The request as meant; `unplaced` when a correction could not be applied."""

    message: str
    unplaced: bool = False


def apply_correction(utterance: Utterance) -> Corrected:
    """The request with its last self-correction applied (see the module docstring)."""
    found = None
    for match in _MARKER.finditer(utterance.text):
        if match.start() > 0 and match.end() < len(utterance.text):
            found = match
    if found is None:
        return Corrected(utterance.message)
    head_end, fix_start = utterance.token_range(found.start(), found.end())
    head = list(utterance.tokens[:head_end])
    while head and head[-1].kind == "punct":
        head.pop()
    fix = [t for t in utterance.tokens[fix_start:] if not (t.kind == "punct" and t.text in ".!")]
    fix_text = " ".join(t.word for t in fix)
    if not head or not fix:
        return Corrected(utterance.message)
    if _COMMAND.match(fix_text):
        # "add walk the dog, no wait, add feed the dog": the second request instead.
        return Corrected(render(fix))
    if _NUMBER.match(fix_text):
        replaced = _without_numbers(head)
    elif (fix_dates := find_phrases(normalise(render(fix)))) and fix_dates[0].first == 0:
        replaced = _without_dates(utterance, head)
    elif _PRIORITY.fullmatch(fix_text):
        replaced = _without_priority(head)
    else:
        return Corrected(utterance.message, unplaced=True)
    if replaced is None:
        return Corrected(utterance.message, unplaced=True)
    return Corrected(render([*replaced, *fix]))


def _without_numbers(head: list[Token]) -> list[Token] | None:
    numbers = [i for i, t in enumerate(head) if t.word.isdigit()]
    if not numbers:
        return None
    last = numbers[-1]
    start = last - 1 if last > 0 and head[last - 1].word in ("task", "number", "#", "no.") else last
    return head[:start] + head[last + 1 :]


def _without_dates(utterance: Utterance, head: list[Token]) -> list[Token] | None:
    spans = [w for w in find_phrases(utterance) if w.last <= len(head)]
    if not spans:
        return None
    last = spans[-1]
    first = (
        last.first - 1
        if last.first > 0 and head[last.first - 1].word in ("to", "for")
        else last.first
    )
    return head[:first] + head[last.last :]


def _without_priority(head: list[Token]) -> list[Token] | None:
    words = [t.word for t in head]
    for index in range(len(words) - 1, -1, -1):
        if _PRIORITY.fullmatch(words[index]):
            end = index + 1
            if end < len(words) and words[end] in ("priority", "prio"):
                end += 1
            return head[:index] + head[end:]
    return None
