"""Background work for activities: thin tasks that take ids and call a service."""
