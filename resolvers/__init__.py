"""Query, mutation and subscription logic behind the GraphQL schema."""
