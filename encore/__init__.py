"""Encore: a GraphQL API server for concert data about music artists."""
