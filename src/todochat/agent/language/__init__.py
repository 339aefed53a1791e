"""The built-in agent's language pipeline, one stage per module:

normalise (tokens, shorthand, spelling of command words) → intent (scored cues read
over the whole sentence) → slots (titles, dates and times, priorities, several tasks)
→ reference (which task: number, ordinal over the last listing, "it", words of its
title). Every stage is pure: no database, no clock of its own.
"""
