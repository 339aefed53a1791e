# ruff: noqa: E501 -- pattern tables read best one pattern per line
"""Stage 3, slots (new tasks): the tasks an add request asks for. `changes` reads
what to change in a task, `listing` what to list; the filler and priority phrases
here are shared with them.

A new task's title is what remains of the user's own words once the command words,
the date and time, the priority and the filler are taken out. Words left over that
look like a date or time but could not be read make the agent ask instead of saving
them; a repeat ("every monday") is reported as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from todochat.agent.language import lexicon
from todochat.agent.language.intent import command_start
from todochat.agent.language.normalise import Token, Utterance, render
from todochat.agent.language.when import When, find_when, timelike_words

# fmt: off
_ADD_PREFIX = re.compile(
    r"^(?:"
    r"\+ "
    r"|(?:todo|task|note|reminder|note to self|new task|new|to do|new todo) ?[:-]"
    r"|(?:so |and |but )?(?:i )?(?:need to remember|gotta remember|have to remember|must remember|should remember)(?: (?:to|that i need to|about))?"
    r"|(?:that |so |and |but )?(?:i|we) (?:really |also |still |definitely |probably |just |will |'ll |do )*(?:need|have|must|should|gotta|got|want|ought|'d like|would like|'ve got|will need|'ll need|has)(?: really| definitely| also| probably| still)?(?: to)?(?: remember to| add| create| go and)?"
    r"|(?:i'd|i'll|we'd|we'll|i've|we've) (?:really )?(?:like|love|need|have|got|gotta|want)(?: to)?(?: add| create| remember to)?"
    r"|(?:need|have|gotta|got|must|should) to|gotta|must"
    r"|(?:please )?(?:can you |could you |would you )?(?:add|create|make|put|save|jot|write|note|log|schedule|insert|set up|set|new|remember|stick|pop|throw|chuck)(?: down| up| in)?(?: that)?"
    r"(?: (?:a|an|another|one more|the|this|new|some|me|us|these|those|following|the following|two|three|few|couple of|quick))*(?: new)?(?: (?:task|tasks|todo|todos|item|items|reminder|entry|note|one|thing|things))?(?: (?:called|named|titled|saying|that says|to|for|about|of|:|-))*(?: to)?"
    r"|(?:please )?remind me(?: (?:to|about|of|that i (?:need|have|must|should) to|that))?"
    r"|(?:don't|do not) (?:let me )?forget(?: (?:to|about))?"
    r"|(?:i )?(?:need to remember|gotta remember|have to remember|must remember)(?: (?:to|that i need to|about))?"
    r"|(?:todo|task|note|reminder|note to self|new task|new|to do|new todo) ?[:-]"
    r"|(?:i have|i've got|i got|there's|got) (?:a |an |my |the )?"
    r")(?![\w'])(?: to(?![\w']))?\s*"
)
# "I would like that you add …", "I want you to add …"
_POLITE_PREFIX = re.compile(
    r"^(?:(?:i|we) (?:would|'d) like (?:that |for )?(?:you|u) (?:to )?|(?:i|we) (?:want|need) (?:that )?(?:you|u) (?:to )?|(?:i'd|we'd) like (?:that |for )?(?:you|u) (?:to )?)(?=(?:please |pls )?(?:add|put|create|make|note|remind|write|save)\b)"
)
# What is left of "I'd like to add a task to …" once "I'd like to add" is out.
_TASK_WORDS = re.compile(
    r"^(?:(?:a|an|another|one more|the|new) )+(?:task|todo|item|reminder|note|entry)(?: (?:called|named|titled|saying|to|for|about|:|-))*\s*"
)
# Inside an add request: "… that I need to", "remind me to", "remember to".
_INNER_PREFIX = re.compile(
    r"^(?:that )?(?:(?:i|we) (?:really |also |still |definitely |probably |just )*(?:need|have|must|should|gotta|got|want|ought)(?: to)?"
    r"|remind me(?: to| about| of)?|remember(?: to)?|(?:i'd|i'll|we'd|we'll|i've|we've) (?:like|love|need|have|got|want)(?: to)?)(?![\w'])(?: to(?![\w']))?\s*"
)
_ADD_SUFFIX = re.compile(
    r"(?:,|\.|;|-)?\s*(?:so |and |can you |could you |please |pls )*(?:add|put|save|note|create|write|jot|stick|pop) (?:it|this|that|them)(?: down| in| for me| as a task| as a todo| (?:on|to|in|onto) (?:my|the) (?:todo |to do |to-do )?list)?\s*[.!?]?$"
)
FILLER = re.compile(
    r"(?<![\w'])(?:(?:to|on|onto|in|into|for|under) (?:my|the|our) (?:todo |to-do |to do |task |tasks |shopping |grocery )?(?:list|tasks|todos|todo list|agenda)(?: (?:please|pls))?"
    r"|(?:on|in|onto) there|rn|please|lol|lmao|haha|hehe|thanks|thank you|for me|too(?= *$)|as well(?= *$)|if you can|if possible|if you could|kindly|real quick|quickly|btw|thx|cheers|ok\?|okay\?|as a task|as a todo|as a reminder"
    r"|at some point|sometime soon|sometime|some time|someday|eventually|later on|later|one of these days)(?![\w'-])"
)
PRIORITY_PHRASES: tuple[tuple[re.Pattern[str], str | None, bool], ...] = tuple(
    (re.compile(rf"(?<![\w'-])(?:{pattern})(?![\w'-])"), fixed, anywhere)
    for pattern, fixed, anywhere in (
        (r"(?:with |as |at |in )?(?:a |an )?(?:(?:very|really|super) )?(?P<p>low|medium|normal|high|urgent|top|highest|critical|lowest)[ -]?(?:priority|prio|pri)(?: task| item)?", None, True),
        (r"(?:with )?(?:priority|prio)\s*[:=]?\s*(?P<p>low|medium|normal|high|urgent)", None, True),
        (r"(?:(?:very|super|really) )?(?P<p>important|urgent|critical)(?= (?:task|one|todo|item|reminder|thing)\b)", None, True),
        (r"asap|as soon as possible|urgently|right away|immediately|right now", "urgent", True),
        (r"not urgent|no rush|no hurry|not important|low key|whenever(?: i can| i get a chance| i have time| you can)?", "low", True),
        (r"(?:(?:it's|its|it is|this is|that's|thats|very|super|really|extremely|quite) )*(?:super important|very important|really important|extremely important)", "urgent", False),
        (r"(?:(?:it's|its|it is|this is|that's|thats|very|super|really|extremely) )*(?P<p>urgent|critical|important)", None, False),
    )
)
# fmt: on
PRIORITY_ALIASES = {**lexicon.PRIORITY_WORDS, "normal": "medium", "lowest": "low"}
_SEPARATORS = frozenset([",", ";", "and", "&", "also", "plus", "then", "and also", "/", "+"])
_EDGE_WORDS = frozenset(
    ["to", "and", "also", "then", "that", "so", "by", "on", "at", "for", "in", "due", "is",
     "it's", "its", "it", "with", "-", ",", ";", ":", ".", "!", "?", "about", "called", "named",
     "titled", "saying", "plus", "&", "the", "a", "an", "oh", "maybe", "like", "both", "each"]
)  # fmt: skip
# "add by new shoes" is a typo for "buy": a title may start with "by".
_LEADING_EDGE = _EDGE_WORDS - {"by"}
_KEEP_TRAILING = frozenset(["it", "the", "a", "an", "up", "out", "in", "on", "off", "over"])
# Words of an add command that never make a title on their own ("add a task").
_NOT_A_TITLE = lexicon.word_set(
    """a an the another new task tasks todo todos item items reminder entry note thing things
    to for called named titled me us this that some both each"""
)
_SYMBOLS = set(",.;:!?'-()&#/%$@+\"")


@dataclass(frozen=True)
class NewTask:
    """One task to add, as the user described it."""

    title: str
    priority: str | None = None
    due: datetime | None = None
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewTasks:
    """What an add request holds; `problem` says why the agent must ask instead."""

    tasks: list[NewTask] = field(default_factory=list)
    problem: str | None = None
    recurring: bool = False
    # How it repeats, in the user's words with any day or time said beside them
    # ("every weekday at 9"): the add_task tool reads it.
    repeat: str | None = None


def read_new_tasks(
    utterance: Utterance, timezone: str, now: datetime, *, start: int | None = None
) -> NewTasks:
    """The tasks an add request asks for (see the module docstring); `start` is where
    the request begins when a story comes before it."""
    tokens = list(utterance.tokens)
    keep = [True] * len(tokens)
    for index in range(command_start(utterance)):
        keep[index] = False
    drop_pattern(utterance, FILLER, keep)
    _drop_kept_end(utterance, keep, _ADD_SUFFIX)
    for index, token in enumerate(tokens):
        if token.kind == "punct" and token.text not in _SYMBOLS:
            keep[index] = False  # emoji and other symbols
    hashtags = take_hashtags(utterance, keep)
    whens = [w for w in find_when(utterance, timezone, now) if all(keep[i] for i in w.tokens)]
    in_whens = {i for w in whens for i in w.tokens}
    for index in range(start or 0):
        if index not in in_whens:
            keep[index] = False
    recurring = any(w.recurring for w in whens)
    repeat = " ".join(utterance.words(w.first, w.last) for w in whens) if recurring else None
    if any(w.due is None and not w.recurring for w in whens):
        first = next(w for w in whens if w.due is None and not w.recurring)
        return NewTasks(problem="leftover:" + utterance.words(first.first, first.last))
    for when in whens:
        for index in when.tokens:
            keep[index] = False
    opening_priority = _take_opening_priority(utterance, keep) or _take_adjective_priority(
        utterance, keep
    )
    # The command words ("add", "remind me to", "I need to", "note:"), then those of a
    # request inside the request ("write down that I need to …").
    for pattern in (_POLITE_PREFIX, _ADD_PREFIX, _INNER_PREFIX, _INNER_PREFIX, _TASK_WORDS):
        found = _match_kept(utterance, keep, pattern)
        if not found:
            continue
        for index in found:
            keep[index] = False
        restorable = [i for i in found[1:] if tokens[i].word not in _NOT_A_TITLE]
        if not any(keep) and restorable:
            # "add one": the words after the verb are the title after all.
            for index in restorable:
                keep[index] = True
            break
    priority = _take_priority(utterance, keep) or opening_priority
    parts = _split_tasks(tokens, keep, whens)
    tasks: list[NewTask] = []
    for part, due in parts:
        words = [tokens[i].word for i in part if tokens[i].kind == "word"]
        if leftover := timelike_words(words):
            return NewTasks(problem=f"leftover:{' '.join(leftover)}")
        if "priority" in words or "prio" in words:
            return NewTasks(problem="priority")
        title = _title(tokens, part)
        if title:
            tasks.append(NewTask(title, priority, due, hashtags))
    return NewTasks(tasks, recurring=recurring, repeat=repeat)


def take_hashtags(utterance: Utterance, keep: list[bool]) -> tuple[str, ...]:
    """Labels written "#home" or "@errands" (the sign against a word), taken out of
    the title: "buy milk #errands" is "Buy milk", labelled errands."""
    tokens = utterance.tokens
    found: list[str] = []
    for index, token in enumerate(tokens[:-1]):
        following = tokens[index + 1]
        touching = token.end == following.start  # in what was typed: "#home", not "# home"
        if (
            token.text in ("#", "@")
            and touching
            and following.kind == "word"
            and re.search(r"[^\W\d]", following.text)
        ):
            found.append(following.text)
            keep[index] = keep[index + 1] = False
    return tuple(found)


_OPENING_PRIORITY = re.compile(
    r"^(?:(?:super |very |really )?(?P<p>urgent|important|critical)|(?P<q>low|high|medium|normal|top) (?:priority|prio)|asap) ?[:-] "
)


def _take_opening_priority(utterance: Utterance, keep: list[bool]) -> str | None:
    """ "important: add …", "low priority - …": the priority that opens the request."""
    found = _match_kept(utterance, keep, _OPENING_PRIORITY)
    if not found:
        return None
    words = {utterance.tokens[i].word for i in found}
    for index in found:
        keep[index] = False
    if "asap" in words:
        return "urgent"
    if words & {"super", "very", "really"}:
        return "urgent"
    # "top priority" names its level; "urgent:" is the word itself.
    levels: list[str] = ["top", "low", "medium", "normal", "high", *sorted(words)]
    named = next((w for w in levels if w in words and w in PRIORITY_ALIASES), "high")
    return PRIORITY_ALIASES[named]


def _drop_kept_end(utterance: Utterance, keep: list[bool], pattern: re.Pattern[str]) -> None:
    """Drop the kept tokens that `pattern` (anchored with `$`) matches at the end of
    what is kept: ", add it" once "please" is out."""
    kept = [i for i, k in enumerate(keep) if k]
    text = ""
    starts: list[int] = []
    for index in kept:
        starts.append(len(text))
        text += utterance.tokens[index].word + " "
    match = pattern.search(text.rstrip())
    if match is None:
        return
    for index, start in zip(kept, starts, strict=True):
        if start >= match.start() or start + len(utterance.tokens[index].word) > match.start():
            keep[index] = False


_ADJECTIVE_PRIORITY = re.compile(
    r"(?<![\w'-])(?:(?P<very>very|super|really) )?(?P<p>important|urgent|critical|top priority|high priority|low priority)(?= (?:task|one|todo|item|reminder|thing)\b)"
)


def _take_adjective_priority(utterance: Utterance, keep: list[bool]) -> str | None:
    """ "add an important task: …": the priority said of the task itself."""
    for first, last, match in utterance.finditer(_ADJECTIVE_PRIORITY):
        if all(keep[i] for i in range(first, last)):
            for index in range(first, last):
                keep[index] = False
            word = match.group("p").split()[0]
            return "urgent" if match.group("very") else PRIORITY_ALIASES.get(word, "high")
    return None


def _match_kept(utterance: Utterance, keep: list[bool], pattern: re.Pattern[str]) -> list[int]:
    """The kept tokens that `pattern` matches at the start of what is kept."""
    kept = [i for i, k in enumerate(keep) if k]
    while kept and utterance.tokens[kept[0]].kind == "punct":
        keep[kept.pop(0)] = False  # "friday: add …" once the date is out
    text = ""
    starts: list[int] = []
    for index in kept:
        starts.append(len(text))
        text += utterance.tokens[index].word + " "
    match = pattern.match(text)
    if match is None or match.end() == 0:
        return []
    return [
        index
        for index, start in zip(kept, starts, strict=True)
        if start < match.end() and text[start : match.end()].strip()
    ]


def drop_pattern(utterance: Utterance, pattern: re.Pattern[str], keep: list[bool]) -> None:
    for first, last, _ in utterance.finditer(pattern):
        for index in range(first, last):
            keep[index] = False


def _take_priority(utterance: Utterance, keep: list[bool]) -> str | None:
    """The priority the request names, its words taken out of the title. A bare
    "urgent" or "important" counts only at an edge of the request ("urgent: …",
    "…, it's urgent"), not inside a title ("prepare important documents")."""
    kept = [i for i, k in enumerate(keep) if k]
    if not kept:
        return None
    found: str | None = None
    for pattern, fixed, anywhere in PRIORITY_PHRASES:
        for first, last, match in utterance.finditer(pattern):
            if not all(keep[i] for i in range(first, last)):
                continue
            at_edge = (
                first == kept[0]
                or all(utterance.tokens[i].kind == "punct" for i in kept if i >= last)
                or (first > 0 and utterance.tokens[first - 1].text in ",;-(")
                or (last < len(keep) and utterance.tokens[last].text in ":-")
            )
            if not anywhere and not at_edge:
                continue
            for index in range(first, last):
                keep[index] = False
            named = match.groupdict().get("p")
            found = found or fixed or PRIORITY_ALIASES.get(named or "", "high")
    return found


def _split_tasks(
    tokens: list[Token], keep: list[bool], whens: list[When]
) -> list[tuple[list[int], datetime | None]]:
    """The kept tokens cut into one list per task, each with its due date.

    Quoted items are tasks of their own. Otherwise the request splits at commas and
    "and" only where each piece reads as a task of its own: every piece starts with
    a verb ("call the plumber and book flights"), or none does and each is a short
    item ("milk, eggs and bread"). "buy milk and eggs" stays one task."""
    due_at = {i: w for w in whens if not w.recurring for i in w.tokens}
    for index in due_at:
        keep[index] = False
    kept = [i for i, k in enumerate(keep) if k]
    quoted = [i for i in kept if tokens[i].kind == "quoted"]
    others = [i for i in kept if tokens[i].kind != "quoted" and tokens[i].word not in _SEPARATORS]
    whole_due = whens[0].due if whens and not whens[0].recurring else None
    if quoted and not others:
        return [([i], whole_due) for i in quoted]
    pieces: list[list[int]] = [[]]
    for index in kept:
        if tokens[index].word in _SEPARATORS and tokens[index].kind != "quoted":
            if pieces[-1]:
                pieces.append([])
            continue
        pieces[-1].append(index)
    pieces = [p for p in pieces if _content(tokens, p)]
    if len(pieces) <= 1:
        return [(kept, whole_due)]
    verbs = [_opens_with_verb(tokens, _content(tokens, p)) for p in pieces]
    short = all(len(_content(tokens, p)) <= 4 for p in pieces)
    first_words = " ".join(tokens[i].word for i in pieces[0][:3])
    if _TRIP.match(first_words) and not all(
        tokens[_content(tokens, p)[0]].word in lexicon.TASK_VERBS and len(_content(tokens, p)) > 2
        for p in pieces[1:]
    ):
        # "go to the bank and post office": places on one trip, one task.
        return [(kept, whole_due)]
    if all(verbs) or (not any(verbs) and short):
        return [(piece, _due_of(piece, whens, due_at, whole_due)) for piece in pieces]
    if verbs[0] and any(verbs[1:]):
        # "buy milk, eggs and bread, and call mom": items stay with their verb.
        grouped: list[list[int]] = []
        for piece, is_verb in zip(pieces, verbs, strict=True):
            if is_verb or not grouped:
                grouped.append(list(piece))
            else:
                grouped[-1].extend(piece)
        return [(piece, _due_of(piece, whens, due_at, whole_due)) for piece in grouped]
    return [(kept, whole_due)]


_DETERMINERS = lexicon.word_set(
    "the a an my our your his her their some this that these those up out off"
)


_TRIP = re.compile(r"^(?:go|drive|walk|head|pop|stop|run|swing) (?:to|by|into|past)\b")


def _opens_with_verb(tokens: list[Token], content: list[int]) -> bool:
    """Whether a piece reads as an action: a known verb first ("book flights"), or a
    word followed by a determiner ("descale the kettle")."""
    if not content:
        return False
    first = tokens[content[0]].word
    if first in lexicon.TASK_VERBS:
        return True
    following = content[0] + 1
    return (
        following < len(tokens)
        and tokens[following].word in _DETERMINERS
        and first not in _DETERMINERS
    )


def _content(tokens: list[Token], piece: list[int]) -> list[int]:
    return [i for i in piece if tokens[i].word not in _EDGE_WORDS and tokens[i].kind != "punct"]


def _due_of(
    piece: list[int], whens: list[When], due_at: dict[int, When], whole: datetime | None
) -> datetime | None:
    """A piece's own date if one stands right after it, else the request's."""
    if not piece:
        return whole
    end = piece[-1]
    for when in whens:
        if not when.recurring and when.first in (end + 1, end + 2):
            return when.due
    return whole if len([w for w in whens if not w.recurring]) <= 1 else None


def _title(tokens: list[Token], piece: list[int]) -> str:
    """The title of a piece: its own words, edges trimmed, first letter capitalised."""
    chosen = [tokens[i] for i in piece]
    while chosen and (chosen[0].word in _LEADING_EDGE or chosen[0].kind == "punct"):
        if chosen[0].kind == "quoted":
            break
        chosen.pop(0)
    while (
        chosen
        and chosen[-1].kind != "quoted"
        and (
            (chosen[-1].kind == "punct" and chosen[-1].text not in ")%")
            or (chosen[-1].word in _EDGE_WORDS and chosen[-1].word not in _KEEP_TRAILING)
        )
    ):
        chosen.pop()
    text = chosen[0].text if len(chosen) == 1 and chosen[0].kind == "quoted" else render(chosen)
    text = re.sub(r"\s*\(\s*\)", "", text).strip()  # "(medium priority)" taken out
    return text[:1].upper() + text[1:]
