"""Origin maps: loopback only unless asked, and each mapped server's certificate pinned."""

from __future__ import annotations

import base64
import hashlib
import socket
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from optout.originmap import (
    Mapping,
    OriginMapError,
    OriginUnreachable,
    certificate_pins,
    parse_mapping,
    parse_origin_map,
    resolver_rules,
)
from optout.replica import start_replica

NOT_LOOPBACK = ("origin map 'www.linkedin.com=10.1.2.3:443': 10.1.2.3 is not a loopback address (127.0.0.0/8, ::1); "
                "pass --origin-map-any-address or set OPTOUT_ORIGIN_MAP_ANY_ADDRESS=1 to allow it")


@pytest.mark.parametrize(("address", "expected"), [
    ("127.0.0.1", "127.0.0.1"), ("127.8.9.10", "127.8.9.10"), ("::1", "::1"), ("[::1]", "::1")])
def test_loopback_addresses_are_accepted(address, expected):
    assert parse_mapping(f"www.linkedin.com={address}:8443") == Mapping("www.linkedin.com", expected, 8443)


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.1.2", "0.0.0.0", "2001:db8::1", "[2001:db8::1]"])
def test_other_addresses_need_to_be_allowed(address):
    with pytest.raises(OriginMapError, match="is not a loopback address"):
        parse_mapping(f"www.linkedin.com={address}:443")

    assert parse_mapping(f"www.linkedin.com={address}:443", any_address=True).port == 443


def test_the_refusal_names_the_entry_from_a_flag_or_the_environment():
    for flags, environ in ((["www.linkedin.com=10.1.2.3:443"], {}), ([], {"OPTOUT_ORIGIN_MAP": "www.linkedin.com=10.1.2.3:443"})):
        with pytest.raises(OriginMapError) as raised:
            parse_origin_map(flags, environ)
        assert str(raised.value) == NOT_LOOPBACK


@pytest.mark.parametrize(("value", "allowed"), [("1", True), ("0", False), ("", False)])
def test_the_environment_can_allow_any_address(value, allowed):
    environ = {"OPTOUT_ORIGIN_MAP": "www.linkedin.com=10.1.2.3:443", "OPTOUT_ORIGIN_MAP_ANY_ADDRESS": value}
    if allowed:
        assert parse_origin_map([], environ) == [Mapping("www.linkedin.com", "10.1.2.3", 443)]
    else:
        with pytest.raises(OriginMapError):
            parse_origin_map([], environ)


def test_resolver_rules_bracket_ipv6_addresses():
    mappings = [Mapping("www.linkedin.com", "127.0.0.1", 8443), Mapping("linkedin.com", "::1", 8444)]

    assert resolver_rules(mappings) == "MAP www.linkedin.com:443 127.0.0.1:8443, MAP linkedin.com:443 [::1]:8444"


def spki_pin(certificate_pem: bytes) -> str:
    public_key = x509.load_pem_x509_certificate(certificate_pem).public_key()
    spki = public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


def test_pins_are_the_mapped_servers_public_keys():
    first, second = start_replica("linkedin"), start_replica("github")
    try:
        pins = certificate_pins([Mapping("www.linkedin.com", "127.0.0.1", first.port),
                                 Mapping("linkedin.com", "127.0.0.1", first.port),
                                 Mapping("github.com", "127.0.0.1", second.port)])
        expected = sorted({spki_pin(first.cert_file.read_bytes()), spki_pin(second.cert_file.read_bytes())})
    finally:
        first.stop()
        second.stop()

    assert pins == expected and len(pins) == 2


def test_a_server_that_does_not_speak_tls_cannot_be_pinned():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]

        def answer_in_plain_http():
            connection, _ = server.accept()
            with connection:
                connection.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n")

        threading.Thread(target=answer_in_plain_http, daemon=True).start()
        with pytest.raises(OriginUnreachable) as raised:
            certificate_pins([Mapping("www.linkedin.com", "127.0.0.1", port)])

    assert str(raised.value).startswith(f"origin map www.linkedin.com=127.0.0.1:{port}: no TLS server answers at "
                                        f"127.0.0.1:{port} (")


# Through the command line.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_map_to_another_machine_is_one_line_and_exit_2(cli):
    refused = cli("check", "linkedin", "--origin-map", "www.linkedin.com=10.1.2.3:443")

    assert (refused.returncode, refused.stderr) == (2, f"error: {NOT_LOOPBACK}\n")


def test_the_flag_allows_any_address_and_a_silent_one_stops_the_run(cli):
    # 0.0.0.0 is not loopback, yet reaches this machine: nothing listens on the port.
    port = free_port()
    completed = cli("check", "linkedin", "--origin-map-any-address", "--origin-map", f"www.linkedin.com=0.0.0.0:{port}")

    assert completed.returncode == 3
    assert completed.stderr.endswith(f"error: origin map www.linkedin.com=0.0.0.0:{port}: no TLS server answers at "
                                     f"0.0.0.0:{port} (Connection refused). Start the replica there, or fix the map.\n")
    assert "Traceback" not in completed.stderr
    assert "and the certificates found there are accepted for those hosts only." in completed.stderr


@pytest.mark.parametrize("command", ["check", "apply", "login", "scheduled"])
def test_every_command_with_an_origin_map_takes_the_flag(cli, command):
    assert "--origin-map-any-address" in cli(command, "--help").stdout
