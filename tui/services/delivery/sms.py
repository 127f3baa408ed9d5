"""SMS through Twilio's Messages API (``POST /2010-04-01/Accounts/{sid}/
Messages.json``) or a compatible gateway; the delivery service sees it as
an ``SMSChannel``."""

from __future__ import annotations

import re

import httpx

from frontdesk.config import SMSSection
from frontdesk.services.delivery.errors import ChannelFailed

SID = re.compile(r"^AC[0-9a-fA-F]{32}$")


class TwilioSender:
    channel = "sms"

    def __init__(self, section: SMSSection, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.section = section
        self._transport = transport

    @property
    def sender_address(self) -> str:
        return self.section.from_number

    async def send_sms(self, to: str, body: str) -> str:
        s = self.section
        token = s.secret()
        if not token:
            raise ChannelFailed("No SMS auth token: set the variable named by [sms] auth_token_env.")
        url = f"{s.base_url}/2010-04-01/Accounts/{s.account_sid}/Messages.json"
        try:
            async with httpx.AsyncClient(
                auth=(s.account_sid, token), timeout=s.timeout_seconds, transport=self._transport, follow_redirects=False
            ) as http:
                response = await http.post(url, data={"To": to, "From": s.from_number, "Body": body})
        except httpx.TimeoutException:
            raise ChannelFailed("The SMS gateway did not answer in time.") from None
        except httpx.TransportError:
            raise ChannelFailed("Could not reach the SMS gateway.") from None
        if response.status_code in (200, 201):
            try:
                return str(response.json().get("sid") or "")
            except ValueError:
                return ""
        detail = ""
        try:
            payload = response.json()
            detail = f": {payload.get('message')}" if isinstance(payload, dict) and payload.get("message") else ""
        except ValueError:
            pass
        if response.status_code == 401:
            raise ChannelFailed("The SMS gateway refused frontdesk's credentials (401).")
        raise ChannelFailed(f"The SMS gateway refused the message ({response.status_code}{detail}).")

    def check(self) -> str:
        """Credential format only: nothing is sent (``frontdesk doctor``)."""
        s = self.section
        problems = []
        if not SID.match(s.account_sid):
            problems.append("account_sid should be 'AC' followed by 32 hex characters")
        if not s.secret():
            problems.append("no auth token (set the variable named by auth_token_env)")
        if problems:
            raise ChannelFailed("SMS set-up: " + "; ".join(problems) + ".")
        return f"SMS via {s.base_url} from {s.from_number} (credentials look right; nothing sent)."
