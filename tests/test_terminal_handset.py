"""The terminal phone follows TwiML as Twilio does, against a scripted service that checks signatures."""
from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from twilio.request_validator import RequestValidator

from azukari.phone.handset import Wire, play_call, play_sms

TOKEN = "handset-test-token"
BASE = "https://bot.example.jp"
Answer = str | Callable[[dict[str, str]], str]


class ScriptedService:
    """Answers each path with fixed TwiML and records what was posted, refusing bad signatures."""

    def __init__(self, answers: dict[str, Answer]) -> None:
        self.answers = answers
        self.posts: list[tuple[str, dict[str, str]]] = []
        self.validator = RequestValidator(TOKEN)

    def send(self, path: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        if not self.validator.validate(BASE + path, form, headers.get("X-Twilio-Signature", "")):
            return 403, "forbidden"
        self.posts.append((path, form))
        answer = self.answers.get(path, "<Response/>")
        return 200, answer(form) if callable(answer) else answer

    def wire(self, token: str = TOKEN) -> Wire:
        return Wire(base_url=BASE, auth_token=token, send=self.send)


def typing(monkeypatch: pytest.MonkeyPatch, *lines: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))


def call(service: ScriptedService, caller: str | None = "+819011110001",
         after_turn: Callable[[], None] = lambda: None) -> None:
    play_call(service.wire(), caller=caller, to="+815012345678", account_sid="AC1", after_turn=after_turn)


GREETING = ('<Response><Gather input="dtmf" numDigits="1" action="/twilio/voice/language">'
            '<Say language="ja-JP">日本語は1を</Say></Gather><Redirect>/twilio/voice/language?silence=1</Redirect>'
            '</Response>')


def test_each_say_is_printed_and_the_keys_go_to_the_gather_action(monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    service = ScriptedService({"/twilio/voice": GREETING,
                               "/twilio/voice/language": "<Response><Say>ありがとうございました</Say><Hangup/>"
                                                         "</Response>"})
    typing(monkeypatch, "1")
    call(service)
    out = capsys.readouterr().out
    assert "🔊 日本語は1を" in out and "digits> " in out and "🔊 ありがとうございました" in out
    assert out.rstrip().endswith("(call ended)")
    path, form = service.posts[1]
    assert path == "/twilio/voice/language" and form["Digits"] == "1" and form["CallSid"].startswith("CA")


def test_an_empty_line_is_silence_and_follows_the_redirect_after_the_gather(monkeypatch: pytest.MonkeyPatch) -> None:
    service = ScriptedService({"/twilio/voice": GREETING})
    typing(monkeypatch, "")
    call(service)
    path, form = service.posts[1]
    assert path == "/twilio/voice/language?silence=1" and "Digits" not in form


def test_speech_is_posted_as_a_speech_result_and_star_as_digits(monkeypatch: pytest.MonkeyPatch) -> None:
    service = ScriptedService({
        "/twilio/voice": '<Response><Gather input="speech" action="/twilio/voice/child_name"><Say>お名前</Say>'
                         "</Gather></Response>",
        "/twilio/voice/child_name": '<Response><Gather action="/twilio/voice/menu"/></Response>'})
    typing(monkeypatch, "髙橋 陽翔", "*")
    call(service)
    assert service.posts[1][1]["SpeechResult"] == "髙橋 陽翔"
    assert service.posts[2][1]["Digits"] == "*"


def test_the_finishing_key_is_left_out_and_digits_stop_at_num_digits(monkeypatch: pytest.MonkeyPatch) -> None:
    service = ScriptedService({
        "/twilio/voice": '<Response><Gather finishOnKey="#" action="/twilio/voice/pin"/></Response>',
        "/twilio/voice/pin": '<Response><Gather numDigits="1" action="/twilio/voice/menu"/></Response>'})
    typing(monkeypatch, "4821#", "12")
    call(service)
    assert [form.get("Digits") for _, form in service.posts[1:3]] == ["4821", "1"]


def test_a_withheld_number_posts_no_from(monkeypatch: pytest.MonkeyPatch) -> None:
    service = ScriptedService({"/twilio/voice": "<Response><Hangup/></Response>"})
    typing(monkeypatch)
    call(service, caller=None)
    assert "From" not in service.posts[0][1] and "Caller" not in service.posts[0][1]


def test_a_dial_is_shown_as_a_transfer_and_ends_the_call(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    service = ScriptedService({"/twilio/voice": '<Response><Say>おつなぎします</Say><Dial answerOnBridge="true">'
                                                "<Number>+81333334444</Number></Dial></Response>"})
    typing(monkeypatch)
    call(service)
    out = capsys.readouterr().out
    assert "→ transferred to staff +81333334444" in out and "(call ended)" in out


def test_end_of_input_hangs_up(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    service = ScriptedService({"/twilio/voice": GREETING})
    typing(monkeypatch)
    call(service)
    assert "(you hung up)" in capsys.readouterr().out
    assert [path for path, _ in service.posts] == ["/twilio/voice", "/twilio/voice/status"]


def test_a_service_that_redirects_forever_cannot_hang_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    service = ScriptedService({"/twilio/voice": "<Response><Redirect>/twilio/voice</Redirect></Response>"})
    typing(monkeypatch)
    call(service)
    assert 100 < len(service.posts) < 1000


def test_a_refusal_or_a_broken_answer_is_shown_and_ends_the_call(monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    service = ScriptedService({"/twilio/voice": "<Response><Say>"})
    typing(monkeypatch)
    call(service)
    assert "not TwiML" in capsys.readouterr().out
    play_call(service.wire(token="wrong"), caller=None, to="+815012345678", account_sid="AC1")
    assert "HTTP 403" in capsys.readouterr().out


def test_the_turn_hook_runs_after_the_prompts_are_printed(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    service = ScriptedService({"/twilio/voice": GREETING,
                               "/twilio/voice/language": "<Response><Say>承りました</Say><Hangup/></Response>"})
    typing(monkeypatch, "1")
    call(service, after_turn=lambda: print("(hook)"))
    out = capsys.readouterr().out
    assert out.index("日本語は1を") < out.index("(hook)") < out.index("承りました") < out.rindex("(hook)")


def test_an_sms_thread_posts_each_line_and_prints_each_message(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    service = ScriptedService({"/twilio/sms": lambda form: f"<Response><Message>受信: {form['Body']}\n2行目"
                                                           "</Message></Response>"})
    typing(monkeypatch, "予約", "", "12/3")
    play_sms(service.wire(), sender="+815099990000", to="+815012345678", account_sid="AC1")
    out = capsys.readouterr().out
    assert "bot> 受信: 予約\n     2行目" in out and "bot> 受信: 12/3" in out
    assert [form["Body"] for _, form in service.posts] == ["予約", "12/3"]
    assert {form["From"] for _, form in service.posts} == {"+815099990000"}
    assert len({form["MessageSid"] for _, form in service.posts}) == 2
