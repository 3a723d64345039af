"""mtcalm's encrypted container (issue 13): an export sealed with a password as it is written,
opened as it is read, and refused whole when anything about it was changed."""

from __future__ import annotations

import io
import json

import pytest

from mtcalm.protection import container, keys
from mtcalm.protection.container import (
    CHUNK,
    MAGIC,
    TAG_BYTES,
    ContainerError,
    OpeningReader,
    SealingWriter,
    looks_like_container,
)

PASSWORD = "tuesday at the clinic"
NOTE = "craving was 8 before the walk; calmer after the sea"


@pytest.fixture(autouse=True)
def quick_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keys, "SCRYPT_N", 2**14)


def sealed(plain: bytes, kind: str = "json", pieces: int = 3) -> bytes:
    target = io.BytesIO()
    with SealingWriter(target, PASSWORD, kind) as writer:
        step = max(1, len(plain) // pieces)
        for start in range(0, len(plain), step):  # written in pieces, as an export is
            writer.write(plain[start : start + step])
    return target.getvalue()


def opened(data: bytes, password: str = PASSWORD, size: int = 65536) -> tuple[str, bytes]:
    reader = OpeningReader(io.BytesIO(data), password)
    parts = []
    while part := reader.read(size):
        parts.append(part)
    return reader.kind, b"".join(parts)


@pytest.mark.parametrize(
    "length", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 12345]
)
def test_what_is_sealed_opens_exactly_at_any_length(length: int) -> None:
    plain = bytes(index % 251 for index in range(length))
    data = sealed(plain)
    assert looks_like_container(data)
    assert opened(data) == ("json", plain)
    assert opened(data, size=7)[1] == plain  # read in small pieces, as the import does


def test_nothing_of_the_export_can_be_read_in_the_file() -> None:
    plain = json.dumps({"note": NOTE, "feelings": ["ashamed", "hopeful"]}).encode() * 50
    data = sealed(plain)
    for secret in (NOTE.encode(), b"ashamed", b"hopeful", PASSWORD.encode()):
        assert secret not in data
    assert data.startswith(MAGIC)


def test_a_wrong_password_opens_nothing() -> None:
    data = sealed(NOTE.encode())
    with pytest.raises(ContainerError) as wrong:
        opened(data, password="tuesday at the clinik")
    assert wrong.value.short == "The password is not right, or the file was changed"


def _chunks(data: bytes) -> tuple[bytes, list[bytes]]:
    size = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "big")
    head = data[: len(MAGIC) + 4 + size]
    body = data[len(head) :]
    step = CHUNK + TAG_BYTES
    return head, [body[i : i + step] for i in range(0, len(body), step)]


def test_a_container_cut_short_or_reordered_or_changed_does_not_open() -> None:
    plain = b"x" * (2 * CHUNK + 100)
    data = sealed(plain)
    head, chunks = _chunks(data)
    assert len(chunks) == 3
    attempts = {
        "its last chunk dropped": head + chunks[0] + chunks[1],
        "cut inside a chunk": data[:-5],
        "two chunks swapped": head + chunks[1] + chunks[0] + chunks[2],
        "a byte changed": data[:-40] + bytes([data[-40] ^ 1]) + data[-39:],
        "a chunk repeated": head + chunks[0] + chunks[0] + chunks[1] + chunks[2],
    }
    for what, changed in attempts.items():
        with pytest.raises(ContainerError) as refused:
            opened(changed)
        assert "could not be opened" in refused.value.long, what


def test_a_changed_header_does_not_open() -> None:
    data = sealed(b"the journal")
    changed = data.replace(b'"kind":"json"', b'"kind":"csv"')
    assert changed != data
    with pytest.raises(ContainerError):
        opened(changed)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"PK\x03\x04 a zip file", "not an mtcalm encrypted file"),
        (MAGIC + (10**6).to_bytes(4, "big"), "not the size of one"),
        (MAGIC + (50).to_bytes(4, "big") + b"{", "ends inside its header"),
        (MAGIC + (3).to_bytes(4, "big") + b"[1]", "not an mtcalm container's"),
    ],
)
def test_what_is_not_a_container_is_told_plainly(data: bytes, says: str) -> None:
    with pytest.raises(ContainerError) as refused:
        OpeningReader(io.BytesIO(data), PASSWORD)
    assert refused.value.short == "This encrypted file is damaged"
    assert says in refused.value.long


def _with_header(data: bytes, change: dict[str, object]) -> bytes:
    size = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "big")
    header = json.loads(data[len(MAGIC) + 4 : len(MAGIC) + 4 + size])
    header.update(change)
    raw = json.dumps(header).encode()
    return MAGIC + len(raw).to_bytes(4, "big") + raw + data[len(MAGIC) + 4 + size :]


def test_a_hostile_header_is_refused_before_any_work() -> None:
    data = sealed(b"the journal")
    hostile_kdf = {
        "name": "scrypt",
        "n": 2**24,
        "r": 32,
        "p": 1,
        "salt": "AAAAAAAAAAAAAAAAAAAAAA==",
    }
    with pytest.raises(ContainerError) as memory:
        OpeningReader(io.BytesIO(_with_header(data, {"kdf": hostile_kdf})), PASSWORD)
    assert "more memory" in memory.value.long
    with pytest.raises(ContainerError) as newer:
        OpeningReader(io.BytesIO(_with_header(data, {"version": 2})), PASSWORD)
    assert newer.value.short == "This encrypted file is from a newer mtcalm"
    with pytest.raises(ContainerError):
        OpeningReader(io.BytesIO(_with_header(data, {"kind": "exe"})), PASSWORD)


def test_an_unsealed_container_is_never_mistaken_for_a_whole_one() -> None:
    """An export that failed half-way (its writer never closed) cannot be opened."""
    target = io.BytesIO()
    writer = SealingWriter(target, PASSWORD, "csv")
    writer.write(b"a" * (CHUNK + 10))  # one whole chunk is out; the last never is
    with pytest.raises(ContainerError):
        opened(target.getvalue())


def test_a_short_password_or_an_unknown_kind_is_refused_before_writing() -> None:
    target = io.BytesIO()
    with pytest.raises(ValueError, match="at least 8 characters"):
        SealingWriter(target, "short", "json")
    with pytest.raises(ValueError):
        SealingWriter(target, PASSWORD, "exe")
    assert target.getvalue() == b""


def test_two_containers_of_the_same_export_differ() -> None:
    """A fresh salt and nonce each time: nothing repeats between two copies."""
    assert sealed(b"the journal") != sealed(b"the journal")
    assert container.PREFIX_BYTES + 4 + 1 == 12  # the AES-GCM nonce: prefix, index, last
