"""``frontdesk locations``: the account's locations (businesses), with the
ids ``--business`` takes and the time zone each day is read in."""

from __future__ import annotations

from frontdesk.domain.timezones import business_zone, zone_problem
from frontdesk.safe_text import dumps_json, fit
from frontdesk.services.session import Session


async def locations_output(session: Session, *, as_json: bool) -> str:
    businesses = await session.loader.businesses()
    rows = []
    for b in businesses.values():
        problem = zone_problem(b.time_zone_identifier, b.time_zone)
        rows.append({"id": b.id, "name": b.name, "time_zone": business_zone(b).key,
                     "zone_problem": problem, "archived": b.archived_at is not None})
    if as_json:
        return dumps_json({"locations": rows})
    lines = [f"{fit('Id', 20)}  {fit('Location', 32)}  Time zone"]
    for row in rows:
        zone = row["time_zone"] + (f" ({row['zone_problem']})" if row["zone_problem"] else "")
        name = row["name"] + (" (archived)" if row["archived"] else "")
        lines.append(f"{fit(row['id'], 20)}  {fit(name, 32)}  {zone}")
    return "\n".join(lines)
