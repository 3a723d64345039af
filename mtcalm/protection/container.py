"""mtcalm's encrypted container: an export sealed with a password, written and read as a stream.

A client who emails their journal to a therapist can seal the export (CSV, JSON or PDF) with
a password agreed between them (issue 13); review mode opens it with the same password. The
plain text never touches the disk: the export is encrypted as it is written, a chunk at a time,
and decrypted as it is read.

The format, version 1 (``docs/privacy.md`` describes it for other tools)::

    b"mtcalmE1"                      8 bytes, the magic
    header length                    4 bytes, big-endian, at most 4 KiB
    header                           UTF-8 JSON: {"format": "mtcalm-container", "version": 1,
                                     "kind": "json" | "csv" | "pdf",
                                     "kdf": {"name": "scrypt", "n", "r", "p", "salt"},
                                     "cipher": "AES-256-GCM", "chunk": 1048576,
                                     "nonce_prefix": base64 of 7 bytes}
    chunks                           each AES-256-GCM(key, nonce, plain chunk, associated)

The key is HKDF-SHA256 ("mtcalm container") of scrypt (N = 2^15, r = 8, p = 1) of the
password. Chunk *i* (from 0) is ``chunk`` bytes of plain text (the last one may be shorter,
even empty), its nonce the 7-byte prefix, *i* as 4 bytes big-endian, and one byte: 1 for the
last chunk, 0 otherwise; its associated data is the whole header. So a chunk cut off, moved,
dropped or changed, a header changed, or a container cut short after a whole chunk all fail to
open, as a wrong password does (the STREAM construction of Hoang, Reyhanitabar, Rogaway and
Vizár, as in age and Tink).
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from mtcalm.protection import keys

MAGIC = b"mtcalmE1"
FORMAT = "mtcalm-container"
VERSION = 1
CHUNK = 1024**2
TAG_BYTES = 16
PREFIX_BYTES = 7
MAX_HEADER_BYTES = 4096
MAX_CHUNKS = 2**32 - 1
KINDS = ("json", "csv", "pdf")


class ContainerError(Exception):
    """The container cannot be opened; ``short`` and ``long`` say why in plain words."""

    def __init__(self, short: str, long: str) -> None:
        super().__init__(f"{short}: {long}")
        self.short = short
        self.long = long


def _not_opened() -> ContainerError:
    return ContainerError(
        "The password is not right, or the file was changed",
        "This encrypted file could not be opened with that password. If the password is right, "
        "the file was damaged or cut short on the way (ask for it again).",
    )


def _damaged(why: str) -> ContainerError:
    return ContainerError("This encrypted file is damaged", f"It cannot be read: {why}.")


def looks_like_container(start: bytes) -> bool:
    """Whether a file beginning with ``start`` is an mtcalm container."""
    return start.startswith(MAGIC)


def _key(password: str, scrypt: keys.Scrypt) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=keys.KEY_BYTES, salt=None, info=b"mtcalm container"
    ).derive(scrypt.derive(password))


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    if index > MAX_CHUNKS:
        raise _damaged("it is longer than a container can be")
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class SealingWriter:
    """A binary stream that encrypts what is written to ``target``; :meth:`close` seals it
    (without it the container cannot be opened: a cut-short export is never mistaken for one).
    """

    def __init__(self, target: IO[bytes], password: str, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"not a kind of export: {kind!r}")
        keys.check_passphrase(password)
        scrypt = keys.Scrypt(salt=secrets.token_bytes(keys.SALT_BYTES), n=keys.SCRYPT_N)
        self._prefix = secrets.token_bytes(PREFIX_BYTES)
        header = {
            "format": FORMAT,
            "version": VERSION,
            "kind": kind,
            "kdf": {
                "name": "scrypt",
                "n": scrypt.n,
                "r": scrypt.r,
                "p": scrypt.p,
                "salt": base64.b64encode(scrypt.salt).decode("ascii"),
            },
            "cipher": "AES-256-GCM",
            "chunk": CHUNK,
            "nonce_prefix": base64.b64encode(self._prefix).decode("ascii"),
        }
        self._header = json.dumps(header, separators=(",", ":")).encode("utf-8")
        self._aead = AESGCM(_key(password, scrypt))
        self._target = target
        self._pending = bytearray()
        self._index = 0
        self.closed = False
        target.write(MAGIC + len(self._header).to_bytes(4, "big") + self._header)

    def write(self, data: bytes) -> int:
        if self.closed:
            raise ValueError("the container is sealed")
        self._pending += data
        while len(self._pending) > CHUNK:  # keep at least a chunk back: it may be the last
            self._seal(bytes(self._pending[:CHUNK]), last=False)
            del self._pending[:CHUNK]
        return len(data)

    def close(self) -> None:
        """Write the last chunk (perhaps empty): the container is whole."""
        if self.closed:
            return
        self._seal(bytes(self._pending), last=True)
        self._pending.clear()
        self.closed = True

    def _seal(self, plain: bytes, *, last: bool) -> None:
        nonce = _nonce(self._prefix, self._index, last)
        self._target.write(self._aead.encrypt(nonce, plain, self._header))
        self._index += 1

    def __enter__(self) -> SealingWriter:
        return self

    def __exit__(self, kind: object, *_rest: object) -> None:
        if kind is None:
            self.close()


class OpeningReader:
    """A binary stream of what the container in ``source`` holds, checked a chunk at a time;
    raises :class:`ContainerError` as soon as something does not open."""

    def __init__(self, source: IO[bytes], password: str) -> None:
        self._source = source
        start = source.read(len(MAGIC) + 4)
        if not looks_like_container(start) or len(start) < len(MAGIC) + 4:
            raise _damaged("it is not an mtcalm encrypted file")
        size = int.from_bytes(start[len(MAGIC) :], "big")
        if not 0 < size <= MAX_HEADER_BYTES:
            raise _damaged("its header is not the size of one")
        self._header = source.read(size)
        if len(self._header) != size:
            raise _damaged("it ends inside its header")
        self.kind, scrypt, self._prefix = _read_header(self._header)
        self._aead = AESGCM(_key(password, scrypt))
        self._index = 0
        self._buffer = bytearray()
        self._ended = False
        self._next = source.read(CHUNK + TAG_BYTES)

    def read(self, size: int = -1) -> bytes:
        while not self._ended and (size < 0 or len(self._buffer) < size):
            self._open_next()
        if size < 0:
            size = len(self._buffer)
        taken = bytes(self._buffer[:size])
        del self._buffer[:size]
        return taken

    def _open_next(self) -> None:
        sealed = self._next
        self._next = self._source.read(CHUNK + TAG_BYTES)
        last = not self._next
        if len(sealed) < TAG_BYTES:
            raise _not_opened()  # cut short
        try:
            plain = self._aead.decrypt(
                _nonce(self._prefix, self._index, last), sealed, self._header
            )
        except InvalidTag:
            raise _not_opened() from None
        self._buffer += plain
        self._index += 1
        self._ended = last

    def close(self) -> None:
        self._source.close()

    def __enter__(self) -> OpeningReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _read_header(raw: bytes) -> tuple[str, keys.Scrypt, bytes]:
    try:
        header = json.loads(raw.decode("utf-8"))
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ValueError("its header is not an mtcalm container's")
        if header.get("version") != VERSION:
            raise ContainerError(
                "This encrypted file is from a newer mtcalm",
                f"It is of version {header.get('version')!r}; this mtcalm reads version "
                f"{VERSION}. Update mtcalm to open it.",
            )
        if header.get("cipher") != "AES-256-GCM" or header.get("chunk") != CHUNK:
            raise ValueError("its cipher or chunk size is not one mtcalm writes")
        kind = header.get("kind")
        if kind not in KINDS:
            raise ValueError("it does not say what it holds")
        scrypt = keys.parse_scrypt(header["kdf"])
        prefix = base64.b64decode(str(header["nonce_prefix"]), validate=True)
        if len(prefix) != PREFIX_BYTES:
            raise ValueError("its nonce has the wrong size")
    except ContainerError:
        raise
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        raise _damaged(str(error)) from None
    return str(kind), scrypt, prefix
