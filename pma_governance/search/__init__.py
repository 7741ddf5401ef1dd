"""French full-text search across procès-verbaux and deliberations."""
