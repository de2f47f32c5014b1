"""What the demo's sink took instead of Twilio, with the outbox row and household each message came from."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from azukari.households.models import Household
from azukari.messaging.demo_sink import SunkMessage
from azukari.messaging.models import OutboxMessage


@dataclass(frozen=True)
class DemoMessage:
    at: dt.datetime
    channel: str
    sid: str
    to: str
    body: str
    kind: str            # the outbox's kind (confirmation, reminder…); "" until the send is recorded
    household_pk: int | None
    household_id: str    # carried with dv_flag so the page's DV banner sees the household
    dv_flag: bool


def demo_messages(session: Session, sunk: list[SunkMessage]) -> list[DemoMessage]:
    sids = [message.sid for message in sunk]
    rows = session.execute(select(OutboxMessage.message_sid, OutboxMessage.kind, Household.id,
                                  Household.household_id, Household.dv_flag)
                           .join(Household, Household.id == OutboxMessage.household_pk, isouter=True)
                           .where(OutboxMessage.message_sid.in_(sids))).all() if sids else []
    found = {sid: (kind, pk, household_id, bool(dv)) for sid, kind, pk, household_id, dv in rows}
    shown = []
    for message in sunk:
        kind, pk, household_id, dv = found.get(message.sid, ("", None, "", False))
        shown.append(DemoMessage(message.at, message.channel, message.sid, message.to, message.body,
                                 kind, pk, household_id or "", dv))
    return shown
