"""The one module that holds cryptography: session encryption, passphrase keys, certificate pins."""

from __future__ import annotations

import base64
import ssl

import pytest

from optout.crypto import CannotDecrypt, Cipher, new_key, public_key_pin, self_signed_certificate

SALT = b"0123456789abcdef"


def test_a_token_opens_only_with_its_own_key():
    token = Cipher(new_key()).encrypt(b"cookies")
    with pytest.raises(CannotDecrypt, match="made with another key, or altered"):
        Cipher(new_key()).decrypt(token)


def test_a_passphrase_key_opens_what_it_sealed_and_a_wrong_one_does_not():
    sealed = Cipher.from_passphrase("correct horse battery", SALT, 10, 8, 1).encrypt(b"session")
    assert Cipher.from_passphrase("correct horse battery", SALT, 10, 8, 1).decrypt(sealed) == b"session"
    with pytest.raises(CannotDecrypt):
        Cipher.from_passphrase("wrong horse battery", SALT, 10, 8, 1).decrypt(sealed)


def test_the_pin_of_a_certificate_is_the_base64_sha256_of_its_public_key():
    certificate, _ = self_signed_certificate(["www.linkedin.com"], ["127.0.0.1"])
    der = ssl.PEM_cert_to_DER_cert(certificate.decode())
    pin = public_key_pin(der)
    assert len(base64.b64decode(pin)) == 32
    assert pin == public_key_pin(der)
    other, _ = self_signed_certificate(["www.linkedin.com"], ["127.0.0.1"])
    assert public_key_pin(ssl.PEM_cert_to_DER_cert(other.decode())) != pin  # a new key each time
