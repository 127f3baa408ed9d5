"""The account frontdesk is signed in to: its name and the hosts its
Telehealth links may use, from ``GET /settings/public`` (open to every role)
and the key's shard. Read once per session; a failure is not remembered, so
the next caller asks again, and meanwhile only "some host under cliniko.com"
is known."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from frontdesk.cliniko.client import ClinikoClient
from frontdesk.cliniko.errors import ClinikoError
from frontdesk.cliniko.models import PublicSettings
from frontdesk.domain.links import AccountHosts


@dataclass(frozen=True)
class Account:
    name: str | None
    hosts: AccountHosts
    #: why the account's own host is not known (links then only need cliniko.com)
    problem: str | None = None
    #: ISO 3166-1 ("AU", "US"): how the clinic writes dates
    country_code: str | None = None
    #: its word for the people it sees ("patient", "client")
    patient_term: str | None = None


class AccountInfo:
    def __init__(self, client: ClinikoClient) -> None:
        self.client = client
        self._known: Account | None = None
        self._pending: asyncio.Future[Account] | None = None

    @property
    def known(self) -> Account | None:
        return self._known

    async def get(self) -> Account:
        if self._known is not None:
            return self._known
        if self._pending is None or self._pending.done():
            self._pending = asyncio.ensure_future(self._read())
        return await asyncio.shield(self._pending)

    async def _read(self) -> Account:
        shard = self.client.shard
        try:
            settings = PublicSettings.model_validate(await self.client.get("/settings/public"))
        except ClinikoError as exc:
            return Account(None, AccountHosts(None, shard), f"Could not read the account's settings: {exc.message}")
        except ValueError:
            return Account(None, AccountHosts(None, shard), "Cliniko's account settings could not be read.")
        account = settings.account
        subdomain = account.subdomain if account else None
        hosts = AccountHosts(subdomain, shard)
        if subdomain and not hosts.allows(f"{subdomain.lower()}.cliniko.com"):
            hosts = AccountHosts(None, shard)  # not a host name: no help in checking links
            subdomain = None
        self._known = Account(account.name if account else None, hosts,
                              None if subdomain else "Cliniko did not say the account's subdomain.",
                              account.country_code if account else None,
                              settings.terminology.patient if settings.terminology else None)
        return self._known
