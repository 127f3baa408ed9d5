"""TLS from the outside: an HTTPS server on loopback whose certificate no
system authority signed. The client must refuse it and say why in words
staff can act on, and send nothing (not even the key) over it."""

from __future__ import annotations

import asyncio
import ssl

import pytest
import trustme

from frontdesk.cliniko.client import ClinikoClient
from frontdesk.cliniko.errors import NetworkError
from frontdesk.cliniko.governor import RateGovernor
from frontdesk.sandbox.seed import DEMO_KEY

CONTACT = "it@clinic.example"


@pytest.fixture
async def untrusted_https():
    """An HTTPS listener with a certificate from a private authority; it
    records every byte that reaches it after the handshake."""
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    received: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            received.append(await reader.read(65536))
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
            await writer.drain()
        except (ssl.SSLError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    yield f"https://127.0.0.1:{port}/v1", received, authority
    server.close()
    await server.wait_closed()


async def test_a_certificate_that_cannot_be_verified_is_refused_in_words(untrusted_https):
    url, received, _ = untrusted_https
    client = ClinikoClient(DEMO_KEY, CONTACT, base_url=url, governor=RateGovernor(), retries=0)
    try:
        with pytest.raises(NetworkError) as caught:
            await client.current_user()
    finally:
        await client.aclose()
    words = str(caught.value)
    assert "certificate" in words and "could not be verified" in words
    assert "offline" not in words  # the network is up: saying so would send staff the wrong way
    assert received == [] or all(b"Authorization" not in chunk for chunk in received)
