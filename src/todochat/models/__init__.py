"""The tables. Importing this package registers every table on `metadata`."""

from todochat.models.access_token import PersonalAccessToken
from todochat.models.base import metadata, utcnow
from todochat.models.calendar_feed import CalendarFeed
from todochat.models.conversation import Conversation
from todochat.models.idempotency import IdempotencyKey
from todochat.models.label import Label, TaskLabel
from todochat.models.message import Message, MessageRole
from todochat.models.oauth import OAuthClient, OAuthCode, OAuthToken, OAuthTokenKind
from todochat.models.ratelimit import RateLimitBucket
from todochat.models.task import Task, TaskPriority, TaskStatus
from todochat.models.user import User

__all__ = [
    "CalendarFeed",
    "Conversation",
    "IdempotencyKey",
    "Label",
    "Message",
    "MessageRole",
    "OAuthClient",
    "OAuthCode",
    "OAuthToken",
    "OAuthTokenKind",
    "PersonalAccessToken",
    "RateLimitBucket",
    "Task",
    "TaskLabel",
    "TaskPriority",
    "TaskStatus",
    "User",
    "metadata",
    "utcnow",
]
