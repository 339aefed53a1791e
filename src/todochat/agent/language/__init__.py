"""The built-in agent's language pipeline, one stage per module:

correction (a request that corrects itself) → normalise (tokens, shorthand, spelling
of command words) → intent (scored cues over the whole sentence) → guards (questions,
talk, advice, "everything": no action) → slots (new tasks in `slots`, dates and times
in `when`, changes in `changes`, list filters in `listing`) → reference (which task:
number, ordinal over the last listing, "it", words of its title) → replies. `memory`
reads the conversation so far; `lexicon` holds the words. Every stage is pure: no
database, no clock of its own. `agent/builtin.py` runs them and calls the tools.
"""
