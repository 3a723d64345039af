"""The keys of a protected journal (issue 13): a random data key, wrapped under the passphrase
and a recovery key, in a key file that holds nothing usable without them."""

from __future__ import annotations

import base64
import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mtcalm.protection import keys
from mtcalm.protection.keys import (
    KeyFileError,
    WrongPassphrase,
    key_file_text,
    new_recovery_key,
    parse_key_file,
    protect,
    read_key_file,
    recovery_bytes,
    subkey,
    unlock,
    unlock_with_recovery_key,
    with_new_passphrase,
    write_key_file,
)

PASSPHRASE = "blue kettle on a Tuesday"


@pytest.fixture(autouse=True)
def quick_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """The smallest work factor a key file may have, so the tests run quickly (16 MiB)."""
    monkeypatch.setattr(keys, "SCRYPT_N", 2**14)


def test_the_passphrase_and_only_it_opens_the_key(tmp_path: Path) -> None:
    made = protect(PASSPHRASE, with_recovery_key=False)
    assert made.recovery_key is None and made.key_file.recovery is None
    write_key_file(tmp_path, made.key_file)
    key_file = read_key_file(tmp_path)
    assert key_file is not None
    assert unlock(key_file, PASSPHRASE) == made.data_key
    with pytest.raises(WrongPassphrase) as wrong:
        unlock(key_file, "blue kettle on a Wednesday")
    assert wrong.value.short == "The passphrase is not right"


def test_the_key_file_holds_nothing_usable_without_the_passphrase(tmp_path: Path) -> None:
    made = protect(PASSPHRASE, with_recovery_key=True)
    path = write_key_file(tmp_path, made.key_file)
    raw = path.read_bytes()
    assert made.data_key not in raw and base64.b64encode(made.data_key) not in raw
    assert PASSPHRASE.encode() not in raw
    assert made.recovery_key is not None and made.recovery_key.encode() not in raw
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_recovery_key_opens_it_however_it_is_typed(tmp_path: Path) -> None:
    made = protect(PASSPHRASE, with_recovery_key=True)
    recovery = made.recovery_key
    assert recovery is not None
    groups = recovery.split("-")
    assert len(groups) == 8 and all(len(group) == 4 for group in groups)
    typed = " ".join(groups).lower().replace("1", "l").replace("0", "o")  # as people copy it
    assert unlock_with_recovery_key(made.key_file, typed) == made.data_key
    with pytest.raises(WrongPassphrase) as wrong:
        unlock_with_recovery_key(made.key_file, new_recovery_key())
    assert wrong.value.short == "The recovery key is not right"
    with pytest.raises(WrongPassphrase):
        unlock_with_recovery_key(made.key_file, "not a key at all")


def test_without_a_recovery_key_it_says_so() -> None:
    made = protect(PASSPHRASE, with_recovery_key=False)
    with pytest.raises(KeyFileError) as none:
        unlock_with_recovery_key(made.key_file, new_recovery_key())
    assert none.value.short == "There is no recovery key"


def test_a_new_passphrase_keeps_the_data_key_and_the_recovery_key() -> None:
    made = protect(PASSPHRASE, with_recovery_key=True)
    changed = with_new_passphrase(made.key_file, made.data_key, "a new passphrase, longer")
    assert changed.scrypt.salt != made.key_file.scrypt.salt
    assert unlock(changed, "a new passphrase, longer") == made.data_key
    with pytest.raises(WrongPassphrase):
        unlock(changed, PASSPHRASE)
    assert made.recovery_key is not None
    assert unlock_with_recovery_key(changed, made.recovery_key) == made.data_key


def test_a_short_passphrase_is_refused_in_plain_words() -> None:
    with pytest.raises(ValueError, match="at least 8 characters"):
        protect("short", with_recovery_key=False)


def test_keys_for_each_use_differ_from_the_data_key_and_each_other() -> None:
    data_key = bytes(range(32))
    journal, files = subkey(data_key, "journal"), subkey(data_key, "files")
    assert len(journal) == len(files) == 32
    assert len({data_key, journal, files}) == 3
    assert subkey(data_key, "journal") == journal, "the same every time"


def test_recovery_keys_are_random_and_read_back_exactly() -> None:
    made = {new_recovery_key() for _ in range(50)}
    assert len(made) == 50
    for key in list(made)[:5]:
        assert len(recovery_bytes(key)) == 20
    with pytest.raises(ValueError):
        recovery_bytes("ABCD-ABCD")  # too short


def _document(tmp_path: Path) -> dict[str, Any]:
    made = protect(PASSPHRASE, with_recovery_key=True)
    return json.loads(key_file_text(made.key_file))


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda d: d.update(format="something else"), "not an mtcalm key file"),
        (lambda d: d.update(version=2), "of version 2"),
        (lambda d: d["kdf"].update(name="pbkdf2"), "not scrypt"),
        (lambda d: d["kdf"].update(n=2**24, r=32), "more memory"),  # a hostile file: 64 GiB
        (lambda d: d["kdf"].update(n=1000), "not ones mtcalm writes"),
        (lambda d: d["kdf"].update(n="16384"), "not a whole number"),
        (lambda d: d["kdf"].update(salt="!!"), "not base64"),
        (lambda d: d["kdf"].update(salt=base64.b64encode(b"short").decode()), "wrong size"),
        (lambda d: d.update(passphrase=None), "no key for the passphrase"),
        (lambda d: d["passphrase"].update(ciphertext="AAAA"), "wrong size"),
        (lambda d: d.update(recovery=[1, 2]), "not an object"),
    ],
)
def test_a_damaged_or_hostile_key_file_is_refused_plainly(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], says: str
) -> None:
    document = _document(tmp_path)
    change(document)
    (tmp_path / keys.KEY_FILE).write_text(json.dumps(document))
    with pytest.raises(KeyFileError) as refused:
        read_key_file(tmp_path)
    assert refused.value.short == "The key file is damaged"
    assert says in refused.value.long


def test_a_changed_key_is_not_taken_for_the_journals(tmp_path: Path) -> None:
    made = protect(PASSPHRASE, with_recovery_key=False)
    document = json.loads(key_file_text(made.key_file))
    ciphertext = bytearray(base64.b64decode(document["passphrase"]["ciphertext"]))
    ciphertext[0] ^= 1
    document["passphrase"]["ciphertext"] = base64.b64encode(bytes(ciphertext)).decode()
    key_file = parse_key_file(json.dumps(document).encode())
    with pytest.raises(WrongPassphrase):
        unlock(key_file, PASSPHRASE)


def test_no_key_file_means_no_protection_and_junk_is_not_a_traceback(tmp_path: Path) -> None:
    assert read_key_file(tmp_path) is None
    (tmp_path / keys.KEY_FILE).write_bytes(b"\xff\xfe not json")
    with pytest.raises(KeyFileError):
        read_key_file(tmp_path)
    (tmp_path / keys.KEY_FILE).write_bytes(b"{" * (keys.MAX_KEY_FILE_BYTES + 10))
    with pytest.raises(KeyFileError) as huge:
        read_key_file(tmp_path)
    assert "far larger" in huge.value.long


def test_the_work_factor_written_is_memory_hard(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parameters the module states: scrypt N = 2^15, r = 8, p = 1, 32 MiB a try."""
    monkeypatch.undo()
    made = protect(PASSPHRASE, with_recovery_key=False)
    scrypt = made.key_file.scrypt
    assert (scrypt.n, scrypt.r, scrypt.p) == (2**15, 8, 1)
    assert scrypt.memory == 32 * 1024**2
    assert unlock(made.key_file, PASSPHRASE) == made.data_key
