"""When a message goes out by call (a number on file that cannot take SMS): pure rules, no I/O.

- A message that answers the parent's own call goes out as soon as that call has ended, at any
  hour: calling the line the parent is still speaking on would only be busy.
- Retries (no answer, busy) and messages nobody asked for just then (reminders, seat offers,
  expiry notices) wait out QUIET_HOURS (21:00-08:00 Tokyo time by default): a landline rings the whole house.
- Three tries over about two hours, then staff call the family themselves.
- A list of bookings ("text my bookings", menu 3) answers the parent's call, so it too goes at once at any
  hour (contract §6); what keeps a caller from making a landline ring all night is that such a household
  gets one list per night (`booking.service.text_my_bookings`, issue 28.13).
"""
from __future__ import annotations

import datetime as dt

from azukari.clock import TOKYO
from azukari.settings import QuietHours

QUIET_FROM, QUIET_UNTIL = dt.time(21, 0), dt.time(8, 0)
NIGHT = QuietHours(QUIET_FROM, QUIET_UNTIL)  # QUIET_HOURS' default (contract §1)
MAX_CALL_ATTEMPTS = 3
RETRY_AFTER = dt.timedelta(minutes=50)  # tries at about 0, 50 and 100 minutes: "three times over two hours"
# A status callback for the parent's call may never come: the hold ends on its own after this.
HOLD_AT_MOST = dt.timedelta(minutes=30)
HOLD_POLL = dt.timedelta(seconds=10)
# Messages nobody asked for at that moment; every other kind answers the parent's own call or text.
UNSOLICITED_KINDS = frozenset({"reminder", "offer", "seat_offer", "expiry", "expiry_notice", "closure"})
# What a call's status callback means for the message it carried.
ANSWERED = "completed"
NOT_REACHED = frozenset({"busy", "no-answer", "failed", "canceled"})


def is_quiet(now: dt.datetime, quiet: QuietHours = NIGHT) -> bool:
    return quiet.covers(now)


def after_quiet_hours(now: dt.datetime, quiet: QuietHours = NIGHT) -> dt.datetime:
    """`now` if calling is allowed then, else the end of the quiet hours (08:00 Tokyo time by default)."""
    if not is_quiet(now, quiet):
        return now
    local = now.astimezone(TOKYO)
    day = local.date() if local.time() < quiet.ends else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, quiet.ends, tzinfo=TOKYO)


def call_wait(*, kind: str, attempts: int, created_at: dt.datetime, after_call: str | None,
              now: dt.datetime, quiet: QuietHours = NIGHT) -> dt.datetime | None:
    """When to try again instead of calling now, or None to call now. `attempts` counts this try."""
    if after_call is not None and now - created_at < HOLD_AT_MOST:
        return now + HOLD_POLL
    if (kind in UNSOLICITED_KINDS or attempts > 1) and is_quiet(now, quiet):
        return after_quiet_hours(now, quiet)
    return None


def next_try(now: dt.datetime, quiet: QuietHours = NIGHT) -> dt.datetime:
    """After an unanswered or busy call: RETRY_AFTER later, never into the quiet hours."""
    return after_quiet_hours(now + RETRY_AFTER, quiet)
