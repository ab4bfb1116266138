"""The deployment's secret, kept apart from the database, and the keys derived from it.

One random secret (32 bytes) lives in a key file (``key_file``, mode 0600, made by
``cookiegov keys init``) or an environment secret (``COOKIEGOV_SECRET_KEY``), never in the
database, so that someone who can read or write the database cannot use it. Derived from it:

- a per-site salt for hashed visitor addresses (``ip_mode = "hash"``): unlike the public site
  name used before, it cannot be guessed, so a hashed IPv4 address cannot be recovered by
  trying all 2^32;
- a MAC key: every consent record carries an HMAC of its hash, which nobody without the secret
  can compute for a forged or rewritten record;
- an Ed25519 signing key for checkpoints of each site's chain head, purge anchors and
  visitors' receipts; its public key verifies them anywhere, without the secret.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from cookiegov.errors import ConfigError

MIN_SECRET_CHARS = 32


@dataclass(frozen=True)
class Keys:
    secret: bytes

    def derive(self, label: str) -> bytes:
        return hmac.new(self.secret, f"cookiegov|{label}".encode(), hashlib.sha256).digest()

    def ip_salt(self, site: str) -> str:
        """The site's secret salt for hashed addresses."""
        return self.derive(f"ip-salt|{site}").hex()

    @functools.cached_property
    def mac_key(self) -> bytes:
        return self.derive("record-mac")

    @functools.cached_property
    def scan_mark_key(self) -> bytes:
        """The key of the scanner's consent marks (:mod:`cookiegov.scanmark`)."""
        return self.derive("scan-mark")

    def mac(self, record_hash: str) -> str:
        """The record's MAC: HMAC-SHA256 of its chain hash under the secret."""
        return hmac.new(self.mac_key, record_hash.encode(), hashlib.sha256).hexdigest()

    @functools.cached_property
    def signing_key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.derive("ed25519-signing"))

    @functools.cached_property
    def public_key(self) -> str:
        """The public key (hex) that verifies checkpoints, anchors and receipts."""
        raw = self.signing_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return raw.hex()

    def sign(self, message: bytes) -> str:
        return self.signing_key.sign(message).hex()


def verify_signature(public_key: str, message: bytes, signature: str) -> bool:
    """Whether ``signature`` (hex) signs ``message`` under ``public_key`` (hex)."""
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key))
        key.verify(bytes.fromhex(signature), message)
    except (ValueError, InvalidSignature):
        return False
    return True


def load_keys(secret_key: str = "", key_file: str = "") -> Keys | None:
    """The keys from the environment secret, else the key file (read again when it
    changes); None when neither is set."""
    if secret_key:  # the key file is not looked at (nor stat'ed on every request)
        return _load(secret_key, "", 0.0)
    return _load("", key_file, _mtime(key_file))


def _mtime(key_file: str) -> float:
    try:
        return os.stat(key_file).st_mtime if key_file else 0.0
    except OSError:
        return 0.0


@functools.lru_cache(maxsize=8)
def _load(secret_key: str, key_file: str, _mtime: float) -> Keys | None:
    if secret_key:
        return Keys(_secret(secret_key, "secret_key"))
    if not key_file or not Path(key_file).exists():
        return None
    path = Path(key_file)
    if path.stat().st_mode & 0o077:
        raise ConfigError(f"{path}: the key file must be readable by its owner only (chmod 600)")
    return Keys(_secret(path.read_text(encoding="utf-8").strip(), str(path)))


def _secret(text: str, where: str) -> bytes:
    if len(text) < MIN_SECRET_CHARS:
        raise ConfigError(f"{where}: the secret must be at least {MIN_SECRET_CHARS} characters")
    return text.encode("utf-8")


def create_key_file(path: str | Path) -> Path:
    """Write a new random secret to ``path`` (mode 0600); never overwrites an existing one
    (losing it makes every signature and MAC unverifiable)."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(f"{path} exists already; it is kept (a new key breaks proofs)") from None
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_hex(32) + "\n")
    return path
