"""Choosing the agent from settings."""

from __future__ import annotations

from todochat.agent.base import Agent
from todochat.agent.builtin import BuiltinAgent
from todochat.config import Settings


class AgentConfigurationError(ValueError):
    """The settings ask for an agent that cannot work."""


def uses_llm(settings: Settings) -> bool:
    """Whether the settings select the LLM agent."""
    if settings.agent == "auto":
        return bool(settings.llm_base_url or settings.llm_api_key)
    return settings.agent == "llm"


def build_agent(settings: Settings) -> Agent:
    """The built-in agent, or the LLM agent when a model endpoint or key is set."""
    if not uses_llm(settings):
        return BuiltinAgent()
    if not (settings.llm_base_url or settings.llm_api_key):
        raise AgentConfigurationError(
            "TODOCHAT_AGENT=llm needs TODOCHAT_LLM_BASE_URL (a local OpenAI-compatible "
            "server) or an API key (TODOCHAT_LLM_API_KEY or OPENAI_API_KEY)"
        )
    # Imported here: the Agents SDK is only loaded when a model is configured.
    from todochat.agent.llm import LLMAgent

    return LLMAgent(settings)
