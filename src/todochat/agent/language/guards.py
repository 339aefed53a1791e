"""Between intent and action: requests the agent must not act on as they are said.

A question ("did I pay the bill?"), talk about a change ("I was going to delete task
3 but …"), a request for advice ("should I delete task 4?") or a change to every
task at once ("delete everything") is never carried out. These judgements read the
request's normalised words (`body`: after politeness and filler).
"""

from __future__ import annotations

import re

from todochat.agent.language import lexicon
from todochat.agent.language.normalise import Utterance

# "delete everything", "wipe all tasks", "mark all as done": never done in one go.
_EVERYTHING = re.compile(
    r"\b(?:delete|remove|clear|wipe|erase|empty|purge|reset|nuke|trash|cancel|complete|finish|"
    r"mark|tick|check|cross)\b(?: off| out)?(?: \w+){0,2}? "
    r"(?:all|everything|every|each|whole|entire)\b"
    r"|^(?:clear|wipe|empty|reset|purge)(?: out)? (?:my|the) (?:whole |entire )?"
    r"(?:list|tasks|todos|todo list)"
)
# Talk about a change rather than a request for one.
_HYPOTHETICAL = re.compile(
    r"\b(?:was|were) (?:going|gonna|about|planning|thinking of|meaning) to\b|changed my mind|"
    r"^(?:if|unless|when|once|in case)\b|\b(?:i'll|i will|i might|i may|maybe i'll|i could)\b|"
    r"\b(?:thinking (?:about|of)|considering|wondering (?:if|whether)|not sure (?:if|whether))\b"
)
_ADVICE = re.compile(r"^(?:should|shall) (?:i|we)\b")
_QUESTION_OPENING = re.compile(
    r"^(?:(?:did|do|does|have|has|had|am|will|should|shall|can|could) "
    r"(?:i|we|you|it|the|my|that|this)|is|are|was|were|"
    r"(?:which|what) (?:tasks|ones|todos|items|of my tasks))\b"
)
_QUESTION_WORD = re.compile(r"^(?:what|which|when|why|how|who|where|what's|when's|any|anything)\b")
_CONFIRMATION = re.compile(
    r"^(?:yes|yeah|yep|yup|y|sure|correct|right|exactly|that one|that's it|that's the one|"
    r"that's right|please do|do it|go ahead|yes please|ok|okay|ya|yea|affirmative)"
    r"(?: please| thanks)?[ .!]*$"
)
# A request to add that comes after a story: "… and realised I should add X".
REQUEST_AFTER_STORY = re.compile(
    r"(?:(?<=\bso )|(?<=\band )|(?<=\bbut )|(?<=\bthen )|(?<=, ))(?:i|we) "
    r"(?:really |also |still |definitely )*(?:need to|have to|must|gotta|should)\b"
    r"|(?:(?<=\bshould )|(?<=\brealised )|(?<=\brealized )|(?<=\bthen )|(?<=, ))"
    r"(?:(?:can|could|would|will) (?:you|u) )?(?:please |pls )?(?:add|put|remind me to)\b"
    r"(?! (?:it|that|this|them)\b)"
)
# "show the electricity bill task": one task, named by its title.
_ONE_TASK = re.compile(
    r"^(?:show|open|view|display|pull up|bring up)(?: me)? (?:the|my) "
    r"(?!(?:tasks|list|todos|ones|pending|completed|done|finished|overdue)\b)[\w' ]+ "
    r"(?:task|one|todo|item|reminder)$"
)


def changes_everything(body: str) -> bool:
    """ "delete everything", "mark all as done"."""
    return bool(_EVERYTHING.search(body))


def is_hypothetical(body: str) -> bool:
    """ "I was going to delete task 3 but …", "if the dentist cancels, I'll …"."""
    return bool(_HYPOTHETICAL.search(body))


def asks_advice(body: str) -> bool:
    """ "should I delete task 4?"."""
    return bool(_ADVICE.match(body))


def is_question(utterance: Utterance, body: str) -> bool:
    """A question rather than a request: "did I pay the bill?", "which tasks are done".
    "Can you delete task 3?" is a request: its politeness is not part of `body`."""
    asks = utterance.message.rstrip().endswith("?")
    return bool(_QUESTION_OPENING.match(body) or (asks and _QUESTION_WORD.match(body)))


def sounds_past(body: str) -> bool:
    """ "emaild the landlrd", "paid the bill": a request that opens with a verb in
    the past tense, even a misspelt one."""
    first = body.split(" ", 2)[1 if body.startswith(("i ", "just ")) else 0] if body else ""
    return len(first) >= 4 and (first.endswith(("ed", "d")) or first in lexicon.IRREGULAR_PAST)


def is_confirmation(text: str) -> bool:
    """ "yes", "go ahead": the answer to "Do you mean task #1 …?" (read from the
    whole message: "yes" and "please" are politeness elsewhere)."""
    return bool(_CONFIRMATION.match(text))


def names_one_task(body: str) -> bool:
    """ "show the electricity bill task": one task, by its title."""
    return bool(_ONE_TASK.match(body))
