"""todochat: manage your todo list by chatting with an AI assistant."""

__version__ = "0.1.0"
