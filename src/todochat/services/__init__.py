"""Business rules, one module per entity. Every function takes the acting user's id
and reads or writes only that user's rows; nothing here knows about HTTP or MCP."""
