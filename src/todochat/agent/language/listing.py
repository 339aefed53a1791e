# ruff: noqa: E501 -- pattern tables read best one pattern per line
"""Stage 3, slots (listing): which tasks a request to see them asks for.

A status for the tool (all, pending, completed), a search query, and what the agent
filters after: a due window ("overdue", "due tomorrow"), a day ("what's due friday?")
or a priority.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from todochat.agent.language import lexicon
from todochat.agent.language.intent import command_start
from todochat.agent.language.normalise import Utterance
from todochat.agent.language.slots import PRIORITY_ALIASES
from todochat.agent.language.when import find_when


@dataclass(frozen=True)
class ListFilter:
    """Which tasks to show: status for the tool; due window and priority filtered
    after; `query` words of titles."""

    status: str = "all"
    when: str | None = None
    priority: str | None = None
    query: str | None = None
    day: date | None = None
    # A label asked for in so many words: "#work", "tagged home", "labelled errands".
    label: str | None = None


_LABEL_ASKED = re.compile(
    r"(?:#|@) ?(?P<a>[^\W\d][\w/-]*)|\b(?:tagged|labell?ed|with (?:the )?(?:tag|label))(?: as| with)? (?:# ?)?(?P<b>[^\W\d][\w/-]*)"
)


def label_asked(text: str) -> str | None:
    """The label a listing names outright, if any."""
    match = _LABEL_ASKED.search(text)
    return (match.group("a") or match.group("b")) if match else None


_WHEN_FILTERS = (
    (re.compile(r"\b(?:overdue|late|past due|behind|missed)\b"), "overdue"),
    (re.compile(r"\b(?:today|tonight|today's)\b"), "today"),
    (re.compile(r"\b(?:tomorrow|tomorrow's)\b"), "tomorrow"),
    (re.compile(r"\b(?:this week|this week's|soon|coming up|upcoming)\b"), "this week"),
    (re.compile(r"\bnext week\b"), "next week"),
)
_QUERY = re.compile(
    r"\b(?:about|mentioning|mention|containing|contain|with the word|with|called|named|matching|related to|regarding|that say|that says|involving|for)\b (?P<q>.+)$|^(?:find|search(?: for)?|look for|look up|search my tasks for|any tasks? (?:about|with|for)) (?P<q2>.+)$"
)
_QUERY_NOISE = lexicon.word_set(
    """my the tasks task todos list any anything all please a an in on one ones stuff
        things items thing item it them title ?"""
)


# "including finished ones", "done and not done": every task.
_BOTH_STATES = re.compile(
    r"\b(?:(?:done|completed|finished|ticked)(?: ones| tasks| items)? (?:too|as well|also)|including|incl|as well as|both|and not done|done and|and finished|and completed|and done|and open|and pending|even (?:the )?(?:done|finished|completed))\b"
)


def read_list_filter(utterance: Utterance, timezone: str, now: datetime) -> ListFilter:
    """The filter a listing request asks for; "what's due friday?" filters by day."""
    found = _read_list_filter(utterance)
    label = label_asked(utterance.text)
    if label:
        found = ListFilter(
            status=found.status, when=found.when, priority=found.priority, label=label
        )
    if found.when is None and re.search(r"\b(?:due|on|for)\b", utterance.text):
        day = next((w.due for w in find_when(utterance, timezone, now) if w.due), None)
        if day is not None:
            status = "pending" if found.status == "all" else found.status
            return ListFilter(status, None, found.priority, found.query, day.date(), found.label)
    return found


def _read_list_filter(utterance: Utterance) -> ListFilter:
    start = command_start(utterance)
    body = utterance.words(start)
    when = next((name for pattern, name in _WHEN_FILTERS if pattern.search(body)), None)
    priority = None
    if (
        match := re.search(
            r"\b(low|high|urgent|important|critical|top|medium)(?:[ -]?(?:priority|prio))?\b", body
        )
    ) and re.search(r"\b(?:priority|prio|urgent|important|critical)\b", body):
        priority = PRIORITY_ALIASES.get(match.group(1))
    query = None
    if when is None and priority is None and (q := _QUERY.search(body)):
        words = [w for w in (q.group("q") or q.group("q2")).split() if w not in _QUERY_NOISE]
        while words and words[0] in (
            "about",
            "with",
            "for",
            "mentioning",
            "containing",
            "called",
            "named",
            "matching",
            "the",
            "regarding",
        ):
            words.pop(0)
        quoted = [t.text for t in utterance.tokens if t.kind == "quoted"]
        if quoted:
            words = [quoted[0]]
        words = [w for w in words if w not in ("?", "!", ".")]
        if words and not set(words) <= set(lexicon.STATUS_WORDS) | {
            "me",
            "do",
            "i",
            "have",
            "to",
            "left",
        }:
            query = " ".join(words)
    status = "all"
    body = re.sub(r"\b(?:todo|to do) list\b", "list", body)
    if _BOTH_STATES.search(body):
        return ListFilter(status="all", when=when, priority=priority, query=query)
    if re.search(
        r"\b(?:aren't|haven't|hasn't|isn't|not|didn't|yet to be|still to be)\b(?: \w+){0,2} (?:done|completed|finished|complete)\b",
        body,
    ):
        return ListFilter(status="pending", when=when, priority=priority, query=query)
    completed = re.search(
        r"\b(?:completed?|finished|done|did|accomplished|ticked off|checked off|closed)\b", body
    )
    pending = re.search(
        r"\b(?:pending|left|remaining|open|outstanding|incomplete|unfinished|still|to do|todo|not done|undone|active|upcoming|current|need to do|have to do|next|on my plate|plate)\b",
        body,
    )
    if completed and not re.search(r"\bnot (?:yet )?(?:done|completed|finished)\b", body):
        status = "completed"
    elif pending:
        status = "pending"
    if when or priority:
        status = "pending" if status == "all" else status
    if (
        re.search(
            r"\b(?:everything|all my|all of|whole list|entire list|all tasks|every task)\b", body
        )
        and status == "all"
    ):
        status = "all"
    return ListFilter(status=status, when=when, priority=priority, query=query)
