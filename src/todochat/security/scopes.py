"""What a token may do. OAuth tokens and personal access tokens carry scopes; the
server's own sign-in tokens, stdio and the in-process agent may do everything."""

from __future__ import annotations

READ = "tasks:read"
WRITE = "tasks:write"
ALL = (READ, WRITE)
SCOPE_DESCRIPTIONS = {
    READ: "See your tasks",
    WRITE: "Add, change, complete and delete your tasks",
}


def parse_scopes(text: str | None) -> tuple[str, ...]:
    """The known scopes in a space-separated list, in canonical order; unknown names
    are dropped (a client asking for more than exists gets what exists)."""
    asked = set((text or "").split())
    return tuple(scope for scope in ALL if scope in asked)


def format_scopes(scopes: tuple[str, ...] | list[str]) -> str:
    """Scopes as the space-separated text OAuth uses."""
    return " ".join(scope for scope in ALL if scope in scopes)
