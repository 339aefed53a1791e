"""Agents turn plain language into tool calls: a built-in offline one and an LLM one,
behind one interface, driven by the stateless chat flow."""
