"""The user's cache directory and the values derived into it once (``fidelity/models/cache_files.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fidelity.models.cache_files import default_cache_dir, derived, unpacked_dir
from fidelity.text import names


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("FIDELITY_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "unpacked"


@pytest.mark.parametrize(("env", "expected"), [
    ({"FIDELITY_CACHE_DIR": "/x/cache"}, "/x/cache"),
    ({"XDG_CACHE_HOME": "/x/xdg"}, "/x/xdg/fidelity"),
    ({"HOME": "/x/home"}, "/x/home/.cache/fidelity"),
])
def test_the_cache_directory_follows_the_environment(monkeypatch, env, expected):
    for name in ("FIDELITY_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert default_cache_dir() == Path(expected)
    assert unpacked_dir() == Path(expected) / "unpacked"


def test_a_value_is_built_once_and_built_again_when_what_it_is_made_from_changes(cache_dir):
    built: list[str] = []

    def build(tag: str):
        def make():
            built.append(tag)
            return {("a", "b"): tag, "n": [1, 2.5]}
        return make

    first = derived("table", "version 1", build("one"))
    again = derived("table", "version 1", build("never"))
    assert first == again == {("a", "b"): "one", "n": [1, 2.5]}
    assert built == ["one"]
    (old_file,) = cache_dir.glob("table-*.marshal")
    assert derived("table", "version 2", build("two"))[("a", "b")] == "two"
    assert built == ["one", "two"] and not old_file.exists()  # the older version's file is removed
    assert len(list(cache_dir.glob("table-*.marshal"))) == 1 and not list(cache_dir.glob(".*.tmp"))


def test_a_damaged_file_is_built_again(cache_dir):
    derived("table", "v", lambda: {"x": 1})
    (path,) = cache_dir.glob("table-*.marshal")
    path.write_bytes(path.read_bytes()[:3])
    assert derived("table", "v", lambda: {"x": 2}) == {"x": 2}
    assert derived("table", "v", lambda: {"x": 3}) == {"x": 2}


def test_a_cache_that_cannot_be_written_still_gives_the_value(tmp_path, monkeypatch):
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("FIDELITY_CACHE_DIR", str(blocked))
    assert derived("table", "v", lambda: {"x": 1}) == {"x": 1}
    assert derived("table", "v", lambda: {"x": 2}) == {"x": 2}  # nothing was kept
    assert blocked.read_text() == "not a folder"


@pytest.mark.parametrize("language", ["en", "ru", "de"])
def test_the_country_tables_read_back_are_the_ones_built(cache_dir, language):
    names._country_names.cache_clear()
    try:
        for other_names in (True, False):
            built = names._build_country_names(language, other_names)
            assert names._country_names(language, other_names) == built  # built and written
            names._country_names.cache_clear()
            assert names._country_names(language, other_names) == built  # read back
        assert len(list(cache_dir.glob(f"countries_{language}_*.marshal"))) == 2
        assert names._country_names("en")[("unit", "state")] == "US"
    finally:
        names._country_names.cache_clear()
