"""The built-in agent's phrasing corpus: a table of requests and what they must do."""
