"""The keys of a protected journal: one random key, kept wrapped, never on disk in the clear.

Protection (issue 13) encrypts the journal, its backups and the files that reveal listening
with one random 256-bit *data key*. What is kept on disk is the key file (``protection.json``
in the data folder): the data key wrapped (AES-256-GCM) by a key derived from the passphrase
with scrypt, and, when the person asked for one, wrapped a second time by a key derived from
the recovery key. So changing the passphrase, or using the recovery key, rewrites only this
small file, atomically: the encrypted data never has to be rewritten for it.

- **scrypt** (``hashlib.scrypt``, OpenSSL's, in Python's standard library): N = 2^15, r = 8,
  p = 1, a 16-byte random salt: 32 MiB of memory and about 0.1 s here for each try, which is
  what makes guessing a passphrase slow. The parameters are stored with the salt, and a key
  file asking for more than :data:`MAX_MEMORY` is refused (a hostile file cannot make mtcalm
  allocate gigabytes).
- The **recovery key** is 160 random bits, shown once as eight groups of four letters and
  digits (Crockford's base 32: no I, L, O or U to misread); having full entropy, it is turned
  into a wrapping key with HKDF-SHA256, not a slow KDF.
- **AES-256-GCM** (``cryptography``) wraps the data key with a fresh 96-bit nonce each time; the
  key file's format and purpose are its associated data, so a wrapped key cannot be moved to
  another purpose unnoticed. A wrong passphrase and a changed file both fail the tag and are
  told apart from each other as well as they can be: both say the passphrase is not right.
- Keys for each use (the database, other files) come from the data key through HKDF with
  their own label (:func:`subkey`).

No key is ever written in the clear, and this module holds none beyond the calls that use it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from mtcalm.datadir import write_file_atomically

KEY_FILE = "protection.json"
FORMAT = "mtcalm-protection"
VERSION = 1
KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
MAX_MEMORY = 256 * 1024**2  # what a key file may ask scrypt for (128 * r * N bytes)
MAX_KEY_FILE_BYTES = 16 * 1024
MIN_PASSPHRASE_CHARACTERS = 8
RECOVERY_BYTES = 20
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
RECOVERY_GROUP = 4
_MISREAD = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})
_WRAP_PURPOSES = ("passphrase", "recovery")


class KeyFileError(Exception):
    """The key file cannot be used; ``short`` and ``long`` say why in plain words."""

    def __init__(self, short: str, long: str) -> None:
        super().__init__(f"{short}: {long}")
        self.short = short
        self.long = long


class WrongPassphrase(KeyFileError):
    """The passphrase (or recovery key) does not open this journal; nothing was changed."""

    def __init__(self, what: str = "passphrase") -> None:
        super().__init__(
            f"The {what} is not right",
            f"This {what} does not open the journal. Nothing was changed; try again.",
        )


@dataclass(frozen=True)
class Scrypt:
    """How a passphrase becomes a key: scrypt's parameters and salt."""

    salt: bytes
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P

    @property
    def memory(self) -> int:
        return 128 * self.r * self.n * self.p

    def derive(self, passphrase: str) -> bytes:
        return hashlib.scrypt(
            passphrase.encode("utf-8"),
            salt=self.salt,
            n=self.n,
            r=self.r,
            p=self.p,
            maxmem=self.memory + 1024**2,
            dklen=KEY_BYTES,
        )


@dataclass(frozen=True)
class Wrapped:
    """The data key, encrypted with AES-256-GCM under a key made for ``purpose``."""

    purpose: str
    nonce: bytes
    ciphertext: bytes


@dataclass(frozen=True)
class KeyFile:
    """What ``protection.json`` holds: nothing secret without the passphrase."""

    scrypt: Scrypt
    passphrase: Wrapped
    recovery: Wrapped | None = None


@dataclass(frozen=True)
class NewProtection:
    """A journal's keys when protection is turned on: what to keep, what to use, what to show."""

    key_file: KeyFile
    data_key: bytes
    recovery_key: str | None  # shown once, never kept


def protect(passphrase: str, *, with_recovery_key: bool) -> NewProtection:
    """A new random data key, wrapped under ``passphrase`` (and a new recovery key)."""
    check_passphrase(passphrase)
    data_key = secrets.token_bytes(KEY_BYTES)
    scrypt = Scrypt(salt=secrets.token_bytes(SALT_BYTES), n=SCRYPT_N)
    recovery_text = new_recovery_key() if with_recovery_key else None
    key_file = KeyFile(
        scrypt,
        _wrap(scrypt.derive(passphrase), data_key, "passphrase"),
        _wrap(_recovery_wrapping_key(recovery_text), data_key, "recovery")
        if recovery_text
        else None,
    )
    return NewProtection(key_file, data_key, recovery_text)


def check_passphrase(passphrase: str) -> None:
    """Refuse a passphrase too short to protect anything (ValueError, in plain words)."""
    if len(passphrase) < MIN_PASSPHRASE_CHARACTERS:
        raise ValueError(
            f"A passphrase needs at least {MIN_PASSPHRASE_CHARACTERS} characters; a few words "
            "you will remember are best."
        )


def unlock(key_file: KeyFile, passphrase: str) -> bytes:
    """The data key, or :class:`WrongPassphrase`."""
    return _unwrap(key_file.scrypt.derive(passphrase), key_file.passphrase, "passphrase")


def unlock_with_recovery_key(key_file: KeyFile, recovery_key: str) -> bytes:
    """The data key from the recovery key as the person typed it, or :class:`WrongPassphrase`."""
    if key_file.recovery is None:
        raise KeyFileError(
            "There is no recovery key",
            "No recovery key was made when this journal was protected; only the passphrase "
            "opens it.",
        )
    try:
        wrapping = _recovery_wrapping_key(recovery_key)
    except ValueError:
        raise WrongPassphrase("recovery key") from None
    return _unwrap(wrapping, key_file.recovery, "recovery key")


def with_new_passphrase(key_file: KeyFile, data_key: bytes, passphrase: str) -> KeyFile:
    """The key file with the same data key under a new passphrase (and a new salt); the
    recovery key, if any, still opens it."""
    check_passphrase(passphrase)
    scrypt = Scrypt(salt=secrets.token_bytes(SALT_BYTES), n=SCRYPT_N)
    return KeyFile(
        scrypt, _wrap(scrypt.derive(passphrase), data_key, "passphrase"), key_file.recovery
    )


def subkey(data_key: bytes, use: str) -> bytes:
    """A key for one use ("journal", "files") from the data key: never the data key itself."""
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=f"mtcalm {use}".encode()
    ).derive(data_key)


# -- the recovery key --------------------------------------------------------------------------


def new_recovery_key() -> str:
    """160 random bits as eight groups of four: "7K3Q-X9F2-…"."""
    number = int.from_bytes(secrets.token_bytes(RECOVERY_BYTES))
    letters = []
    for _ in range(RECOVERY_BYTES * 8 // 5):
        number, digit = divmod(number, 32)
        letters.append(RECOVERY_ALPHABET[digit])
    text = "".join(reversed(letters))
    return "-".join(text[i : i + RECOVERY_GROUP] for i in range(0, len(text), RECOVERY_GROUP))


def recovery_bytes(recovery_key: str) -> bytes:
    """The recovery key's bits, whatever the case, spacing and dashes it was typed with, and
    with the letters people misread for digits taken as those digits. ValueError otherwise."""
    text = "".join(recovery_key.upper().split()).replace("-", "").translate(_MISREAD)
    if len(text) != RECOVERY_BYTES * 8 // 5 or any(c not in RECOVERY_ALPHABET for c in text):
        raise ValueError("not a recovery key")
    number = 0
    for character in text:
        number = number * 32 + RECOVERY_ALPHABET.index(character)
    return number.to_bytes(RECOVERY_BYTES)


def _recovery_wrapping_key(recovery_key: str | None) -> bytes:
    assert recovery_key is not None
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=b"mtcalm recovery key"
    ).derive(recovery_bytes(recovery_key))


# -- wrapping ----------------------------------------------------------------------------------


def _associated(purpose: str) -> bytes:
    return f"{FORMAT} {VERSION} {purpose}".encode()


def _wrap(wrapping_key: bytes, data_key: bytes, purpose: str) -> Wrapped:
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = AESGCM(wrapping_key).encrypt(nonce, data_key, _associated(purpose))
    return Wrapped(purpose, nonce, ciphertext)


def _unwrap(wrapping_key: bytes, wrapped: Wrapped, what: str) -> bytes:
    try:
        key = AESGCM(wrapping_key).decrypt(
            wrapped.nonce, wrapped.ciphertext, _associated(wrapped.purpose)
        )
    except InvalidTag:
        raise WrongPassphrase(what) from None
    if len(key) != KEY_BYTES:
        raise KeyFileError("The key file is damaged", "The journal's key in it has the wrong size.")
    return key


# -- the file ----------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def key_file_text(key_file: KeyFile) -> str:
    """The key file as JSON (nothing secret in it without the passphrase)."""

    def wrapped(item: Wrapped | None) -> dict[str, str] | None:
        if item is None:
            return None
        return {"nonce": _b64(item.nonce), "ciphertext": _b64(item.ciphertext)}

    scrypt = key_file.scrypt
    document = {
        "format": FORMAT,
        "version": VERSION,
        "kdf": {
            "name": "scrypt",
            "n": scrypt.n,
            "r": scrypt.r,
            "p": scrypt.p,
            "salt": _b64(scrypt.salt),
        },
        "cipher": "AES-256-GCM",
        "passphrase": wrapped(key_file.passphrase),
        "recovery": wrapped(key_file.recovery),
    }
    return json.dumps(document, indent=2) + "\n"


def write_key_file(folder: Path, key_file: KeyFile) -> Path:
    """Write the key file into the data ``folder``, owner-only, whole or not at all."""
    path = folder / KEY_FILE
    write_file_atomically(path, key_file_text(key_file).encode("utf-8"))
    return path


def read_key_file(folder: Path) -> KeyFile | None:
    """The data ``folder``'s key file; None when the journal is not protected. Raises
    :class:`KeyFileError` for one that cannot be used (never a traceback)."""
    path = folder / KEY_FILE
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_KEY_FILE_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise KeyFileError("The key file cannot be read", f"{path}: {error.strerror}.") from error
    if len(raw) > MAX_KEY_FILE_BYTES:
        raise _damaged(path, "it is far larger than a key file")
    try:
        return parse_key_file(raw)
    except (ValueError, KeyError, TypeError) as error:
        raise _damaged(path, str(error)) from error


def parse_key_file(raw: bytes) -> KeyFile:
    """A key file from its bytes; ValueError, KeyError or TypeError when it is not one."""
    document = json.loads(raw.decode("utf-8"))
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError("it is not an mtcalm key file")
    if document.get("version") != VERSION:
        raise ValueError(
            f"it is of version {document.get('version')!r}; this mtcalm reads {VERSION}"
        )
    scrypt = parse_scrypt(document["kdf"])
    passphrase = _wrapped(document["passphrase"], "passphrase")
    if passphrase is None:
        raise ValueError("it holds no key for the passphrase")
    return KeyFile(scrypt, passphrase, _wrapped(document.get("recovery"), "recovery"))


def parse_scrypt(kdf: object) -> Scrypt:
    """scrypt's parameters as a file gives them, refused unless mtcalm would write them (and
    never asking for more than :data:`MAX_MEMORY`); ValueError, KeyError or TypeError."""
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        raise ValueError("its key derivation is not scrypt")
    n, r, p = (_whole(kdf[name], name) for name in ("n", "r", "p"))
    if n < 2**14 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 16:
        raise ValueError("its scrypt parameters are not ones mtcalm writes")
    scrypt = Scrypt(_bytes(kdf["salt"], SALT_BYTES, "salt"), n, r, p)
    if scrypt.memory > MAX_MEMORY:
        raise ValueError("it asks scrypt for more memory than mtcalm allows")
    return scrypt


def _whole(value: object, name: str) -> int:
    if type(value) is not int:
        raise ValueError(f"its {name} is not a whole number")
    return value


def _bytes(value: object, size: int, name: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"its {name} is not text")
    try:
        data = base64.b64decode(value, validate=True)
    except binascii.Error:
        raise ValueError(f"its {name} is not base64") from None
    if len(data) != size:
        raise ValueError(f"its {name} has the wrong size")
    return data


def _wrapped(value: object, purpose: str) -> Wrapped | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"its {purpose} key is not an object")
    nonce = _bytes(value["nonce"], NONCE_BYTES, f"{purpose} nonce")
    ciphertext = _bytes(value["ciphertext"], KEY_BYTES + 16, f"{purpose} key")
    assert purpose in _WRAP_PURPOSES
    return Wrapped(purpose, nonce, ciphertext)


def _damaged(path: Path, why: str) -> KeyFileError:
    return KeyFileError(
        "The key file is damaged",
        f"{path.name} in the data folder cannot be used ({why}). Without it the journal cannot "
        "be opened: restore it from where you keep a copy of the data folder.",
    )
