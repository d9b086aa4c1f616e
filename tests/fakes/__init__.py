"""Loopback fakes of the platforms and small fakes of our own ports, for tests (no network)."""
