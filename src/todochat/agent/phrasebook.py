"""What the built-in agent understands, as data.

Each phrasing is a regular expression over the user's message (matched whole, case
ignored, trailing punctuation removed) that names an intent; its named groups are
the slots: `ref` (which task; `{subject}` is a `ref` that opens the message),
`title`, `value`, `due`, `priority`, `status`, `query`. Fixed slots fill in what the words imply ("what's pending" → status
pending). To teach the agent a new way of saying something, add a row. Order
matters: the first phrasing that matches wins, so specific ones come first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class Intent(StrEnum):
    ADD = "add"
    LIST = "list"
    COMPLETE = "complete"
    DELETE = "delete"
    SHOW = "show"
    RENAME = "rename"
    DESCRIBE = "describe"
    PRIORITIZE = "prioritize"
    RESCHEDULE = "reschedule"
    BULK = "bulk"
    REOPEN = "reopen"
    GREET = "greet"
    THANK = "thank"
    HELP = "help"


@dataclass(frozen=True)
class Phrasing:
    intent: Intent
    pattern: re.Pattern[str]
    fixed: dict[str, str] = field(default_factory=dict)


# Building blocks shared by the patterns below.
_MACROS = {
    "{ref}": r"(?P<ref>.+?)",
    # A task named first ("the report is done"), unless the message asks to add one:
    # "add make sure the report is done" is a new task.
    "{subject}": r"(?!(?:(?:please|can you|could you) )?(?:add|create|new|remind|remember|note|"
    r"put|save|jot|write|todo|to-do|i need|i have|i want|don'?t)\b)(?P<ref>.+?)",
    "{title}": r"(?P<title>.+)",
    "{value}": r"(?P<value>.+)",
    "{due}": r"(?P<due>.+)",
    "{query}": r"(?P<query>.+)",
    "{task}": r"(?:task|todo|to-do|item|reminder)",
    "{tasks}": r"(?:tasks|todos|to-dos|items|reminders|list|todo list|to-do list|stuff)",
    "{done}": r"(?:done|complete|completed|finished|checked off|sorted|taken care of)",
    "{please}": r"(?:(?:please|pls|(?:can|could|would|will) you(?: please)?)\s+)?",
    "{priority}": r"(?P<priority>low|medium|normal|high|urgent|important|top|critical)",
}


def _compile(template: str) -> re.Pattern[str]:
    for macro, expansion in _MACROS.items():
        template = template.replace(macro, expansion)
    return re.compile(template, re.IGNORECASE)


def _p(intent: Intent, template: str, **fixed: str) -> Phrasing:
    return Phrasing(intent, _compile(template), fixed)


# fmt: off
PHRASINGS: tuple[Phrasing, ...] = (
    # Small talk.
    _p(Intent.GREET, r"(?:hi|hello|hey|hiya|howdy|yo|good (?:morning|afternoon|evening)|what'?s up|how are you(?: doing)?|how'?s it going)(?: there)?"),
    _p(Intent.THANK, r"(?:thanks|thank you|thx|ty|cheers)(?: (?:a lot|so much|very much))?"),
    _p(Intent.THANK, r"(?:great|perfect|ok|okay|cool|nice|awesome|got it)"),
    _p(Intent.HELP, r"(?:help|\?|what can you do|how does (?:this|it) work|commands|menu)"),
    # More than one task at once: refused, politely.
    _p(Intent.BULK, r"{please}(?:delete|remove|clear|erase|complete|finish|mark|cancel) (?:all|every|everything|each)\b.*"),
    _p(Intent.BULK, r"{please}(?:clear|empty|wipe) (?:my |the )?(?:whole )?{tasks}"),
    # Not something the tools can do.
    _p(Intent.REOPEN, r"{please}(?:reopen|re-open|uncomplete|undo|unmark|restore) ?(?P<ref>.*)"),
    _p(Intent.REOPEN, r"{please}mark {ref} as (?:not done|not complete|incomplete|undone|pending|open)"),
    # One task in detail.
    _p(Intent.SHOW, r"{please}(?:show|display|view|open|get)(?: me)?(?: the)?(?: details (?:of|for|on))? (?P<ref>(?:task|todo|item|number) ?#?\d{1,9}|#\d{1,9})(?: details)?"),
    _p(Intent.SHOW, r"what(?:'s| is| was) (?P<ref>(?:task|todo|item|number) ?#?\d{1,9}|#\d{1,9})(?: about)?"),
    _p(Intent.SHOW, r"(?:did|have) i (?:already )?(?:finish(?:ed)?|complete(?:d)?|do|done) {ref}(?: yet)?"),
    _p(Intent.SHOW, r"is {ref} (?:done|finished|completed?|still (?:open|pending))(?: yet)?"),
    _p(Intent.SHOW, r"{please}(?:tell me (?:more )?about|(?:give me )?(?:the )?(?:details|info) (?:of|for|on|about)) {ref}"),
    # Listing.
    _p(Intent.LIST, r"what (?:have|did) i (?:already )?(?:completed?|finish(?:ed)?|done|do|accomplish(?:ed)?|get done)(?: so far| yet| today| this week)?", status="completed"),
    _p(Intent.LIST, r"{please}(?:show|tell|give)(?: me)? what i(?:'ve| have)? (?:already )?(?:done|completed|finished)(?: so far)?", status="completed"),
    _p(Intent.LIST, r"what(?:'s| is| has been) (?:completed|done|finished)", status="completed"),
    _p(Intent.LIST, r"what(?:'s| is| are)(?: my)?(?: {tasks})? (?P<when>overdue|late|past due)", status="pending"),
    _p(Intent.LIST, r"what(?:'s| is| are)(?: my)?(?: {tasks})? due (?P<when>today|tonight|tomorrow|this week|next week)", status="pending"),
    _p(Intent.LIST, r"what(?:'s| is| are)(?: still)? (?:pending|left|open|planned|on my (?:list|plate))(?: for)? (?P<when>today|tonight|tomorrow|this week|next week)", status="pending"),
    _p(Intent.LIST, r"{please}(?:show|list|give)(?: me)?(?: my| the| all)?(?: {tasks})? (?:that are )?(?:due )?(?P<when>overdue|today|tomorrow|this week)(?: {tasks})?", status="pending"),
    _p(Intent.LIST, r"{please}(?:show|list|give)(?: me)?(?: my| the| all)? (?P<when>overdue|today's|tomorrow's) {tasks}", status="pending"),
    _p(Intent.LIST, r"what(?:'s| is) (?:still )?(?:pending|left|outstanding|remaining|open|not done|on my plate|next|due)(?: for me)?", status="pending"),
    _p(Intent.LIST, r"what (?:do|should|must) i (?:still )?(?:have|need) to do(?: today)?", status="pending"),
    _p(Intent.LIST, r"what(?:'s| is) (?:left )?(?:to do|todo)", status="pending"),
    _p(Intent.LIST, r"(?:what|which) {tasks} (?:mention|contain|are about|have|include|say) {query}"),
    _p(Intent.LIST, r"{please}(?:show|list|find|search|give|display)(?: me)?(?: my| the)? {tasks} (?:about|with|containing|matching|mentioning|for) {query}"),
    _p(Intent.LIST, r"{please}(?:find|search(?: for)?|look for|look up)(?: my| the)?(?: {task}s?)?(?: about| with| containing| matching| for)? {query}"),
    _p(Intent.LIST, r"{please}(?:show|list|display|give)(?: me)?(?: all)?(?: my| the)? (?P<priority>low|high|urgent|important|critical)(?:[ -]priority)? {tasks}"),
    _p(Intent.LIST, r"{please}(?:show|list|display|give|tell|get)(?: me)?(?: all)?(?: of)?(?: my| the)?(?: (?P<status>pending|open|outstanding|remaining|incomplete|unfinished|current|completed|done|finished|closed))? {tasks}(?: please)?"),
    _p(Intent.LIST, r"{please}(?:show|list|display|give)(?: me)? (?:everything|all|it all|all of (?:it|them))", status="all"),
    _p(Intent.LIST, r"(?:which|what) {tasks} (?:are|have been|did i|have i) (?:already |still )?(?P<status>completed|complete|done|finished|pending|open|left|remaining|outstanding)"),
    _p(Intent.LIST, r"what(?:'s| is| are) (?:my )?next {task}s?|what (?:should|do) i do next", status="pending"),
    _p(Intent.LIST, r"what(?:'s| is| are)(?: on)? (?:my|the) {tasks}"),
    _p(Intent.LIST, r"what (?:tasks |todos )?do i have(?: to do)?"),
    _p(Intent.LIST, r"how many (?:(?P<status>pending|open|completed|done|finished) )?{tasks}(?: do i have| are there| have i got)?(?: (?:left|pending|open))?"),
    _p(Intent.LIST, r"(?:my |all )?(?:(?P<status>pending|open|outstanding|remaining|completed|done|finished) )?{tasks}"),
    # Due dates (before deleting: "remove the due date from task 1").
    _p(Intent.RESCHEDULE, r"{please}(?:remove|clear|delete|drop) the (?:due date|deadline) (?:of|from|on|for) {ref}", due="none"),
    _p(Intent.RESCHEDULE, r"{please}(?:set|change|move|push|update) (?:the )?(?:due date|deadline) (?:of|for|on) {ref} to {due}"),
    _p(Intent.RESCHEDULE, r"{please}(?:set|change|update) {ref}(?:'s)? (?:due date|deadline) to {due}"),
    _p(Intent.RESCHEDULE, r"{please}(?:move|push|postpone|reschedule|defer|delay) {ref} (?:to|until|till) {due}"),
    _p(Intent.RESCHEDULE, r"{please}(?:make|set) {ref} due {due}"),
    _p(Intent.RESCHEDULE, r"{subject} (?:is|should be) due(?: on| by)? {due}"),
    # Priorities.
    _p(Intent.PRIORITIZE, r"{please}(?:set|change|update|raise|lower) (?:the )?priority (?:of|for|on) {ref} to {priority}(?: priority)?"),
    _p(Intent.PRIORITIZE, r"{please}(?:set|change|update) {ref}(?:'s)? priority to {priority}"),
    _p(Intent.PRIORITIZE, r"{please}(?:make|mark|set|flag) {ref} (?:as |to )?(?:a |an )?{priority}(?: priority| prio)?"),
    _p(Intent.PRIORITIZE, r"{subject} is (?:a |an )?{priority} priority"),
    _p(Intent.PRIORITIZE, r"{subject} is (?P<priority>urgent|important|critical)"),
    _p(Intent.PRIORITIZE, r"{please}(?:prioriti[sz]e|bump|escalate) {ref}", priority="high"),
    _p(Intent.PRIORITIZE, r"{please}(?:deprioriti[sz]e) {ref}", priority="low"),
    # Descriptions (before adding: "add a note to task 2").
    _p(Intent.DESCRIBE, r"{please}(?:set|change|update|make) the (?:description|details|notes?) (?:of|for|on) {ref} (?:to|as) {value}"),
    _p(Intent.DESCRIBE, r"{please}(?:add|put|attach) (?:a |the )?(?:note|description|details) (?:to|on|for) {ref}(?::| saying| that says| -) ?{value}"),
    _p(Intent.DESCRIBE, r"{please}describe {ref} as {value}"),
    _p(Intent.DESCRIBE, r"{please}(?:change|set|update) {ref}(?:'s)? (?:description|details|notes?) (?:to|as) {value}"),
    # Renaming.
    _p(Intent.RENAME, r"{please}(?:change|set|update|edit) {ref}(?:'s)? (?:title|name) (?:to|as) {value}"),
    _p(Intent.RENAME, r"{please}(?:change|set|update) the (?:title|name) of {ref} to {value}"),
    _p(Intent.RENAME, r"{please}(?:change|rename|update|edit|retitle|reword) {ref}(?: to| into| as|:) ?{value}"),
    _p(Intent.RENAME, r"{please}(?:rename|retitle) {ref}"),
    # Completing.
    _p(Intent.COMPLETE, r"{please}(?:mark|set|tick|check)(?: as)? {done}"),
    _p(Intent.COMPLETE, r"{please}(?:mark|set|tick|check) {ref} (?:as )?(?:being )?{done}"),
    _p(Intent.COMPLETE, r"{please}(?:complete|finish|check off|tick off|close|finalize) {ref}"),
    _p(Intent.COMPLETE, r"i(?:'ve| have)? (?:just |already )?(?:finished|completed|done|did|checked off) {ref}"),
    _p(Intent.COMPLETE, r"{subject} (?:is|was|has been|are) (?:now |all )?{done}"),
    _p(Intent.COMPLETE, r"(?:i'?m |i am )?(?:done|finished) with {ref}"),
    # Deleting.
    _p(Intent.DELETE, r"{please}(?:delete|remove|cancel|erase)(?: a| the)?(?: {task})?"),
    _p(Intent.DELETE, r"{please}(?:delete|remove|cancel|drop|erase|get rid of|trash|scrap|forget about|forget) {ref}"),
    # Adding: last, so that every more specific phrasing above wins.
    _p(Intent.ADD, r"{please}(?:add|create|new)(?: a| an| another)?(?: new)?(?: {task})?"),
    _p(Intent.ADD, r"{please}remind me (?P<due>today|tonight|tomorrow|on \w+|next \w+|this \w+|in \d+ \w+) (?:to|that i (?:need|have) to) {title}"),
    _p(Intent.ADD, r"(?:i (?:want|would like|need) to|i'?d like to|let'?s) (?:add|create|put|jot down|write down|note)(?: down)?(?: a| an| another| one more)?(?: new)? (?:{task}\b ?)?(?:called |named |titled |to |for |: ?|- )?{title}"),
    _p(Intent.ADD, r"(?:i )?(?:need|have|want) to remember to {title}"),
    _p(Intent.ADD, r"{please}(?:remember|remind me) to {title}"),
    _p(Intent.ADD, r"{please}remind me (?:about|of) {title}"),
    _p(Intent.ADD, r"(?:please )?don'?t (?:let me )?forget (?:to |about )?{title}"),
    _p(Intent.ADD, r"(?:note to self|todo|to-do|task|new task|reminder)\s*[:\-]\s*{title}"),
    _p(Intent.ADD, r"{please}(?:add|create|make|put|new|save|jot down|write down|note)(?: down)?(?: a| an| another| one more)?(?: new)? (?:{task}\b ?)?(?:called |named |titled |to |for |: ?|- )?{title}"),
    _p(Intent.ADD, r"i (?:need|have|must|should|gotta|got|want) to {title}"),
)
# fmt: on

# Said around a request without changing it: "actually delete it", "ok, add milk
# please". A message that no phrasing fits is tried again without them.
LEADING_FILLERS = re.compile(
    r"^(?:(?:actually|ok(?:ay)?|so|oh|and|also|now|then|alright|right|um+|hmm+|well|hey|"
    r"please|pls|kindly|(?:can|could|would|will) you(?: please| kindly)?)\b[\s,]*)+",
    re.IGNORECASE,
)
TRAILING_FILLERS = re.compile(
    r"(?:[\s,]+(?:please|pls|for me|thanks|thank you|thx|now|too|as well))+$", re.IGNORECASE
)

# Words that say nothing about which task is meant.
REF_STOPWORDS = frozenset(
    ["the", "a", "an", "my", "this", "that", "task", "tasks", "todo", "to-do", "item", "one",
     "called", "named", "titled", "about", "for", "number", "no", "#"]
)  # fmt: skip
# Words that point back at the task the conversation was last about.
BACK_REFERENCES = frozenset(
    ["it", "that", "this", "that one", "this one", "that task", "this task", "the task",
     "the last one", "the last task", "the one i just added", "them"]
)  # fmt: skip
ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
    "fourth": 4, "4th": 4, "fifth": 5, "5th": 5, "last": -1,
}  # fmt: skip
STATUS_WORDS = {
    "pending": "pending", "open": "pending", "outstanding": "pending", "remaining": "pending",
    "incomplete": "pending", "unfinished": "pending", "current": "pending",
    "left": "pending",
    "completed": "completed", "complete": "completed", "done": "completed",
    "finished": "completed", "closed": "completed",
}  # fmt: skip
PRIORITY_WORDS = {
    "low": "low", "medium": "medium", "normal": "medium", "high": "high", "important": "high",
    "top": "urgent", "urgent": "urgent", "critical": "urgent",
}  # fmt: skip
# "what's due today": which due dates count, in the user's time zone.
WHEN_WORDS = {
    "today": "today", "tonight": "today", "today's": "today", "tomorrow": "tomorrow",
    "tomorrow's": "tomorrow", "this week": "this week", "next week": "next week",
    "overdue": "overdue", "late": "overdue", "past due": "overdue",
}  # fmt: skip

# Inside a new task's title: "… with high priority", "urgent: …", "… asap".
TITLE_PRIORITY_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), priority)
    for pattern, priority in (
        (
            r"[,;]?\s*(?:with |as )?(?:a )?(?P<p>low|medium|normal|high|urgent|top)[ -]priority\b",
            "",
        ),
        (r"[,;]?\s*\bpriority\s*[:=]?\s*(?P<p>low|medium|normal|high|urgent)\b", ""),
        (r"[,;]?\s*\b(?:asap|urgently|right away)\b", "urgent"),
        (r"^(?P<p>urgent|important)\s*[:\-]?\s+", ""),
    )
)
# A due date inside a new task's title starts with one of these words …
DUE_LEADS = re.compile(
    r"\b(?:by|due|on|before|until|till|at|this|next|tomorrow|today|tonight|in|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|end of|eod|eow|eom)\b",
    re.IGNORECASE,
)
# … and contains one of these, so "buy 2 apples" keeps its number.
DATE_HINTS = re.compile(
    r"\b(?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|mon|tue|wed|thu|fri|sat|sun|week|month|year|morning|noon|afternoon|"
    r"evening|midnight|eod|eow|eom|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|"
    r"february|march|april|june|july|august|september|october|november|december|"
    r"\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}|in \d+ \w+|"
    r"\d{1,2}(?:st|nd|rd|th))\b",
    re.IGNORECASE,
)
DUE_CONNECTORS = re.compile(r"^(?:by|due|on|before|until|till)\s+", re.IGNORECASE)
TRAILING_LIST_WORDS = re.compile(
    r"\s+(?:to|on|in)\s+(?:my|the)\s+(?:list|todo list|to-do list|tasks|todos)$", re.IGNORECASE
)

HELP_TEXT = (
    "I can manage your todo list. Try:\n"
    "• “Add a task to buy groceries tomorrow”\n"
    "• “Show me all my tasks”, “What's pending?” or “Show task 2”\n"
    "• “Mark task 3 as complete” or “The groceries task is done”\n"
    "• “Change task 1 to 'Call mom tonight'”\n"
    "• “Make task 2 high priority” or “Move task 2 to next friday”\n"
    "• “Delete the meeting task”\n"
    "• “What have I completed?”"
)
GREETING = "Hi! " + HELP_TEXT
NOT_UNDERSTOOD = "I'm not sure what you mean. "
# For a few words that fit no phrasing: perhaps a task to add.
ADD_SUGGESTION = "If it's a new task, say “add {text}”.\n"
NO_SUCH_TASK = "There is no task #{number}. Say “show my tasks” to see them."
WHICH_TASK = "Which task do you mean? Tell me its number or its title."
THANKS_REPLY = "You're welcome! Anything else on your list?"
REOPEN_REPLY = (
    "I can't reopen tasks from the chat. Untick it in the task list, or add it again (“add …”)."
)
BULK_REPLY = (
    "To be safe I change one task at a time. Tell me which one, by number or by its "
    "title — “show my tasks” lists them."
)
