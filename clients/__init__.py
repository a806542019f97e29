"""Clients for the upstream services, their shared HTTP layer, and the sandbox."""
