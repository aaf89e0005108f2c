"""Every use of the cryptography package: Fernet keys and tokens (saved sessions, see
optout.sessions), scrypt keys from a passphrase (session exports), and the public-key pin of a
server's certificate (origin maps, see optout.originmap). cryptography loads on first use:
commands that open no session or certificate do not pay for its import."""

from __future__ import annotations

import base64
import hashlib


class CannotDecrypt(ValueError):
    """A token made with another key, or altered."""


def new_key() -> bytes:
    """A fresh Fernet key: 32 random bytes, url-safe base64."""
    from cryptography.fernet import Fernet

    return Fernet.generate_key()


class Cipher:
    """Authenticated encryption (Fernet) with one key."""

    def __init__(self, key: bytes):
        from cryptography.fernet import Fernet

        self._fernet = Fernet(key)

    @classmethod
    def from_passphrase(cls, passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> Cipher:
        """The key scrypt derives from the passphrase at this cost (N = 2**log2_n)."""
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        kdf = Scrypt(salt=salt, length=32, n=1 << log2_n, r=r, p=p)
        return cls(base64.urlsafe_b64encode(kdf.derive(passphrase.encode())))

    def encrypt(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise CannotDecrypt("made with another key, or altered") from None


def public_key_pin(der_certificate: bytes) -> str:
    """The base64 SHA-256 of a DER certificate's SubjectPublicKeyInfo (what Chromium's
    --ignore-certificate-errors-spki-list takes)."""
    from cryptography import x509  # only here: certificates are parsed only when an origin map is active
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public_key = x509.load_der_x509_certificate(der_certificate).public_key()
    spki = public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")


def self_signed_certificate(names: list[str], addresses: list[str]) -> tuple[bytes, bytes]:
    """(certificate, private key) as PEM, valid for a day for these names and IP addresses: the
    throwaway certificate of a replica site."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.datetime.now(datetime.timezone.utc)
    alternatives: list[x509.GeneralName] = [x509.DNSName(name) for name in names]
    alternatives += [x509.IPAddress(ipaddress.ip_address(address)) for address in addresses]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return certificate.public_bytes(serialization.Encoding.PEM), private
