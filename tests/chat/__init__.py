"""Tests of chat, MCP and the agents."""
