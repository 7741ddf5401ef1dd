"""The live session screen: roll call, proxies, quorum and votes as they happen."""
