"""Group passphrases as memory-hard hashes (scrypt), never as text.

A meeting room without an identity provider signs in with a group passphrase
(:meth:`naravard.store.sqlite.ScenarioStore.sign_in_with_passphrase`). The store keeps
only ``scrypt$n$r$p$salt$hash`` (hashlib.scrypt, n=2**14, r=8, p=1: about 16 MB and
tens of milliseconds per try, so a stolen database cannot be searched quickly), with a
random 16-byte salt per hash, so two groups with the same passphrase have different
hashes. Verification compares in constant time, and an unknown group or a group
without a passphrase costs the same scrypt run, so timing does not tell which groups
exist. A leaf module: no I/O, no store imports.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PASSPHRASE_CHARS = 12
# An upper bound keeps one attempt's cost bounded (scrypt reads the whole input).
MAX_PASSPHRASE_CHARS = 200
_MAXMEM = 64 * 1024 * 1024
# A hash nobody can match, used when there is nothing to compare with.
_DUMMY = "scrypt$16384$8$1$" + "00" * SALT_BYTES + "$" + "00" * HASH_BYTES


def _normalise(passphrase: str) -> bytes:
    """NFC, so the same letters typed on another keyboard (å as one or two code points) match."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _scrypt(passphrase: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(_normalise(passphrase), salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=_MAXMEM)


def hash_passphrase(passphrase: str) -> str:
    """A new salted scrypt hash of ``passphrase`` (the only form the store keeps)."""
    salt = os.urandom(SALT_BYTES)
    digest = _scrypt(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_passphrase(passphrase: object, stored: str | None) -> bool:
    """Whether ``passphrase`` matches ``stored``; False for no hash, a malformed hash or
    a passphrase that is not text, after the same amount of work as a real check."""
    real = isinstance(stored, str) and stored.startswith("scrypt$")
    try:
        _, n, r, p, salt_hex, hash_hex = (stored if real else _DUMMY).split("$")  # type: ignore[union-attr]
        n_i, r_i, p_i, salt, expected = int(n), int(r), int(p), bytes.fromhex(salt_hex), bytes.fromhex(hash_hex)
        if not (n_i == SCRYPT_N and r_i == SCRYPT_R and p_i == SCRYPT_P and expected):
            raise ValueError("unexpected scrypt parameters")
    except ValueError:
        real = False
        _, n, r, p, salt_hex, hash_hex = _DUMMY.split("$")
        n_i, r_i, p_i, salt, expected = int(n), int(r), int(p), bytes.fromhex(salt_hex), bytes.fromhex(hash_hex)
    text = passphrase if isinstance(passphrase, str) and len(passphrase) <= MAX_PASSPHRASE_CHARS else ""
    try:
        digest = _scrypt(text, salt, n_i, r_i, p_i, len(expected))
    except UnicodeEncodeError:  # lone surrogates
        digest = _scrypt("", salt, n_i, r_i, p_i, len(expected))
        real = False
    return hmac.compare_digest(digest, expected) and real and text == passphrase
