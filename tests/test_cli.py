"""The CLI end to end, in-process, against the embedded sandbox."""

import json
import re
import sqlite3

import pytest

from frontdesk.cli import build_parser, main
from frontdesk.sandbox.seed import DEMO_KEY

NOW_ARG = "2026-11-24T10:05:00+11:00"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.startswith("frontdesk 0.")


def test_today_demo_json_shape(capsys):
    code, out, err = run(capsys, "today", "--demo", "--json", "--now", NOW_ARG)
    assert code == 0, err
    body = json.loads(out)
    assert body["date"] == "2026-11-24"
    appts = body["appointments"]
    assert len(appts) >= 60
    kinds = {a["kind"] for a in appts}
    assert kinds == {"individual", "group"}
    for a in appts:
        assert set(a) >= {"id", "kind", "starts_at", "ends_at", "local_start", "business", "practitioner",
                          "appointment_type", "status", "practitioner_link", "attendees"}
        assert a["starts_at"].endswith("Z") and re.fullmatch(r"\d\d:\d\d", a["local_start"])
        assert set(a["business"]) == {"id", "name", "time_zone"}
        assert a["appointment_type"]["telehealth_enabled"] in (True, False, None)
        assert a["status"] in {"booked", "arrived", "did_not_arrive", "cancelled"}
        assert a["practitioner_link"]["role"] == "practitioner"
        assert a["practitioner_link"]["url"].endswith(f"/appointments/{a['id']}/connect")
        for at in a["attendees"]:
            assert at["patient_link"]["role"] == "patient"
            assert re.fullmatch(r"https://[^/]+/c/•+", at["patient_link"]["url"])
            assert isinstance(at["send_to_patient"]["allowed"], bool) and at["send_to_patient"]["reason"]
            if a["appointment_type"]["telehealth_enabled"] is not True:
                assert at["send_to_patient"]["allowed"] is False
    flags = {a["appointment_type"]["telehealth_enabled"] for a in appts}
    assert flags == {True, False, None}
    assert any(at["send_to_patient"]["allowed"] for a in appts for at in a["attendees"])
    assert "/c/" in out and not re.search(r"/c/[A-Za-z0-9]", out)


def test_today_reveal_is_audited(capsys, isolated_dirs):
    code, out, _ = run(capsys, "today", "--demo", "--json", "--reveal", "--now", NOW_ARG)
    assert code == 0 and re.search(r"/c/[A-Za-z0-9]{5}-", out)
    db = isolated_dirs / "data" / "demo" / "audit.sqlite3"
    rows = sqlite3.connect(db).execute("SELECT action, user_name, link_fingerprint FROM audit").fetchall()
    assert rows and all(r[0] == "reveal" and r[1] == "Rosa Delgado" and len(r[2]) == 16 for r in rows)
    tokens = re.findall(r"/c/([A-Za-z0-9\-]+)", out)
    dump = db.read_bytes()
    assert not any(t.encode() in dump for t in tokens)


def test_today_text_table_and_business_and_date(capsys):
    code, out, _ = run(capsys, "today", "--demo", "--date", "2026-11-25", "--now", NOW_ARG)
    assert code == 0 and out.startswith("2026-11-25 · all locations — ")
    assert "Telehealth" in out and "PATIENT" not in out
    code, out, _ = run(capsys, "today", "--demo", "--json", "--business", "1391000000000000002", "--now", NOW_ARG)
    assert {a["business"]["name"] for a in json.loads(out)["appointments"]} == {"Harbour Health Auckland"}


def test_doctor_demo_ok(capsys):
    code, out, _ = run(capsys, "doctor", "--demo")
    assert code == 0 and "Signed in as Rosa Delgado (receptionist)" in out
    assert DEMO_KEY not in out and "…" in out and "au4" in out


@pytest.mark.parametrize(
    "env, words",
    [
        ({}, "No API key"),
        ({"CLINIKO_API_KEY": "abc-zz"}, "unknown shard"),
        ({"CLINIKO_API_KEY": "abc-au1"}, "contact email is required"),
        ({"CLINIKO_API_KEY": "abc-au1", "FRONTDESK_CONTACT_EMAIL": "a@b.co", "CLINIKO_BASE_URL": "http://cliniko.example/v1"}, "https"),
    ],
)
def test_doctor_specific_failures(capsys, monkeypatch, env, words):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    code, out, _ = run(capsys, "doctor")
    assert code == 1 and "[FAIL]" in out and words in out


def test_doctor_rejected_key_over_http(capsys, monkeypatch, server):
    monkeypatch.setenv("CLINIKO_API_KEY", "WRONGKEY1234567-au4")
    monkeypatch.setenv("CLINIKO_BASE_URL", server.base_url)
    monkeypatch.setenv("FRONTDESK_CONTACT_EMAIL", "a@b.co")
    code, out, _ = run(capsys, "doctor")
    assert code == 1 and "API key rejected: wrong key, or wrong shard." in out
    assert "WRONGKEY1234567" not in out


def test_doctor_warns_about_readable_config(capsys, isolated_dirs, server):
    path = isolated_dirs / "config" / "config.toml"
    path.parent.mkdir()
    path.write_text(f'[cliniko]\napi_key = "{DEMO_KEY}"\ncontact_email = "a@b.co"\nbase_url = "{server.base_url}"\n')
    path.chmod(0o644)
    code, out, _ = run(capsys, "doctor")
    assert code == 0 and "[warn]" in out and "chmod 600" in out


def test_bad_config_file_is_a_message_not_a_traceback(capsys, isolated_dirs):
    path = isolated_dirs / "config" / "config.toml"
    path.parent.mkdir()
    path.write_text("[cliniko]\ncontact_email = 5\n")
    code, _, err = run(capsys, "today")
    assert code == 2 and "line 2, cliniko.contact_email" in err and "Traceback" not in err


def test_cliniko_errors_exit_cleanly(capsys, monkeypatch, server):
    monkeypatch.setenv("CLINIKO_API_KEY", "WRONGKEY1234567-au4")
    monkeypatch.setenv("CLINIKO_BASE_URL", server.base_url)
    monkeypatch.setenv("FRONTDESK_CONTACT_EMAIL", "a@b.co")
    code, out, err = run(capsys, "today")
    assert code == 3 and "API key rejected" in err and "WRONGKEY" not in err + out


def test_api_key_is_never_a_command_line_option():
    parser = build_parser()
    text = parser.format_help()
    options = re.findall(r"(?<![\w-])--?[\w-]+", text)
    assert options and not any("key" in option for option in options)
    with pytest.raises(SystemExit):
        parser.parse_args(["--api-key", "x"])
    assert "never from the command line" in text


def _channel_config(tmp_path, server, mail_port, *, password_env="FD_SMTP_PW", sid=None):
    from frontdesk.sandbox.server import DEMO_SMS_SID

    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        f'[cliniko]\napi_key = "{DEMO_KEY}"\ncontact_email = "a@b.co"\nbase_url = "{server.base_url}"\n'
        f'[email]\nhost = "127.0.0.1"\nport = {mail_port}\nsecurity = "none"\nusername = "desk"\n'
        f'password_env = "{password_env}"\nfrom_address = "desk@clinic.example"\n'
        f'[sms]\naccount_sid = "{sid or DEMO_SMS_SID}"\nauth_token_env = "FD_SMS_TOKEN"\nfrom_number = "+61290000000"\n'
        f'base_url = "http://127.0.0.1:1/twilio"\n'
    )
    path.chmod(0o600)


def test_doctor_checks_channels(capsys, isolated_dirs, server, monkeypatch):
    from frontdesk.sandbox.smtp import MailCatcher

    monkeypatch.setenv("FD_SMTP_PW", "right-password")
    monkeypatch.setenv("FD_SMS_TOKEN", "tok")
    with MailCatcher(username="desk", password="right-password") as mail:
        _channel_config(isolated_dirs, server, mail.port)
        code, out, _ = run(capsys, "doctor")
        assert code == 0, out
        assert "Email server 127.0.0.1" in out and "logged in" in out and "SMS via" in out
        assert mail.received == []  # nothing was sent
        monkeypatch.setenv("FD_SMTP_PW", "wrong-password")
        code, out, _ = run(capsys, "doctor")
        assert code == 1 and "refused the login" in out and "wrong-password" not in out
    _channel_config(isolated_dirs, server, 9, sid="ACnot-a-sid")
    code, out, _ = run(capsys, "doctor")
    assert code == 1 and "Could not reach the email server" in out and "account_sid should be" in out


def test_doctor_demo_checks_demo_channels(capsys):
    code, out, _ = run(capsys, "doctor", "--demo")
    assert code == 0 and "Email server 127.0.0.1" in out and "SMS via http://127.0.0.1" in out
    assert "answered without encryption (loopback only)" in out and "over no TLS" not in out


def test_locations_lists_ids_names_and_zones(capsys):
    code, out, _ = run(capsys, "locations", "--demo")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["Id", "Location", "Time", "zone"]
    assert any("Harbour Health Auckland" in line and "Pacific/Auckland" in line for line in lines)
    code, out, _ = run(capsys, "locations", "--demo", "--json")
    assert {row["name"] for row in json.loads(out)["locations"]} >= {"Harbour Health Sydney"}


@pytest.mark.parametrize("business", ["nonsense", "1391000000000000099"])
def test_an_unknown_business_is_named_with_the_real_ones(capsys, business):
    """Issue 12 #10: not a 400 and not "0 appointments", exit 0."""
    code, out, err = run(capsys, "today", "--demo", "--business", business, "--now", NOW_ARG)
    assert code == 2 and out == ""
    assert f"This Cliniko account has no location ‘{business}’" in err
    assert "1391000000000000002 Harbour Health Auckland" in err and "frontdesk locations" in err


@pytest.mark.parametrize("width", [80, 100, 160])
def test_today_fits_the_width_in_terminal_cells(capsys, width):
    from rich.cells import cell_len

    code, out, _ = run(capsys, "today", "--demo", "--now", NOW_ARG, "--width", str(width))
    assert code == 0
    assert max(cell_len(line) for line in out.splitlines() if not line.startswith("note:")) <= width
    assert out.splitlines()[1].split()[:2] == ["Time", "Loc"]  # several locations: each row says which


def test_group_rows_count_the_same_attendees_twice(capsys):
    """Issue 12 #11: 'Group · 3/8 attendees' and '0 of 3 can be sent' count
    the same (active) attendees."""
    code, out, _ = run(capsys, "today", "--demo", "--now", NOW_ARG, "--width", "200")
    rows = [line for line in out.splitlines() if "Group · " in line]
    assert rows
    for line in rows:
        active = int(line.split("Group · ")[1].split("/")[0])
        assert f"of {active} can be sent" in line


def test_width_is_checked(capsys):
    with pytest.raises(SystemExit):
        main(["today", "--width", "20"])


def test_today_honours_columns_when_piped(capsys, monkeypatch):
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", "80")  # what a shell exports; stdout here is not a terminal
    code, out, _ = run(capsys, "today", "--demo", "--now", NOW_ARG)
    assert code == 0
    assert max(cell_len(line) for line in out.splitlines() if not line.startswith("note:")) <= 80
    code, out, _ = run(capsys, "today", "--demo", "--now", NOW_ARG, "--width", "160")  # --width still wins
    assert max(cell_len(line) for line in out.splitlines()) > 80


@pytest.mark.parametrize("command", ["today", "locations"])
def test_without_an_account_the_command_says_how_to_start(capsys, command):
    code, out, err = run(capsys, command)
    assert code == 2 and out == ""
    assert "no Cliniko account is set up yet" in err
    assert "Run `frontdesk` with no command to open the set-up screen" in err and "today --demo" in err


@pytest.mark.parametrize("said, expected", [("tomorrow", "2026-11-25"), ("yesterday", "2026-11-23"), ("+2", "2026-11-26"),
                                            ("-1", "2026-11-23"), ("today", "2026-11-24"), ("2026-11-30", "2026-11-30")])
def test_today_takes_the_day_as_staff_say_it(capsys, said, expected):
    """Relative to today in the home location (Sydney: 10:05 on Tue 24 Nov), not this computer's clock (UTC: 23 Nov)."""
    code, out, _ = run(capsys, "today", "--demo", "--now", NOW_ARG, "--json", "--date", said)
    assert code == 0 and json.loads(out)["date"] == expected


def test_a_day_frontdesk_does_not_know_names_the_forms_it_does(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["today", "--demo", "--date", "next tuesday"])
    assert exit_.value.code == 2
    assert "use YYYY-MM-DD, a date as the clinic writes it (25/11/2026; " in capsys.readouterr().err


@pytest.mark.parametrize("wanted", ["auck", "AUC", "Harbour Health Auckland", "auckland", "1391000000000000002"])
def test_business_takes_a_name_a_unique_prefix_or_the_tag(capsys, wanted):
    code, out, _ = run(capsys, "today", "--demo", "--business", wanted, "--now", NOW_ARG)
    assert code == 0 and out.startswith("2026-11-24 · Harbour Health Auckland — ")
    assert "times in Auckland time" in out.split("\n", 1)[0]


def test_an_ambiguous_business_lists_the_matches(capsys):
    code, out, err = run(capsys, "today", "--demo", "--business", "harbour", "--now", NOW_ARG)
    assert code == 2 and out == ""
    assert "‘harbour’ matches 3 locations: 1391000000000000001 Harbour Health Sydney (SYD); " in err
    assert "Give more of the name, its three-letter tag or its id." in err


def test_every_time_in_the_text_table_is_on_one_clock_and_in_order(capsys):
    code, out, _ = run(capsys, "today", "--demo", "--now", NOW_ARG, "--width", "120")
    rows = [line for line in out.splitlines()[3:] if line[:2].isdigit()]
    times = [line.split()[0] for line in rows]
    assert code == 0 and len(rows) > 40 and times == sorted(times)
    assert "times in Sydney time" in out.splitlines()[0]


@pytest.mark.parametrize("command", [[], ["today"], ["doctor"], ["set-pin"], ["locations"], ["sandbox"]])
def test_every_help_names_the_files_the_exit_codes_and_two_examples(capsys, command, isolated_dirs):
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0
    from frontdesk.paths import config_path, data_dir

    assert str(config_path()) in out and str(data_dir()) in out
    assert "exit codes:" in out and "3    Cliniko failed" in out and "5    the console's screen lock" in out
    examples = out.split("examples:\n", 1)[1].strip().splitlines()
    assert len(examples) == 2 and all(line.strip().startswith(("frontdesk", "ssh")) for line in examples)


def test_csv_for_excel_starts_with_a_byte_order_mark(capsys):
    code, out, _ = run(capsys, "today", "--demo", "--csv", "--bom", "--now", NOW_ARG)
    assert code == 0 and out.startswith("\ufeff")
    code, plain, _ = run(capsys, "today", "--demo", "--csv", "--now", NOW_ARG)
    assert not plain.startswith("\ufeff") and plain == out[1:]


def test_date_as_the_clinic_writes_it(capsys):
    """The demo clinic is Australian: 25/11/2026 is the 25th of November;
    11/25/2026 is no date there, and says how this clinic writes one."""
    code, out, _ = run(capsys, "today", "--demo", "--json", "--date", "25/11/2026", "--now", NOW_ARG)
    assert code == 0 and json.loads(out)["date"] == "2026-11-25"
    code, out, err = run(capsys, "today", "--demo", "--date", "11/25/2026", "--now", NOW_ARG)
    assert code == 2 and out == ""
    assert "'11/25/2026' is not a date written DD/MM/YYYY, as this clinic writes dates" in err


def test_httpx_command_line_client_is_never_imported():
    """cli.py blocks httpx's optional command-line client (click, rich's
    progress, pygments: ~45 ms of every start that reaches Cliniko). The
    block is isolated in one line; this shows it holds and frontdesk still
    talks HTTP."""
    import subprocess
    import sys

    code = ("import sys, frontdesk.cli, httpx; httpx.Client().close(); "
            "print(sorted(m for m in ('click', 'pygments', 'httpx._main') if sys.modules.get(m)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
