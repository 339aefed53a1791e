"""Passwords and tokens: cryptography with no database and no HTTP."""
