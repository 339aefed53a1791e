"""The MCP server: the five task tools, served over Streamable HTTP at /mcp and
over stdio, with the acting user taken from the authenticated context."""
