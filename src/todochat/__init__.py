"""todochat: manage your todo list by chatting with an AI assistant."""
