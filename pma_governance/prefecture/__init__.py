"""The contrôle de légalité: the @ctes archive of a signed act, its transmission, the accusé de réception, annexes."""
