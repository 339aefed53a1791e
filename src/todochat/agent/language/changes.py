# ruff: noqa: E501 -- pattern tables read best one pattern per line
"""Stage 3, slots (changes): the words that name a task, and what to change in it.

"rename task 2 to call mum", "add a note to task 4: bring the x-rays", "bump task 6 to
high priority", "move the slides to friday", "remove the due date from task 3": the
value is read first, and the tokens that say it are left out of the task's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from todochat.agent.language import lexicon
from todochat.agent.language.intent import command_start
from todochat.agent.language.normalise import Token, Utterance, render
from todochat.agent.language.slots import FILLER, PRIORITY_ALIASES, PRIORITY_PHRASES, drop_pattern
from todochat.agent.language.when import find_when

_NOISE: dict[str, frozenset[str]] = {
    "complete": lexicon.word_set(
        """mark marked tick ticked check checked cross crossed strike struck off out complete
        completed finish finished close closed done sorted handled taken care of dealt with
        ready as is are was were has have been now all finally already i i've i'm am we
        we're just totally completely set to can you could would yes got through knocked
        knock wrap wrapped up over way 've did do 's today yay woohoo wohoo yesterday earlier
        finally literally you may might please"""
    ),
    "delete": lexicon.word_set(
        """delete deleted remove erase drop cancel scratch trash ditch bin scrap discard nuke
        get rid of forget about never mind strike kill axe lose take off from can you could
        would i don't do not need anymore no longer it's not needed necessary any more want
        going happening isn't actually just go be deleted removed dropped needed"""
    ),
    "show": lexicon.word_set(
        """what's what is show me tell about more details detail info information on of for
        open view describe status deal story with how did i have finish finished done
        complete completed yet still pending was the give can you could note notes
        description due date deadline priority when's when"""
    ),
    "reopen": lexicon.word_set(
        """reopen re-open uncomplete unmark untick mark as not done complete incomplete undone
        unfinished pending open actually yet after all is was"""
    ),
    "update": lexicon.word_set(
        """rename retitle reword edit change update modify set move push postpone reschedule
        delay defer bump prioritize prioritise deprioritize deprioritise lower raise flag
        make switch correct fix the priority of due date deadline title name description
        notes note details for to as on is should be needs now can you could would a an back
        out forward till until by it's isn't not has have no anymore add put attach stick
        leave write append comment description descriptions called say read typo in instead
        wording text upgrade downgrade escalate them wait mark give of when one done finished up
        completed ready actually really bring forward shift doing needs need repeat repeats
        repeating recur recurs recurring stop quit never longer once one-off off from now tag
        tags tagged label labels labelled labeled untag unlabel"""
    ),
}
_EXCLUSION = re.compile(
    r"(?<![\w'])(?:but not|except(?: for)?|excluding|apart from|besides|other than|not (?:task |#)?\d)"
)
_CLEAR_DUE = re.compile(
    r"(?:remove|clear|delete|drop|take off|get rid of|no|without|unset|scrap) (?:the |a |its |any )?(?:due date|deadline|date|due)|no (?:more )?(?:deadline|due date)|(?:deadline|due date) (?:removed|gone)|not due"
)
_STOP_REPEAT = re.compile(
    r"\b(?:stop|quit|don't|do not|no longer|never|not)\s+(?:repeat(?:ing|s)?|recurr?(?:ing|s)?)\b|\b(?:not|no longer)\s+(?:a\s+)?(?:repeating|recurring)(?:\s+task)?\b|\b(?:a\s+)?one[- ]off\b|\b(?:just|only) once\b"
)
# "tag task 3 work", "label it as home and q4", "tag the report with #work".
_TAG = re.compile(r"^(?:tag|label)\b")
_UNTAG = re.compile(r"^(?:untag|unlabel)\b")
# "add the work tag to task 2", "remove the #home label from the milk".
_TAG_NAMED = re.compile(
    r"\b(?P<verb>add|put|stick|remove|take|drop|delete|strip)(?: off)?(?: the| a| an)? (?:# ?)?(?P<name>[^\W\d][\w/-]*) (?:tag|label)\b"
)
_LABEL_WORD = re.compile(r"^#?[^\W\d][\w/-]*$")


def _read_tags(utterance: Utterance, start: int) -> tuple[Change, set[int]] | None:
    """A request to give or take off labels, or None when it is not one."""
    tokens = utterance.tokens
    body = utterance.words(start)
    if match := _TAG_NAMED.search(body):
        first, last = utterance.token_range(
            utterance.offsets[start] + match.start(), utterance.offsets[start] + match.end()
        )
        name = match.group("name")
        adding = match.group("verb") in ("add", "put", "stick")
        change = Change(add_labels=(name,)) if adding else Change(remove_labels=(name,))
        return change, set(range(first, last))
    adding = bool(_TAG.search(body))
    if not adding and not _UNTAG.search(body):
        return None
    # The names are the words at the end, after "as"/"with" or after the task's name:
    # "tag task 3 work and q4" → work, q4.
    names: list[str] = []
    used = {start}
    index = len(tokens) - 1
    while index > start:
        token = tokens[index]
        if token.word in ("as", "with"):
            used.add(index)
            break
        if token.text in (",", "&", "#", "@") or token.word == "and":
            used.add(index)
        elif token.kind == "word" and _LABEL_WORD.match(token.text) and not token.text.isdigit():
            if token.word in ("it", "that", "this", "them", "task", "one"):
                break
            names.insert(0, token.text)
            used.add(index)
            before = tokens[index - 1] if index - 1 > start else None
            joined = before is not None and (
                before.text in (",", "&", "#", "@") or before.word in ("and", "as", "with")
            )
            if not joined:
                break
        else:
            break
        index -= 1
    if not names:
        return Change(problem="label"), used
    change = Change(add_labels=tuple(names)) if adding else Change(remove_labels=tuple(names))
    return change, used


_REPEAT_WORDS = re.compile(r"\b(?:repeat(?:s|ing)?|recurr?(?:s|ing)?|from now on)\b")
_RAISE = re.compile(r"^(?:prioriti[sz]e|bump|raise|escalate)\b")
_LOWER = re.compile(
    r"^(?:deprioriti[sz]e|lower|downgrade)\b|(?:isn't|is not|not|no longer|aren't)(?: that| so| very| really)? (?:urgent|important|a priority)|less (?:urgent|important)|can wait"
)
_TITLE_CHANGE = re.compile(r"^(?:rename|retitle|reword|call)\b|(?:title|name|wording|text)\b")
_NOTE_ADD = re.compile(
    r"\b(?:add|put|attach|stick|leave|write|append)(?: a| an| some| the| this)? (?:note|notes|details|comment|detail)\b|^note (?:on|for|to)\b|\bnote\s*:|\b(?:add|append) to .+ (?:notes|description|details)"
)
_DESCRIPTION_SET = re.compile(r"\b(?:description|notes?|details|comment)\b|^describe\b")


@dataclass(frozen=True)
class Change:
    """What an update sets. `due_clear` removes the due date; `append` adds the
    description to the task's notes instead of replacing them."""

    title: str | None = None
    description: str | None = None
    append: bool = False
    priority: str | None = None
    due: datetime | None = None
    due_clear: bool = False
    # How it should repeat, in the user's words ("every friday"), or "never".
    repeat: str | None = None
    add_labels: tuple[str, ...] = ()
    remove_labels: tuple[str, ...] = ()
    problem: str | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.title
            or self.description
            or self.priority
            or self.due
            or self.due_clear
            or self.repeat
            or self.add_labels
            or self.remove_labels
        )


@dataclass(frozen=True)
class Target:
    """The words naming the task(s), in normalised and in the user's own form."""

    words: list[str]
    text: str


def read_target(utterance: Utterance, kind: str, skip: set[int] | None = None) -> Target:
    """The words of a request that name its task: everything but the command words
    of `kind` ("complete", "delete", "show", "reopen", "update") and filler."""
    noise = _NOISE[kind]
    keep = [i >= command_start(utterance) for i in range(len(utterance.tokens))]
    drop_pattern(utterance, FILLER, keep)
    for first, _last, _ in utterance.finditer(_EXCLUSION):
        if first > command_start(utterance):
            # "delete task 7 and task 8 but not 9": what follows is not meant.
            for later in range(first, len(keep)):
                keep[later] = False
            break
    chosen = [
        t
        for i, t in enumerate(utterance.tokens)
        if keep[i]
        and (skip is None or i not in skip)
        and (t.kind == "quoted" or (t.word not in noise and t.kind == "word") or t.text in ",&#")
    ]
    # A quoted title is matched word by word: "change 'Buy groceries' to …".
    words = [
        w for t in chosen for w in (t.text.lower().split() if t.kind == "quoted" else [t.word])
    ]
    while words and words[-1] in (",", "&", "and"):
        words.pop()
        chosen.pop()
    return Target(words, render(chosen))


def read_change(utterance: Utterance, timezone: str, now: datetime) -> tuple[Change, set[int]]:
    """What an update request changes, and the tokens that say it (so that they are
    not read as part of the task's name)."""
    change, used = _read_change(utterance, timezone, now)
    if change.priority:
        # "the passport is important, make it high priority": every priority word
        # is about the change, none names the task.
        for pattern in (*(p for p, _, _ in PRIORITY_PHRASES), _LOWER):
            for first, last, _ in utterance.finditer(pattern):
                used.update(range(first, last))
    return change, used


def _read_change(utterance: Utterance, timezone: str, now: datetime) -> tuple[Change, set[int]]:
    text = utterance.text
    tokens = utterance.tokens
    start = command_start(utterance)
    body = utterance.words(start)
    used: set[int] = set()
    if _NOTE_ADD.search(body) or _DESCRIPTION_SET.search(body):
        split = (
            _first_marker(utterance, start, (":", "→", "saying", "says", "-"))
            or _value_split(utterance, start, ("to", "as", "with", "be"), after_reference=True)
            # "for the slides add a note use the new template"
            or _first_marker(utterance, start, ("note", "notes", "comment"))
        )
        if split is not None:
            value = _value_text(list(tokens[split + 1 :]))
            used.update(range(split, len(tokens)))
            if value:
                return Change(description=value, append=bool(_NOTE_ADD.search(body))), used
        return Change(problem="description"), used
    tagged = _read_tags(utterance, start)
    if tagged is not None:
        return tagged
    if _STOP_REPEAT.search(body):
        for first, last, _ in utterance.finditer(_STOP_REPEAT):
            used.update(range(first, last))
        return Change(repeat="never"), used
    every_when = find_when(utterance, timezone, now)
    if any(w.recurring for w in every_when):
        # "make the rent repeat on the 1st of each month", "water plants every 3 days
        # from now on": the repeat, with any day or time said beside it.
        used.update(i for w in every_when for i in w.tokens)
        for first, last, _ in utterance.finditer(_REPEAT_WORDS):
            used.update(range(first, last))
        return Change(repeat=" ".join(utterance.words(w.first, w.last) for w in every_when)), used
    whens = [w for w in every_when if not w.recurring]
    if _CLEAR_DUE.search(text):
        for first, last, _ in utterance.finditer(_CLEAR_DUE):
            used.update(range(first, last))
        return Change(due_clear=True), used
    explicit = re.search(
        r"(?:\b(?:to|as|at|on|be)|:|→) (?:a |an )?(low|medium|normal|high|urgent|top|critical|important)(?:[ -]?(?:priority|prio))?(?: instead(?: of (?:a |an )?\w+(?: priority| prio)?)?)?(?: [.!?])*$",
        body,
    )
    if explicit:
        first, last = utterance.token_range(
            utterance.offsets[start] + explicit.start(1), utterance.offsets[start] + explicit.end()
        )
        used.update(range(first, last))
        return Change(priority=PRIORITY_ALIASES[explicit.group(1)]), used
    if whens and re.search(r"\bcan wait\b", body):
        used.update(whens[0].tokens)  # "the Alex one can wait until next wednesday"
        return Change(due=whens[0].due), used
    if _LOWER.search(body):
        for first, last, _ in utterance.finditer(_LOWER):
            used.update(range(first, last))
        for pattern, _fixed, _anywhere in PRIORITY_PHRASES:
            for first, last, _ in utterance.finditer(pattern):
                used.update(range(first, last))
        return Change(priority="low"), used
    for pattern, fixed, _anywhere in PRIORITY_PHRASES:
        for first, last, match in utterance.finditer(pattern):
            named = match.groupdict().get("p")
            priority = fixed or PRIORITY_ALIASES.get(named or "", "high")
            if _LOWER.search(body) and priority in ("urgent", "high") and not named:
                priority = "low"
            used.update(range(first, last))
            change = Change(priority=priority)
            if whens:
                used.update(whens[0].tokens)
                change = Change(priority=priority, due=whens[0].due)
            return change, used
    priority_word = re.search(
        r"\b(?:make|mark|set|flag|bump|raise|lower|change)\b.* (?:to |as )?(?:a |an )?(low|medium|normal|high|urgent|top|critical|important)$",
        body,
    )
    if priority_word:
        first, last = utterance.token_range(
            utterance.offsets[start] + priority_word.start(1),
            utterance.offsets[start] + priority_word.end(1),
        )
        used.update(range(first, last))
        return Change(priority=PRIORITY_ALIASES[priority_word.group(1)]), used
    if _LOWER.search(body):
        return Change(priority="low"), used
    if _RAISE.search(body):
        return Change(priority="high"), used
    if whens:
        used.update(whens[0].tokens)
        return Change(due=whens[0].due), used
    if (
        _TITLE_CHANGE.search(body)
        or re.match(r"^(?:change|edit|update|call)\b", body)
        or re.search(r"should (?:be called|say|read)", body)
    ):
        split = _first_marker(
            utterance, start, (":", "→", "called", "say", "read")
        ) or _value_split(utterance, start, ("to", "as", "into"), after_reference=True)
        quoted = [i for i in range(start, len(tokens)) if tokens[i].kind == "quoted"]
        if split is None and len(quoted) == 1:
            # "call task 1 'Weekly shop' instead": the quoted words are the new title.
            used.update(range(quoted[0], len(tokens)))
            return Change(title=_capitalised(tokens[quoted[0]].text)), used
        if split is not None:
            value_tokens = [t for t in tokens[split + 1 :] if t.word not in ("instead", "please")]
            value_tokens = (
                value_tokens[:1]
                if value_tokens and value_tokens[0].kind == "quoted"
                else value_tokens
            )
            value = (
                value_tokens[0].text
                if len(value_tokens) == 1 and value_tokens[0].kind == "quoted"
                else render(value_tokens)
            )
            value = value.strip(" \"'")
            used.update(range(split, len(tokens)))
            if value:
                return Change(title=_capitalised(value)), used
        return Change(problem="title"), used
    return Change(), used


def _value_text(value_tokens: list[Token]) -> str:
    """A new value in the user's own words: a quoted phrase without its quotes, no
    full stop at the end."""
    while value_tokens and value_tokens[-1].kind == "punct" and value_tokens[-1].text in ".!":
        value_tokens.pop()
    if len(value_tokens) == 1 and value_tokens[0].kind == "quoted":
        return value_tokens[0].text
    return render(value_tokens).strip(" \"'")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _first_marker(utterance: Utterance, start: int, markers: tuple[str, ...]) -> int | None:
    """The first of `markers` after the command, if any follows a word."""
    for index in range(start + 1, len(utterance.tokens) - 1):
        if utterance.tokens[index].word in markers:
            return index
    return None


def _value_split(
    utterance: Utterance, start: int, markers: tuple[str, ...], *, after_reference: bool
) -> int | None:
    """The token that separates the task's name from the new value: the first marker
    after a number or a title word ("rename task 2 to call mum")."""
    tokens = utterance.tokens
    seen_reference = not after_reference
    for index in range(start + 1, len(tokens)):
        token = tokens[index]
        if token.word in markers and seen_reference and index + 1 < len(tokens):
            return index
        if (
            token.kind in ("word", "quoted")
            and token.word not in _NOISE["update"]
            and token.word not in ("task", "the", "my", "of", "a")
        ):
            seen_reference = True
        if token.word.isdigit() or token.word in ("it", "that", "this"):
            seen_reference = True
    return None
