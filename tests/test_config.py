import os
import stat

import pytest

from pydantic import SecretStr

from frontdesk.config import Config, ConfigError, parse_config, save_config
from frontdesk.config_layers import load_config
from frontdesk.paths import config_path


def test_bad_value_names_field_and_line():
    text = '[cliniko]\ncontact_email = "a@b.co"\nrequests_per_minute = 500\n\n[ui]\ntheme = "neon"\n'
    with pytest.raises(ConfigError) as err:
        parse_config(text, "config.toml")
    message = str(err.value)
    assert "line 3, cliniko.requests_per_minute" in message
    assert "line 6, ui.theme" in message


def test_unknown_setting_and_bad_toml():
    with pytest.raises(ConfigError, match=r"line 2, cliniko.api_kee: is not a setting"):
        parse_config('[cliniko]\napi_kee = "x"\n')
    with pytest.raises(ConfigError, match="not valid TOML"):
        parse_config("[cliniko\n")


def test_env_overrides_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[cliniko]\napi_key = "file-au1"\ncontact_email = "file@x.co"\nbusiness_id = 42\n')
    config = load_config(path, env={"CLINIKO_API_KEY": "env-au2", "FRONTDESK_CONTACT_EMAIL": "env@x.co"})
    assert config.cliniko.key() == "env-au2" and config.cliniko.contact_email == "env@x.co"
    assert config.cliniko.business_id == "42"


def test_missing_file_is_defaults(tmp_path):
    assert load_config(tmp_path / "none.toml", env={}) == Config()


def test_config_path_override(monkeypatch, tmp_path):
    monkeypatch.setenv("FRONTDESK_CONFIG", str(tmp_path / "x.toml"))
    assert config_path() == tmp_path / "x.toml"


def test_saved_config_is_private_and_round_trips(tmp_path):
    config = parse_config('[cliniko]\napi_key = "k\\"ey-au1"\ncontact_email = "a@b.co"\n[ui.keys]\nsend = "S"\n')
    path = save_config(config, tmp_path / "deep" / "config.toml")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_config(path, env={}) == config
    assert not any(p.name.startswith(".") for p in path.parent.iterdir())


def test_private_even_with_a_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        path = save_config(Config(), tmp_path / "c" / "config.toml")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_saving_keeps_the_users_comments_and_order(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        "# our clinic's frontdesk\n"
        "[ui]\n"
        "refresh_seconds = 60  # IT asked for this\n"
        "theme = \"ansi-dark\"\n"
        "\n"
        "[cliniko]\n"
        "contact_email = \"old@clinic.example\"  # the IT mailbox\n"
        "business_id = \"42\"\n"
    )
    config = load_config(path, env={})
    cliniko = config.cliniko.model_copy(update={"contact_email": "it@clinic.example", "business_id": None,
                                                "api_key": SecretStr("abc-au2")})
    save_config(config.model_copy(update={"cliniko": cliniko}), path)
    text = path.read_text()
    assert text.startswith("# our clinic's frontdesk\n[ui]\nrefresh_seconds = 60  # IT asked for this\n")
    assert 'contact_email = "it@clinic.example"  # the IT mailbox' in text
    assert "business_id" not in text  # unset: gone
    assert 'api_key = "abc-au2"' in text and "timeout_seconds" not in text  # new, and defaults left out
    again = load_config(path, env={})
    assert again.cliniko.key() == "abc-au2" and again.ui.theme == "ansi-dark"


def test_the_environment_wins_and_is_validated_like_the_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[cliniko]\ncontact_email = "file@x.co"\n')
    config = load_config(path, env={"CLINIKO_API_KEY": " env-key-au2 ", "FRONTDESK_CONTACT_EMAIL": "env@x.co"})
    assert config.cliniko.key() == "env-key-au2" and config.cliniko.contact_email == "env@x.co"
    assert isinstance(config.cliniko.api_key, SecretStr)
