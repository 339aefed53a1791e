"""The HTTP interface: thin routers over the services, and the app factory."""
