"""Input limits shared by the services (their sizes live in settings)."""

from __future__ import annotations

import json
from typing import Any

from todochat.config import get_settings
from todochat.errors import InvalidInputError


def check_text(value: str, field: str) -> str:
    """`value`, unless it holds a NUL character (PostgreSQL cannot store one)."""
    if "\x00" in value:
        raise InvalidInputError(f"{field} must not contain NUL characters", field)
    return value


def check_json_text(value: Any, field: str) -> Any:
    """`value`, unless a string anywhere inside it (keys included) holds a NUL character."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            check_text(item, field)
        elif isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list | tuple):
            pending += item
    return value


def clean_title(title: str | None, field: str = "title") -> str:
    """The title trimmed; 1 to `title_max_length` characters."""
    cleaned = " ".join(check_text(title or "", field).split())
    limit = get_settings().title_max_length
    if not cleaned:
        raise InvalidInputError(f"{field} must not be empty", field)
    if len(cleaned) > limit:
        raise InvalidInputError(f"{field} must be at most {limit} characters", field)
    return cleaned


def clean_description(description: str | None) -> str | None:
    """The description trimmed (None when empty); at most `description_max_length`."""
    if description is None:
        return None
    cleaned = check_text(description, "description").strip()
    limit = get_settings().description_max_length
    if len(cleaned) > limit:
        raise InvalidInputError(f"description must be at most {limit} characters", "description")
    return cleaned or None


def check_metadata(metadata: dict[str, Any] | None) -> dict[str, Any]:
    """The metadata as a JSON object of at most `metadata_max_bytes` when encoded."""
    if metadata is None:
        return {}
    limit = get_settings().metadata_max_bytes
    try:
        encoded = json.dumps(metadata, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError("metadata must be JSON-serialisable", "metadata") from exc
    if len(encoded.encode()) > limit:
        raise InvalidInputError(f"metadata must be at most {limit} bytes as JSON", "metadata")
    check_json_text(metadata, "metadata")
    return metadata


def clamp_limit(limit: int | None) -> int:
    """A page size between 1 and `page_max_limit` (the default when None)."""
    settings = get_settings()
    if limit is None:
        return settings.page_default_limit
    if limit < 1:
        raise InvalidInputError("limit must be at least 1", "limit")
    return min(limit, settings.page_max_limit)
