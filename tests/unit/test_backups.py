"""Which backups are kept, and a damaged one refused before anything is touched."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from core.settings import Settings
from zhuchka.backups import BackupError, backups, prune, restore


def _backup(root: Path, name: str, content: bytes = b"dump") -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "app.dump").write_bytes(content)
    described = {"bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
    manifest = {"temporal": {"sqlite": "temporal.db"}, "files": {"app.dump": described}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_the_newest_are_kept_and_interrupted_ones_cleared(tmp_path: Path) -> None:
    names = [f"2026120{day}T030000Z" for day in range(1, 6)]
    for name in names:
        _backup(tmp_path, name)
    (tmp_path / "20261206T030000Z.partial").mkdir()  # a backup cut short
    (tmp_path / "notes").mkdir()  # not ours: left alone
    gone = prune(tmp_path, keep=3)
    assert sorted(p.name for p in gone) == [*names[:2], "20261206T030000Z.partial"]
    assert [p.name for p in backups(tmp_path)] == names[2:]
    assert (tmp_path / "notes").is_dir()


def test_a_damaged_backup_is_refused(tmp_path: Path) -> None:
    folder = _backup(tmp_path / "backups", "20261201T030000Z")
    (folder / "app.dump").write_bytes(b"dumq")
    settings = Settings.model_validate({"ZHUCHKA_DATA_DIR": str(tmp_path / "data")})
    with pytest.raises(BackupError, match="damaged"):
        restore(settings, folder)
    with pytest.raises(BackupError, match="no backup"):
        restore(settings.model_copy(update={"backup_dir": tmp_path / "none"}))
