"""Twilio's Debugger webhook (contract §5): Twilio's errors and warnings, counted, logged, raised to staff.

Twilio posts each event as a form (`Sid`, `AccountSid`, `Timestamp`, `Level`, `PayloadType`, `Payload`),
the Payload a JSON object with `error_code`, `resource_sid`, `more_info` and, for a webhook failure, the
request and response (https://www.twilio.com/docs/usage/troubleshooting/debugging-event-webhooks). Only
the code, the level and the resource's SID are kept: `more_info` and `webhook` may carry what a caller
said, their number or a message's text, so they are never logged nor stored.
"""
from __future__ import annotations

import json
import logging
import re

from azukari.oversight.escalations import open_escalation
from azukari.runtime import Runtime

log = logging.getLogger("azukari.twilio")

_CODE = re.compile(r"^\d{5}$")
_SID = re.compile(r"^[A-Z]{2}[0-9a-fA-F]{32}$")
# Errors after which a call or a text did not happen as it should (Twilio's error dictionary):
# 11200-11215 our webhook failed or timed out (the caller heard the fallback), 12100/12200/12300 our TwiML
# was refused, 13331/13334/13335/13343/13512 a <Gather> with a language or speech model Twilio refused
# (speech recognition failed), 21211/21214/21215/21610/21614 a number Twilio would not call or text, and
# every 30xxx, a text that was not delivered.
STOPPING = frozenset({"11200", "11205", "11206", "11210", "11215", "12100", "12200", "12300",
                      "13331", "13334", "13335", "13343", "13512", "21211", "21214", "21215", "21610", "21614"})


def stops_a_call_or_text(code: str) -> bool:
    return code in STOPPING or code.startswith("30")


def debugger_event(runtime: Runtime, fields: dict[str, str]) -> None:
    """One signed Debugger event: counted by code and level; a case for staff if it stopped a call or text."""
    level = fields.get("Level", "").strip().lower()
    level = level if level in ("error", "warning") else "other"
    try:
        payload = json.loads(fields.get("Payload", "") or "{}")
    except ValueError:
        payload = {}
    payload = payload if isinstance(payload, dict) else {}
    raw_code = str(payload.get("error_code", "") or "").strip()
    code = raw_code if _CODE.match(raw_code) else "unknown"
    resource = str(payload.get("resource_sid", "") or "")
    resource = resource if _SID.match(resource) else ""
    event = fields.get("Sid", "")
    event = event if re.fullmatch(r"[A-Za-z0-9]{2,64}", event) else ""
    runtime.metrics.twilio_debugger_events.labels(code, level).inc()
    log.warning("twilio debugger: %s %s on %s (event %s)", level, code, resource or "-", event or "-")
    if not stops_a_call_or_text(code):
        return
    with runtime.database.unit_of_work() as session:
        open_escalation(session, kind="twilio_error", channel="twilio", now=runtime.clock.now(),
                        details={"error_code": code, "level": level, "resource_sid": resource, "event_sid": event},
                        dedupe_key=f"twilio_error:{event}" if event else None)
        session.commit()
