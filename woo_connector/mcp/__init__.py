"""Agent Mode: the registry's tools served to AI agents over the Model Context Protocol.

``woo-connector mcp`` (stdio) or ``woo-connector mcp --http`` (streamable HTTP, bearer token).
This package imports the MCP SDK only in :mod:`.server` and when the command runs, so the
connector works without the optional ``[mcp]`` extra.
"""
