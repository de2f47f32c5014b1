"""One parents' page request: its unit of work, language, the signed-in household (if any), CSRF, rendering.

Pages never cache (they name children and bookings), cookies are HttpOnly and SameSite=Lax, and Secure
when PUBLIC_BASE_URL is https. A form before sign-in carries a token that must match a cookie's
(double submit); after sign-in, the session's own token.
"""
from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from azukari.clock import tokyo_date
from azukari.language import LANGUAGES, Language
from azukari.language.facility_names import chinese_name, english_name, korean_name
from azukari.operations.client_address import of_request
from azukari.runtime import Runtime, runtime_of
from azukari.web import signin
from azukari.web.catalogue import CATALOGUES, language_of, phrase

LANGUAGE_COOKIE = "azukari_lang"
FORM_COOKIE = "azukari_form"

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


class SignInRequired(Exception):
    """No live session (or it went idle): the browser goes to the sign-in page."""


class PasswordChangeRequired(Exception):
    """Signed in with the letter's password: only the change page opens."""


class BadForm(Exception):
    """A form whose CSRF token is missing or wrong."""


@dataclass
class WebPage:
    request: Request
    session: Session
    runtime: Runtime
    now: dt.datetime
    language: Language
    parent: signin.Parent | None
    form_token: str

    @property
    def today(self) -> dt.date:
        return tokyo_date(self.now)

    @property
    def household_pk(self) -> int:
        assert self.parent is not None
        return self.parent.household_pk

    @property
    def csrf(self) -> str:
        return self.parent.record.csrf_token if self.parent is not None else self.form_token

    def t(self, key: str, **values: object) -> str:
        return phrase(self.language, key, **values)

    def place(self, name: str, name_en: str | None, reading: str) -> str:
        """A facility as the phone names it at first mention in this language (`facility_names`, contract §4):
        Latin letters for English, 光丘中心 for Chinese, 히카리가오카 센터 for Korean — these two followed by the
        Japanese name on the sign; the Japanese name for Japanese."""
        own, sign = self._place(name, name_en, reading)
        return own if sign is None else f"{own} ({sign})"

    def place_html(self, name: str, name_en: str | None, reading: str) -> Markup:
        """`place` for a page: the Japanese name on the sign marked as Japanese inside another language."""
        own, sign = self._place(name, name_en, reading)
        if sign is None:
            return self.japanese(own) if own == name else escape(own)
        return escape(own) + Markup(" (") + self.japanese(sign) + Markup(")")

    def japanese(self, text: str) -> Markup:
        """Japanese words (a child's name, a facility's sign) on a page in another language, marked `lang="ja"`
        so a screen reader reads them in Japanese, not as Chinese or Korean characters (WCAG 3.1.2)."""
        if self.language == "ja":
            return escape(text)
        return Markup('<span lang="ja">%s</span>') % text

    def _place(self, name: str, name_en: str | None, reading: str) -> tuple[str, str | None]:
        latin = english_name(name_en=name_en, reading=reading) or name
        if self.language == "en":
            return latin, None
        if self.language == "zh":
            return chinese_name(name=name, latin=latin, with_kind=True), name
        if self.language == "ko":
            return korean_name(name=name, reading=reading, latin=latin, with_kind=True), name
        return name, None

    def render(self, template: str, status_code: int = 200, **context: Any) -> Response:
        response = templates.TemplateResponse(self.request, template, {
            "t": self.t, "place": self.place_html, "ja": self.japanese, "lang": self.language,
            "languages": [(code, CATALOGUES[code]["lang.name"]) for code in LANGUAGES],
            "signed_in": self.parent is not None and not self.parent.record.must_change, "csrf": self.csrf,
            "path": self.request.url.path, **context}, status_code=status_code)
        return self.finish(response)

    def redirect(self, to: str) -> Response:
        return self.finish(RedirectResponse(to, status_code=303))

    def finish(self, response: Response) -> Response:
        secure = self.runtime.settings.public_base_url.startswith("https://")
        if self.request.query_params.get("lang") in LANGUAGES:
            response.set_cookie(LANGUAGE_COOKIE, self.language, max_age=365 * 86400, httponly=True,
                                samesite="lax", secure=secure)
        if self.parent is None and self.request.cookies.get(FORM_COOKIE) != self.form_token:
            response.set_cookie(FORM_COOKIE, self.form_token, httponly=True, samesite="lax", secure=secure)
        return response


def set_session_cookie(p: WebPage, response: Response, token: str) -> None:
    secure = p.runtime.settings.public_base_url.startswith("https://")
    response.set_cookie(signin.COOKIE_NAME, token, httponly=True, samesite="lax", secure=secure)


def client_of(p: WebPage) -> str:
    address = of_request(p.request, p.runtime.settings)
    return signin.client_key(str(address) if address is not None else None, p.runtime.settings.azukari_secret_key)


@contextmanager
def web_page(request: Request, *, signed_in: bool = False, csrf: str | None = None, post: bool = False,
             changing_password: bool = False) -> Iterator[WebPage]:
    """The request's one unit of work; it commits when the handler's block ends (not when it raises)."""
    runtime = runtime_of(request)
    now = runtime.clock.now()
    language = language_of(request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE))
    token = request.cookies.get(signin.COOKIE_NAME)
    # A visitor with no session who only reads (the calendar, help, the sign-in form) writes nothing.
    reads_only = not signed_in and not post and not token
    with runtime.database.reading() if reads_only else runtime.database.unit_of_work() as session:
        parent = signin.resume(session, token=token, now=now)
        if signed_in and parent is None:
            session.commit()
            raise SignInRequired()
        if signed_in and parent is not None and parent.record.must_change != changing_password:
            session.commit()
            raise PasswordChangeRequired() if parent.record.must_change else SignInRequired()
        form_token = request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(24)
        if post:
            expected = parent.record.csrf_token if parent is not None else request.cookies.get(FORM_COOKIE, "")
            if not signin.csrf_ok(expected or "", csrf):
                raise BadForm()
        yield WebPage(request, session, runtime, now, language, parent, form_token)
        if not reads_only:
            session.commit()
