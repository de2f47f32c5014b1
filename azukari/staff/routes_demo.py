"""The demo's page: texts and calls the sink took instead of Twilio (`serve --demo` only)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from azukari.runtime import runtime_of
from azukari.staff.console import CENTRE, page
from azukari.staff.demo_messages import demo_messages

router = APIRouter()
# What each outbox kind is, in a clerk's words (messaging/outbox.py's kinds).
KIND_WORDS = {"confirmation": "予約の確認", "cancellation": "予約の取消", "listing": "予約の一覧",
              "notice": "お知らせ", "reminder": "前日のお知らせ", "offer": "キャンセル待ちの空きの案内",
              "waiting": "キャンセル待ちの受付", "expiry_notice": "登録期限のお知らせ",
              "refusal": "予約できなかった理由"}


@router.get("/demo/messages", response_class=HTMLResponse)
def messages(request: Request) -> Response:
    sink = runtime_of(request).sink
    if sink is None:  # not a demo, or one sending to a Twilio of its own: there is no such page
        return JSONResponse({"detail": "Not Found"}, status_code=404)
    with page(request, roles=CENTRE) as p:
        shown = demo_messages(p.session, sink.messages())
        # Numbers on file and booking numbers, made up but shown as the real ones would be: audited alike.
        p.audit("demo.messages_viewed", shown=len(shown))
        for household_pk in sorted({m.household_pk for m in shown if m.household_pk is not None}):
            p.audit("household.shown_in_demo_messages", household_pk=household_pk)
        response = p.render("demo_messages.html", messages=shown, kind_words=KIND_WORDS)
    return response
