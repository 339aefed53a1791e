# ruff: noqa: E501 -- pattern tables read best one pattern per line
"""Stage 2: what the user wants done, scored over the whole sentence.

Each cue is a pattern over the normalised words and the intent it speaks for, with a
weight. Every cue found anywhere counts; one at the start of the request (after "ok",
"pls", "can you" …) counts half again. A cue right after a negation ("don't delete
…") counts against its intent instead. The best total wins; when the two best are
close, the agent asks which one was meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from todochat.agent.language import lexicon
from todochat.agent.language.normalise import Utterance
from todochat.agent.language.when import find_phrases


class Intent(StrEnum):
    ADD = "add"
    LIST = "list"
    SHOW = "show"
    COMPLETE = "complete"
    DELETE = "delete"
    UPDATE = "update"
    REOPEN = "reopen"
    GREET = "greet"
    THANK = "thank"
    HELP = "help"


@dataclass(frozen=True)
class Cue:
    intent: Intent
    pattern: re.Pattern[str]
    weight: float


_TASKS = r"(?:tasks?|todos?|items?|reminders?|list|todo list|to do list|stuff|things|chores)"
_DONE = r"(?:done|complete|completed|finished|sorted|handled|ticked off|checked off|crossed off|taken care of|dealt with|over with|out of the way)"
_PAST = "|".join(sorted(lexicon.IRREGULAR_PAST, key=len, reverse=True))
_TASK_VERB = "|".join(sorted(lexicon.TASK_VERBS, key=len, reverse=True))


def _cue(intent: Intent, pattern: str, weight: float) -> Cue:
    return Cue(intent, re.compile(rf"(?<![\w'-])(?:{pattern})(?![\w'-])"), weight)


# fmt: off
CUES: tuple[Cue, ...] = (
    # Adding.
    _cue(Intent.ADD, r"add|create|new task|new todo|new reminder|jot(?: down)?|write down|note down|put down|log|schedule|save", 3),
    _cue(Intent.ADD, r"^\+(?= )", 5),
    _cue(Intent.ADD, r"remind me|set a reminder|make a reminder|don't (?:let me )?forget|do not forget|remember to|need to remember|gotta remember", 3.5),
    _cue(Intent.ADD, r"^(?:todo|task|note|reminder|note to self|new task|new|to do|(?:super |very |really )?(?:urgent|important|critical)|(?:low|high|medium|top|normal) (?:priority|prio)|asap) ?[:-]", 4),
    _cue(Intent.ADD, r"^(?:i'd|i'll|we'd|we'll|i've|we've) (?:like to|love to|need to|have to|got to|gotta|want to)\b|^i'd like to add|^(?:put|stick|pop|throw|chuck|whack)\b", 3),
    _cue(Intent.ADD, r"^(?:i|we) (?:really |also |still |definitely |probably |just |will |'ll )*(?:need|have|must|should|gotta|got|want|ought|'d like|would like|'ve got|has) to\b", 2.5),
    _cue(Intent.ADD, r"(?:, |^|(?<=\bso )|(?<=\band )|(?<=\bbut ))(?:i|we) (?:really |also |still |definitely )*(?:need|have|must|gotta|got|should) to\b", 2.5),
    _cue(Intent.ADD, r"^(?:need|have|gotta|got|must|should) to|^gotta|^i gotta|^i must|^must", 2.5),
    _cue(Intent.ADD, r"^(?:i|we) (?:really |also |still |definitely |probably |just )*(?:should|must|gotta|will need to|'ll need to|ought to)(?: really| definitely| also| probably| still)?\b", 2.5),
    _cue(Intent.ADD, rf"^(?:{_TASK_VERB})(?= (?!(?:me|us|you)\b)\S)", 1.4),
    _cue(Intent.ADD, r"(?:,|\band|\bcan you|\bplease|^) ?(?:add|put|save|note) (?:it|this|that)(?: down| in| on my list| to my list)?$", 3),
    _cue(Intent.ADD, r"^(?:i have|i've got|i got|there's|got) (?:a|an|my|the) ", 1.5),
    _cue(Intent.ADD, r"(?:put|stick|pop|throw|add|chuck) .+ (?:on|in|onto|to) (?:my|the) (?:todo |to do |shopping )?list|(?:to|on|onto) (?:my|the) (?:todo |to do |shopping )?list", 2.5),
    # Listing.
    _cue(Intent.LIST, r"show|list|display|view|see|give me|get me|read me|print|pull up|bring up|tell me", 2),
    _cue(Intent.LIST, r"overview|rundown|run-down|summary|recap|status update|what's on|what is on", 3),
    _cue(Intent.LIST, rf"{_TASKS}|agenda|plate|schedule|everything", 1),
    _cue(Intent.LIST, r"^(?:what|what's|what are|which|anything|any|how many|is there|are there|do i have|have i got|got any)\b", 1.5),
    _cue(Intent.LIST, r"what's (?:left|pending|due|overdue|next|on|up|outstanding|remaining|open)|what is (?:left|pending|due|overdue|next|on)|what (?:do|should|must) i (?:still )?(?:have|need) to do|what(?:'s| is| do i have) (?:left )?to do", 3),
    _cue(Intent.LIST, r"(?:what|which)(?: tasks| things| ones)? (?:have|did) i (?:already )?(?:done|do|complete|completed|finish|finished|accomplish|accomplished|get done|tick off|check off|ticked off|checked off|crossed off|knocked out|sorted|got done)|what about the ones|how about the ones|and the (?:done|completed|finished|pending|open) ones", 3.5),
    _cue(Intent.LIST, rf"^(?:my |all |the |all my |show )?(?:(?:pending|open|completed|done|finished|high priority|urgent|overdue|low priority|today's|tomorrow's|remaining|outstanding|important) )?{_TASKS}$|^(?:to do|todo|todos|what to do)$|^(?:which|what) (?:ones|tasks|items|todos) (?:are|have been|were|did i|have i|are still|aren't|haven't been)\b|anything (?:about|mentioning|with|on|for|regarding|containing)\b", 3.5),
    _cue(Intent.LIST, r"anything (?:left|pending|due|overdue|else|open|to do|on|outstanding)|any (?:overdue|pending|open|urgent|high priority|tasks|todos|completed|done|finished)|overdue|due (?:today|tonight|tomorrow|this week|next week|soon)|(?:find|search(?: for)?|look for|look up|search my)", 2),
    # One task in detail.
    _cue(Intent.SHOW, r"(?:what's|what is|what was|show me|show|open|view|details (?:of|for|on|about)|info (?:on|about|for)|information (?:on|about)|tell me (?:more )?about|more about|describe) (?:task |todo |number |item |no\.? )?#? ?\d{1,9}\b", 3),
    _cue(Intent.SHOW, r"^what(?:'s| is| was) (?:the |my )?.+ (?:about|for)(?: again)?$|details|tell me (?:more )?about|more (?:info|information|details) (?:on|about)|what's the (?:deal|story|status) with|what's the (?:note|notes|description|details|due date|deadline|priority) (?:on|of|for)|when is .+ due|when's .+ due", 4),
    _cue(Intent.SHOW, r"^(?:is|was|did i|have i|has)\b.*\b(?:done|finished|complete|completed|do|finish|yet|still (?:open|pending))", 5),
    # Completing.
    _cue(Intent.COMPLETE, r"complete|finish|close|tick|check off|cross off|cross out|strike off|mark off|knock out|knocked out|wrap up|wrapped up", 3),
    _cue(Intent.COMPLETE, rf"mark .*?(?:as )?{_DONE}|tick .* off|check .* off|cross .* off|set .* (?:as |to )?{_DONE}", 4),
    _cue(Intent.COMPLETE, rf"(?:is|are|was|were|'s|has been|have been|got|now) (?:now |all |finally |already |totally |completely )*{_DONE}|(?:i'm|i am|we're|i'm all|all) {_DONE}(?: with)?|{_DONE} with|^{_DONE}:?", 4),
    _cue(Intent.COMPLETE, r"^(?:i|we|i've|we've|i have|we have) (?:just |already |finally |have |'ve |totally )*(?:did|done|finished|completed|took care of|handled|sorted|got through)", 3.5),
    _cue(Intent.COMPLETE, rf"(?:is|are|'s|was|were|has been|have been|got|now) (?:now |all |finally |already |totally )*(?:\w{{3,}}ed|paid|sent|bought|made|ready|sorted|written|taken|given|built|sold|fixed|over|through)\b|^(?:i've|we've|i have|we have) (?:just |already |finally )*(?:{_PAST}|\w{{3,}}ed)\b|(?:-|:|,) ?{_DONE}$|^(?!(?:show|list|what|what's|which|display|see|view|give|get|any|anything|how|tell)\b).+ {_DONE}$", 3),
    _cue(Intent.COMPLETE, rf"^(?:i |we )?(?:just |already |finally |have |'ve )*(?:{_PAST}|\w{{3,}}ed)\b", 1.5),
    _cue(Intent.COMPLETE, rf"{_DONE}$|{_DONE} !$|(?:it's|that's|thats) {_DONE}", 2),
    _cue(Intent.COMPLETE, r"\b(?:i|we) (?:already |just )?(?:did|done|finished) (?:that|it|this|those|them)(?: already)?\b", 4),
    _cue(Intent.COMPLETE, r"^(?!(?:show|list|what|which|display|see|view|give|get|any|how|find)\b)(?:the |my )?\w+(?: \w+)? (?:\w{3,}ed|paid|sent|bought|done|sorted|made)(?:(?: ,)? (?:finally|at last|already|now|today|yesterday|this morning|just now|earlier))?$|(?:-|:|,) ?(?:paid|sent|bought|sorted|booked|renewed|handled|finished|done|complete|completed)$", 3),
    _cue(Intent.COMPLETE, r"mark .+ as (?:\w{3,}ed|paid|sent|bought|made|ready|sorted|written|taken|built|sold|fixed)$|\w+'s (?:now |all |finally |already )*(?:\w{3,}ed|paid|sent|bought|made|ready|done|sorted)$", 4),
    # Deleting.
    _cue(Intent.DELETE, r"delete|remove|erase|drop|cancel|scratch|trash|ditch|bin|scrap|discard|nuke|get rid of|forget(?: about)?|never mind|strike|kill|lose|axe|take off", 3),
    _cue(Intent.DELETE, r"take .+ off|(?:off|from) (?:my|the) (?:todo |to do )?(?:list|tasks|todos)|no longer need|don't need .+ anymore|not (?:needed|necessary) anymore|can go$|can be (?:deleted|removed|dropped)|(?:is|are) (?:no longer|not) needed", 2.5),
    # Changing one field.
    _cue(Intent.UPDATE, r"rename|retitle|reword|edit|change|update|modify|replace|set|move|push|postpone|reschedule|delay|defer|bump|prioriti[sz]e|deprioriti[sz]e|lower|raise|flag|make|switch|reword|correct|fix the (?:title|name|typo)|upgrade|downgrade|escalate|shift|bring .+ forward|bring forward|pull .+ forward|move .+ up", 2.5),
    _cue(Intent.UPDATE, r"^(?:task |# ?|number )?\d{1,9} (?:is |should be |now )?(?:due|deadline)\b", 5),
    _cue(Intent.UPDATE, r"(?:remove|clear|delete|drop|take off|get rid of|unset|scrap|erase|cancel)(?: the| a| its| any| that)? (?:due date|deadline|due|date|priority|note|notes|description)\b", 9),
    _cue(Intent.UPDATE, r"→|(?:it's|its|it is|that's|that is|this is|it should be|it'll be) due\b|(?:due date|deadline)(?: for| of| on)? .*(?::|→)|(?:needs|has|have|should|must) (?:to )?be (?:done|finished|completed|ready|sent|paid) (?:by|before|on|until)|(?:a |the )?deadline (?:of|for|on)|(?:give|set) .+ (?:a |the )?(?:deadline|due date)|mark .+ as (?:a |an )?(?:low|high|medium|urgent|important|critical|top)(?: priority)?$", 5),
    _cue(Intent.UPDATE, r"priority|due date|deadline|title|name|description|notes?|details|due|urgent|important|high|low", 0.75),
    _cue(Intent.UPDATE, r"(?:add|put|attach|stick|leave|write|append)(?: a| an| some| the| this)? (?:note|notes|description|details|comment|detail)\b|^note (?:on|for|to)\b(?! self)|(?<=\w )(?:note|notes|description|details|title|name)\s*:|(?:description|notes?|details|title|name) (?:of|for|on) .+ (?:to|should be|should say|as|:)|(?:add|append) to .+ (?:notes|description|details)|should (?:be called|say|read)|^call (?:task|#|it|that|this|the)|^describe\b|typo in", 6),
    _cue(Intent.UPDATE, r"(?:is|are|should be|needs to be|is now) (?:due|urgent|important|not urgent|less urgent|low priority|high priority|(?:a |an )?(?:low|high|medium|normal|top|urgent) priority)|(?:has|have) no (?:deadline|due date)|(?:isn't|is not|aren't) (?:urgent|important|due)|no (?:deadline|due date) (?:for|on)|(?:is|are) (?:critical|top priority|urgent|important)$|priority (?:of|for) .+ (?:to|:)|(?:on|to) (?:a |an )?(?:high|low|medium|normal|top|urgent) priority|(?:make|set) (?:it|them|that) (?:low|high|medium|urgent|normal)|can wait", 3.5),
    _cue(Intent.UPDATE, r"^(?!(?:add|create|new|remind|put|note|jot|save|log)\b).*(?:\bis no rush|(?:is|are)(?: actually| now| really| so)* (?:super |very |really )?(?:important|urgent|critical)(?: now)?$|\b(?:low|high|medium|top|normal) (?:priority|prio)$)", 3.5),
    # Labels: "tag task 3 work", "add the work tag to task 2", "untag it home".
    _cue(Intent.UPDATE, r"^(?:tag|label|untag|unlabel)\b|\b(?:add|put|stick|remove|take|drop|delete|strip)(?: off)?(?: the| a| an)? (?:# ?)?\w+ (?:tag|label)\b", 7),
    # Repeating no more: "stop repeating task 3", "make it a one-off".
    _cue(Intent.UPDATE, r"(?:stop|quit|no longer|never) (?:repeating|recurring)|(?:don't|do not) (?:repeat|recur)\b|one[- ]off|(?:not|no longer) (?:a )?(?:repeating|recurring)", 5),
    # Undoing a completion: not a tool the agent has.
    _cue(Intent.REOPEN, r"reopen|re-open|uncomplete|un-complete|unmark|untick|un-tick|mark .* (?:as )?(?:not done|not complete|incomplete|undone|unfinished|pending|open)", 4),
    _cue(Intent.REOPEN, r"not (?:actually )?(?:done|finished) (?:yet |after all)", 2),
    # Small talk.
    _cue(Intent.GREET, r"^(?:hi|hello|hey|hiya|howdy|yo|sup|hey there|hi there|hello there|good (?:morning|afternoon|evening|day)|how are you|how's it going|how are things|what's up|wassup|morning|evening|greetings)(?: there| again| you| bot| assistant| mate| buddy)?(?: doing| today)?$", 6),
    _cue(Intent.THANK, r"^(?:thanks|thank you|thx|cheers|ta|great|perfect|ok|okay|cool|nice|awesome|got it|lol|haha|ha|good|fine|brilliant|excellent|sweet|ok cool|ok thanks|cool thanks|great thanks|that's great|amazing|love it|yes|no|nope|yep|sure|alright|k|ok great|wow|neat|good job|well done|nice one)(?: (?:a lot|so much|very much|again|mate|buddy|man|bot|for that|for the help|you))*$", 6),
    _cue(Intent.HELP, r"^(?:help|help me|\?|what can you do|what do you do|how does (?:this|it) work|commands|menu|options|how do i use (?:this|you)|what can i say|what are you|who are you)$", 6),
)
# fmt: on

_TRAILING_COURTESY = re.compile(r"(?: (?:,|!|\.|thanks|thank you|thx|please|cheers|lol|ty|:\)))+$")
_SMALL_TALK = tuple(c for c in CUES if c.intent in (Intent.GREET, Intent.THANK, Intent.HELP))
_NEGATION = re.compile(
    r"(?<![\w'])(?:don't|do not|dont|never|not|no need to|stop|didn't|did not|no longer|won't|shouldn't|can't|cannot)(?![\w'])"
)
# Cues whose own words hold a negation that is part of what they mean.
_NOT_NEGATED = re.compile(
    r"^(?:don't|do not|never mind|no longer|not |isn't|is not|has no|no |stop |quit |never )"
)


@dataclass(frozen=True)
class IntentScore:
    """The scored reading of a request: the winner, the runner-up, and where the
    winning cue stands (its token range)."""

    intent: Intent | None
    runner_up: Intent | None
    scores: dict[Intent, float]
    anchor: tuple[int, int] | None
    negated: frozenset[Intent]

    @property
    def tied(self) -> bool:
        """Two different things fit equally well: ask."""
        if self.intent is None or self.runner_up is None:
            return False
        return self.scores[self.intent] - self.scores[self.runner_up] < 0.5


def command_start(utterance: Utterance) -> int:
    """The index of the first token after politeness and filler."""
    tokens = utterance.tokens
    for index, token in enumerate(tokens):
        # "no wait, delete that": a "no" that takes back, not one that negates.
        taking_back = (
            token.word == "no"
            and index + 1 < len(tokens)
            and tokens[index + 1].word in (",", "wait", "sorry", "actually")
        )
        command = token.kind != "punct" or token.text == "+"  # "+ buy bread"
        if token.word not in lexicon.COMMAND_LEAD_INS and command and not taking_back:
            return index
    return len(tokens)


def score_intents(utterance: Utterance) -> IntentScore:
    """Every cue of the request counted; see the module docstring."""
    chat = " ".join(t.word for t in utterance.tokens if t.kind != "punct" or t.text == "?")
    for cue in _SMALL_TALK:
        if cue.pattern.fullmatch(chat.rstrip(" ?") or chat):
            return IntentScore(cue.intent, None, {cue.intent: cue.weight}, None, frozenset())
    start = command_start(utterance)
    # "Tomorrow I need to …": a date that opens the request is not its command.
    opening = next((w for w in find_phrases(utterance) if w.first == start), None)
    dated_note = False
    if opening is not None and opening.last < len(utterance.tokens):
        # "tomorrow: pick up the parcel" is a note for that day.
        dated_note = utterance.tokens[opening.last].text in (":", "-")
        start = opening.last + (utterance.tokens[opening.last].text in (",", ":", "-"))
    offset = utterance.offsets[start] if start < len(utterance.tokens) else len(utterance.text)
    # Thanks and full stops at the end change nothing: "first one done, thanks!"
    body = _TRAILING_COURTESY.sub("", utterance.text[offset:])
    scores: dict[Intent, float] = {}
    best_anchor: dict[Intent, tuple[float, tuple[int, int]]] = {}
    negated: set[Intent] = set()
    negations = [m.end() for m in _NEGATION.finditer(body)]
    for cue in CUES:
        for match in cue.pattern.finditer(body):
            if match.end() == match.start():
                continue
            weight = cue.weight * (1.5 if match.start() == 0 else 1.0)
            if _is_negated(body, match, negations):
                weight = -weight
                negated.add(cue.intent)
            scores[cue.intent] = scores.get(cue.intent, 0.0) + weight
            first, last = utterance.token_range(match.start() + offset, match.end() + offset)
            if weight > 0 and weight > best_anchor.get(cue.intent, (0.0, (0, 0)))[0]:
                best_anchor[cue.intent] = (weight, (first, last))
    if dated_note and not scores:
        scores[Intent.ADD] = 4.0
        best_anchor[Intent.ADD] = (4.0, (start, start + 1))
    ranked = sorted((i for i in scores if scores[i] >= 2.0), key=lambda i: -scores[i])
    winner = ranked[0] if ranked else None
    return IntentScore(
        intent=winner,
        runner_up=ranked[1] if len(ranked) > 1 else None,
        scores=scores,
        anchor=best_anchor[winner][1] if winner in best_anchor else None,
        negated=frozenset(negated),
    )


def _is_negated(body: str, match: re.Match[str], negations: list[int]) -> bool:
    if _NOT_NEGATED.match(match.group()):
        return False
    before = body[: match.start()]
    for end in negations:
        if end <= match.start():
            between = before[end:]
            # "don't delete it" — within three words, in the same clause.
            if len(between.split()) <= 3 and not re.search(
                r"[,;.]|\bjust\b|\bbut\b|\binstead\b", between
            ):
                return True
    return False
