"""One settings table (``peersupport.settings``): ``serve --help`` and the README are written
from it, and values come from the command line, then the environment, then the default."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from peersupport.settings import TABLE, SettingError, Settings, markdown_table

REPO = Path(__file__).resolve().parents[1]


def test_readme_settings_table_is_the_settings_table():
    readme = (REPO / "README.md").read_text()
    block = re.search(r"<!-- settings -->\n(.*?)<!-- /settings -->", readme, re.S)
    assert block, "README.md lacks the <!-- settings --> block"
    assert block.group(1) == markdown_table()


def test_serve_help_names_every_setting_with_its_environment_variable():
    shown = subprocess.run([sys.executable, "-m", "peersupport.cli", "serve", "--help"], capture_output=True,
                           text=True, check=True, env={"COLUMNS": "400", "PATH": ""}).stdout
    entries = {entry.split()[0]: " ".join(entry.split()) for entry in re.split(r"\n  (?=-)", shown)[1:]}
    for setting in TABLE:
        shown_default = "none" if setting.default in (None, ()) else setting.default
        assert entries[setting.flag].endswith(f"{setting.help} (default: {shown_default}; environment: {setting.env})")


def test_command_line_beats_environment_beats_default():
    environ = {"PEERSUPPORT_MAX_ROWS": "50", "PEERSUPPORT_QUERY_TIMEOUT": "2.5", "PEERSUPPORT_LOG_FORMAT": "json"}
    settings = Settings.load(environ, max_rows=7, timeout=None)
    assert (settings.max_rows, settings.timeout, settings.log_format, settings.workers) == (7, 2.5, "json", 4)
    assert (settings.in_memory, settings.result_cache_bytes) == (True, 64 * 1024 * 1024)


@pytest.mark.parametrize("variable, value, message", [
    ("PEERSUPPORT_QUERY_STORE", "ram", "--query-store / PEERSUPPORT_QUERY_STORE is 'ram': use one of memory, disk"),
    ("PEERSUPPORT_MAX_ROWS", "many", "--max-rows / PEERSUPPORT_MAX_ROWS is 'many', not a whole number of 0 or more"),
    ("PEERSUPPORT_QUERY_TIMEOUT", "-1", "--timeout / PEERSUPPORT_QUERY_TIMEOUT is '-1', not a number of 0 or more"),
])
def test_a_value_that_cannot_be_used_is_named(variable, value, message):
    with pytest.raises(SettingError) as caught:
        Settings.load({variable: value})
    assert str(caught.value) == message


def test_serve_refuses_a_bad_environment_value_plainly():
    result = subprocess.run([sys.executable, "-m", "peersupport.cli", "serve"], capture_output=True, text=True,
                            env={"PEERSUPPORT_QUERY_STORE": "ram", "PATH": ""})
    assert (result.returncode, result.stderr) == (
        2, "peersupport serve: --query-store / PEERSUPPORT_QUERY_STORE is 'ram': use one of memory, disk\n")


def test_a_command_without_the_option_reads_the_setting_from_the_environment():
    from peersupport.settings import from_environment

    assert from_environment("remote_batch", {}) == 5000
    assert from_environment("remote_batch", {"PEERSUPPORT_REMOTE_BATCH": " 7 "}) == 7
    assert from_environment("remote_batch", {"PEERSUPPORT_REMOTE_BATCH": "0"}) == 0
    with pytest.raises(SettingError) as caught:
        from_environment("remote_batch", {"PEERSUPPORT_REMOTE_BATCH": "-3"})
    assert str(caught.value) == "--remote-batch / PEERSUPPORT_REMOTE_BATCH is '-3', not a whole number of 0 or more"
