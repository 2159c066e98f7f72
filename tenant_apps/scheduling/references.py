"""Appointment references: 8 characters from an alphabet without look-alikes (0/O, 1/I/L)."""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8


def reference_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
