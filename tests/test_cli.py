"""The `azukari` command: success exits 0; a failure exits non-zero with one line naming the cause."""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from azukari.cli import build_parser, main


def test_migrate_twice_succeeds_on_a_fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    assert main(["migrate"]) == 0
    assert main(["migrate"]) == 0


def test_a_bad_setting_is_named_in_one_line_and_nothing_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/never.db")
    monkeypatch.setenv("STAFF_HOURS", "weekdays")
    assert main(["migrate"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "STAFF_HOURS" in err and "mon-fri 08:30-17:15" in err
    assert not (tmp_path / "never.db").exists()


def test_a_missing_file_is_one_line_and_a_failure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    assert main(["import-facilities", str(tmp_path / "missing.toml")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("azukari import-facilities: ") and err.count("\n") == 1


OUTSIDE = ("§", "contract", "product.md", "../shared", "conformance")


def _command_lines() -> list[list[str]]:
    """Every command and subcommand of `azukari`, as the argument lists that reach it."""
    found: list[list[str]] = []

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        found.append(prefix)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, [*prefix, name])

    walk(build_parser(), [])
    return found


def test_every_help_text_points_inside_the_repository(capsys: pytest.CaptureFixture[str]) -> None:
    lines = _command_lines()
    assert ["import-households"] in lines and ["staff", "add"] in lines
    for line in lines:
        with pytest.raises(SystemExit) as done:
            main([*line, "--help"])
        assert done.value.code == 0
        shown = capsys.readouterr().out.lower()
        assert shown.startswith("usage: azukari")
        assert not [word for word in OUTSIDE if word in shown], (line, shown)


def test_the_readme_cites_nothing_outside_the_repository() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8").lower()
    assert [word for word in OUTSIDE if word in readme] == []


def test_every_docs_path_the_help_and_readme_name_exists() -> None:
    root = Path(__file__).resolve().parents[1]
    texts = [(root / "README.md").read_text(encoding="utf-8"), build_parser().description or ""]
    texts += [sub.description or "" for line in _command_lines() for sub in [_parser_for(line)]]
    cited = {match for text in texts for match in re.findall(r"docs/[\w./-]+\.md", text)}
    assert "docs/commands.md" in cited
    assert [path for path in sorted(cited) if not (root / path).is_file()] == []


def _parser_for(line: list[str]) -> argparse.ArgumentParser:
    parser = build_parser()
    for name in line:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[name]
    return parser


def test_call_against_a_service_that_refuses_the_signature_fails_and_says_public_base_url_must_match(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import http.server
    import io
    import threading

    class Refusing(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(403)
            self.send_header("Content-Length", "9")
            self.end_headers()
            self.wfile.write(b"forbidden")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/unused.db")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    try:
        assert main(["call", "--url", f"http://127.0.0.1:{server.server_address[1]}"]) == 1
    finally:
        server.shutdown()
    err = capsys.readouterr().err
    assert "HTTP 403" in err and "PUBLIC_BASE_URL" in err and "--port" in err


def test_sms_help_names_the_number_it_texts_from_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    from azukari.phone.handset import DEFAULT_SMS_SENDER

    with pytest.raises(SystemExit):
        build_parser().parse_args(["sms", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert f"(default: {DEFAULT_SMS_SENDER})" in out and "withheld" not in out
