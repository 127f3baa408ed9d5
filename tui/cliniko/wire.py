"""What comes over the wire: a body read within a size cap (decoded here,
so a small gzip body cannot inflate to gigabytes), a 429's wait read from
whatever headers it has, and transport failures in words."""

from __future__ import annotations

import email.utils
import math
import ssl
import zlib

import httpx

from frontdesk.cliniko.errors import ProtocolError

MAX_BODY_BYTES = 32 * 1024 * 1024


def finite(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def rate_wait(response: httpx.Response, wall: float) -> float | None:
    """Seconds a 429 asks for, from ``X-RateLimit-Reset`` (epoch seconds) or
    ``Retry-After`` (seconds or an HTTP date); None when neither is usable
    (missing, garbage, infinite)."""
    reset = finite(response.headers.get("X-RateLimit-Reset"))
    if reset is not None:
        return max(0.0, reset - wall)
    retry_after = response.headers.get("Retry-After")
    seconds = finite(retry_after)
    if seconds is not None:
        return max(0.0, seconds)
    if retry_after:
        try:
            when = email.utils.parsedate_to_datetime(retry_after)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when is not None and when.tzinfo is not None:
            return max(0.0, when.timestamp() - wall)
    return None


async def read_body(response: httpx.Response, cap: int) -> bytes:
    """The body, decoded (identity, gzip or deflate) and never more than *cap* bytes."""
    too_big = ProtocolError(f"Cliniko's answer was larger than {cap // (1024 * 1024)} MB; frontdesk stopped reading it.")
    length = finite(response.headers.get("content-length"))
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        if length is not None and length > cap:
            raise too_big
        decoder = None
    elif encoding in ("gzip", "x-gzip"):
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decoder = zlib.decompressobj()
    else:
        raise ProtocolError("Cliniko sent an answer in an encoding frontdesk does not read.")
    if response.is_stream_consumed:  # a transport that answered with the whole body (tests' mocks)
        if len(response.content) > cap:
            raise too_big
        return response.content
    out = bytearray()
    try:
        async for chunk in response.aiter_raw():
            if decoder is None:
                out += chunk
            else:
                data = chunk
                while data:
                    out += decoder.decompress(data, cap + 1 - len(out))
                    data = decoder.unconsumed_tail
                    if len(out) > cap:
                        break
            if len(out) > cap:
                raise too_big
    except zlib.error:
        raise ProtocolError("Cliniko sent a compressed answer that could not be read.") from None
    return bytes(out)


def transport_reason(exc: httpx.TransportError) -> str:
    if _certificate_refused(exc):
        return ("Cliniko's certificate could not be verified, so nothing was sent "
                "(a proxy, a wrong address or this server's clock may be the cause)")
    if isinstance(exc, httpx.ConnectError):
        return "could not connect to Cliniko (offline, or the address is wrong)"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection to Cliniko dropped mid-answer"
    return "the connection to Cliniko failed"


def _certificate_refused(exc: BaseException) -> bool:
    """A failed certificate check, somewhere in the exception's causes."""
    seen: BaseException | None = exc
    for _ in range(8):  # causes are short chains; a cycle must not hang us
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
