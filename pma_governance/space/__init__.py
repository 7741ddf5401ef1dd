"""The members' space: an élu's sessions, documents and own attendance."""
