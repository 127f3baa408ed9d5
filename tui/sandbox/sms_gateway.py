"""A Twilio-compatible SMS gateway, for the demo and the tests: it keeps
what it is sent (``sms_outbox``) and sends nothing."""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from frontdesk.sandbox.clock import iso_z


class SmsGateway:
    """Part of :class:`~frontdesk.sandbox.server.Sandbox`."""

    async def sms_gateway(self, request: Request) -> Response:
        """``POST /twilio/2010-04-01/Accounts/{sid}/Messages.json``; Basic auth
        ``sid:token``; form fields To, From, Body; 201 with a message sid."""
        parts = request.url.path.strip("/").split("/")
        if request.method != "POST" or len(parts) != 5 or parts[4] != "Messages.json":
            return JSONResponse({"code": 20404, "message": "The requested resource was not found"}, status_code=404)
        sid = parts[3]
        header = request.headers.get("authorization", "")
        try:
            user, _, token = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            user, token = "", ""
        if user != sid or token != self.sms_credentials.get(sid):
            return JSONResponse({"code": 20003, "message": "Authenticate"}, status_code=401)
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        to, sender, body = form.get("To"), form.get("From"), form.get("Body")
        if not to:
            return JSONResponse({"code": 21604, "message": "A 'To' phone number is required."}, status_code=400)
        if not re.match(r"^\+[1-9]\d{6,14}$", str(to)):
            return JSONResponse({"code": 21211, "message": f"The 'To' number {to} is not a valid phone number."}, status_code=400)
        if not body:
            return JSONResponse({"code": 21602, "message": "Message body is required."}, status_code=400)
        with self._lock:
            message_sid = f"SM{len(self.sms_outbox) + 1:032x}"
            record = {"sid": message_sid, "to": str(to), "from": str(sender), "body": str(body),
                      "status": "queued", "date_created": iso_z(self.clock())}
            self.sms_outbox.append(record)
        return JSONResponse(record | {"account_sid": sid}, status_code=201)
