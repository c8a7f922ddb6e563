import base64
import hashlib
import hmac
import os
import stat

import pytest
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from avvikelse.core import crypto
from avvikelse.core.crypto import FieldCipher, load_keys

TEST_NUMBER = "191212121212"  # Skatteverket's published test personnummer


@pytest.fixture
def old_key():
    return Fernet.generate_key()


@pytest.fixture
def new_key():
    return Fernet.generate_key()


@pytest.mark.parametrize("plaintext", [TEST_NUMBER, "", "Åsa Öberg – ärende", "x" * 10_000])
def test_round_trip(old_key, plaintext):
    cipher = FieldCipher([old_key])
    assert cipher.decrypt(cipher.encrypt(plaintext)) == plaintext


def test_ciphertext_hides_the_plaintext(old_key):
    cipher = FieldCipher([old_key])
    first, second = cipher.encrypt(TEST_NUMBER), cipher.encrypt(TEST_NUMBER)
    assert first != second  # random IV: equal numbers cannot be spotted in the table
    for token in (first, second):
        assert TEST_NUMBER not in token
        assert TEST_NUMBER[2:] not in token
        assert TEST_NUMBER.encode() not in base64.urlsafe_b64decode(token)


def test_token_from_old_key_decrypts_and_rotates_to_new_key(old_key, new_key):
    token = FieldCipher([old_key]).encrypt(TEST_NUMBER)
    rotating = FieldCipher([new_key, old_key])
    assert rotating.decrypt(token) == TEST_NUMBER

    rotated = rotating.rotate(token)
    assert rotated != token
    assert FieldCipher([new_key]).decrypt(rotated) == TEST_NUMBER
    with pytest.raises(InvalidToken):
        FieldCipher([old_key]).decrypt(rotated)


def test_new_tokens_use_the_first_key(old_key, new_key):
    token = FieldCipher([new_key, old_key]).encrypt(TEST_NUMBER)
    assert FieldCipher([new_key]).decrypt(token) == TEST_NUMBER
    with pytest.raises(InvalidToken):
        FieldCipher([old_key]).decrypt(token)


def test_tampered_token_is_refused(old_key):
    cipher = FieldCipher([old_key])
    raw = bytearray(base64.urlsafe_b64decode(cipher.encrypt(TEST_NUMBER)))
    raw[-40] ^= 1
    with pytest.raises(InvalidToken):
        cipher.decrypt(base64.urlsafe_b64encode(bytes(raw)).decode())


def test_blind_index_is_deterministic_and_distinguishes_values(old_key):
    cipher = FieldCipher([old_key])
    index = cipher.blind_index(TEST_NUMBER)
    assert index == FieldCipher([old_key]).blind_index(TEST_NUMBER)
    assert index != cipher.blind_index("191212121213")
    assert len(index) == 64 and int(index, 16) >= 0


def test_blind_index_is_keyed(old_key, new_key):
    index = FieldCipher([old_key]).blind_index(TEST_NUMBER)
    assert index != hashlib.sha256(TEST_NUMBER.encode()).hexdigest()
    assert index != FieldCipher([new_key]).blind_index(TEST_NUMBER)


def test_blind_index_survives_key_rotation(old_key, new_key):
    before = FieldCipher([old_key]).blind_index(TEST_NUMBER)
    assert FieldCipher([new_key, old_key]).blind_index(TEST_NUMBER) == before


def test_explicit_index_key_pins_the_index_after_old_key_is_dropped(old_key, new_key):
    before = FieldCipher([old_key]).blind_index(TEST_NUMBER)
    assert FieldCipher([new_key], index_key=old_key).blind_index(TEST_NUMBER) == before


def test_blind_index_derivation_is_stable(old_key):
    # Changing the derivation would silently orphan every stored index: pin it.
    index_key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"avvikelse blind index v1"
    ).derive(base64.urlsafe_b64decode(old_key))
    expected = hmac.new(index_key, TEST_NUMBER.encode(), hashlib.sha256).hexdigest()
    assert FieldCipher([old_key]).blind_index(TEST_NUMBER) == expected


BAD_KEYS = [
    "not-a-key",
    "A" * 43,  # one character short
    base64.urlsafe_b64encode(b"k" * 16).decode(),  # 16 bytes, not 32
    base64.b64encode(b"\xfb" * 32).decode(),  # standard alphabet: + and /
    "=" + "A" * 43,
]


@pytest.mark.parametrize("bad", BAD_KEYS)
def test_invalid_key_is_refused_without_echoing_it(bad):
    with pytest.raises(ValueError) as caught:
        load_keys(bad, "/nonexistent")
    message = str(caught.value)
    assert "AVVIKELSE_ENCRYPTION_KEY" in message
    assert bad not in message


@pytest.mark.parametrize("bad", [*BAD_KEYS, "", "A" * 44])
def test_field_cipher_refuses_invalid_keys(bad):
    with pytest.raises(ValueError):
        FieldCipher([bad.encode()])


def test_field_cipher_needs_a_key():
    with pytest.raises(ValueError):
        FieldCipher([])


def test_setting_with_several_keys_keeps_order(old_key, new_key):
    setting = f" {new_key.decode()} ,\n{old_key.decode()} "
    assert load_keys(setting, "/nonexistent") == [new_key, old_key]


@pytest.mark.parametrize("suffix", [",", ",,", ", "])
def test_empty_key_entry_is_refused(old_key, suffix):
    with pytest.raises(ValueError, match="key 2"):
        load_keys(old_key.decode() + suffix, "/nonexistent")


def test_second_bad_key_is_named_by_position(old_key):
    with pytest.raises(ValueError, match="key 2"):
        load_keys(f"{old_key.decode()},not-a-key", "/nonexistent")


@pytest.mark.parametrize("setting", [None, "", "  "])
def test_missing_setting_creates_a_private_key_file(tmp_path, setting):
    instance = tmp_path / "instance" / "nested"
    keys = load_keys(setting, str(instance))

    key_file = instance / "encryption.key"
    assert len(keys) == 1 and Fernet(keys[0])
    assert key_file.read_bytes().strip() == keys[0]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert os.listdir(instance) == ["encryption.key"]  # no temp file left behind
    assert load_keys(setting, str(instance)) == keys


def test_existing_key_file_is_read(tmp_path, old_key):
    (tmp_path / "encryption.key").write_bytes(old_key + b"\n")
    assert load_keys(None, str(tmp_path)) == [old_key]


def test_corrupt_key_file_is_refused(tmp_path):
    (tmp_path / "encryption.key").write_text("garbage\n")
    with pytest.raises(ValueError, match="encryption.key"):
        load_keys(None, str(tmp_path))


def test_key_file_written_by_another_process_is_not_replaced(tmp_path, old_key):
    key_file = tmp_path / "encryption.key"
    key_file.write_bytes(old_key + b"\n")
    crypto._create_key_file(str(key_file))  # lost the race after the exists() check
    assert key_file.read_bytes() == old_key + b"\n"
    assert os.listdir(tmp_path) == ["encryption.key"]
