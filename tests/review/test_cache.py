"""review.cache: entries found only by their key, written whole, the least recently used pruned."""

from __future__ import annotations

import os

import pytest

from review.cache import Cache, Kind, digest, file_digest


def write(text: str):
    return lambda folder: (folder / "stack.json").write_text(text)


def test_a_kept_folder_is_found_by_its_key_alone(tmp_path):
    cache = Cache(tmp_path)

    cache.keep_folder(Kind.SYNTH, "one", write("first"))

    found = cache.folder(Kind.SYNTH, "one")
    assert found is not None
    assert (found / "stack.json").read_text() == "first"
    assert cache.folder(Kind.SYNTH, "two") is None
    assert cache.folder(Kind.INIT, "one") is None


def test_a_record_is_found_by_its_key_alone(tmp_path):
    cache = Cache(tmp_path)

    cache.keep_record(Kind.VALIDATE, "one", {"valid": False, "summary": "broken"})

    assert cache.record(Kind.VALIDATE, "one") == {"valid": False, "summary": "broken"}
    assert cache.record(Kind.VALIDATE, "two") is None


def test_a_folder_another_review_kept_first_stays_as_it_was(tmp_path):
    cache = Cache(tmp_path)
    cache.keep_folder(Kind.SYNTH, "one", write("first"))

    cache.keep_folder(Kind.SYNTH, "one", write("second"))

    found = cache.folder(Kind.SYNTH, "one")
    assert found is not None
    assert (found / "stack.json").read_text() == "first"
    assert [entry.name for entry in (tmp_path / "synth").iterdir()] == ["one"]


def test_a_failed_fill_leaves_no_entry(tmp_path):
    cache = Cache(tmp_path)

    def fail(folder):
        (folder / "half").write_text("written")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        cache.keep_folder(Kind.SYNTH, "one", fail)

    assert cache.folder(Kind.SYNTH, "one") is None
    assert list((tmp_path / "synth").iterdir()) == []


def test_the_least_recently_used_entries_are_pruned(tmp_path):
    cache = Cache(tmp_path)
    for number in range(Kind.INIT.keep):
        cache.keep_folder(Kind.INIT, f"entry-{number}", write(str(number)))
        os.utime(tmp_path / "init" / f"entry-{number}", (number, number))
    cache.folder(Kind.INIT, "entry-0")  # used: now the most recent

    cache.keep_folder(Kind.INIT, "new", write("new"))

    assert cache.folder(Kind.INIT, "entry-1") is None
    assert all(cache.folder(Kind.INIT, key) for key in ("entry-0", "entry-2", "entry-3", "new"))


def test_digests_keep_their_parts_apart():
    assert digest("ab", "c") != digest("a", "bc")
    assert digest("a", "") != digest("a")
    assert digest("text") == digest(b"text")


def test_a_missing_file_has_its_own_digest(tmp_path):
    (tmp_path / "empty.lock").write_text("")

    assert file_digest(tmp_path / "empty.lock") != file_digest(tmp_path / "missing.lock")
