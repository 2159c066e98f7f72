"""A real password hasher that counts how often a password is checked (test settings only)."""

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingMD5PasswordHasher(MD5PasswordHasher):
    verify_calls = 0

    def verify(self, password: str, encoded: str) -> bool:
        type(self).verify_calls += 1
        return super().verify(password, encoded)
