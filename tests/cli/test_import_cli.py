"""`jixiao import` of files and folders in any format, read in parallel processes."""

from __future__ import annotations

import shutil
from pathlib import Path

from jixiao.interchange import loads
from jixiao.services import Services, tables
from tests.cli.test_cli import jixiao

CORPUS = Path(__file__).parents[1] / "corpus"


def test_a_folder_in_several_formats_is_imported_in_parallel(tmp_path: Path) -> None:
    folder = tmp_path / "published"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(CORPUS / "gd-op-value-unit" / "gd-op-value-unit.xlsx", folder)
    shutil.copy(CORPUS / "sc-quant-qual" / "sc-quant-qual.pdf", folder / "sub")
    shutil.copy(CORPUS / "js-overall" / "js-overall.html", folder / "sub")
    (folder / "notes.txt").write_text("会议纪要\n今天天气很好。\n", encoding="utf-8")
    (folder / "picture.png").write_bytes(b"\x89PNG not looked at")
    url = f"sqlite:///{tmp_path / 'j.db'}"

    result = jixiao("import", str(folder), "--db", url, "--jobs", "2")

    assert result.returncode == 1  # notes.txt is refused
    assert "已导入 3 个文件" in result.stdout and "未导入 1 个" in result.stdout
    assert f"未导入 {folder / 'notes.txt'}" in result.stderr.replace("\n", "")
    assert "picture.png" not in result.stdout + result.stderr
    expected = [
        loads((CORPUS / name / f"{name}.expected.json").read_text(encoding="utf-8"))
        for name in ("gd-op-value-unit", "sc-quant-qual", "js-overall")
    ]
    svc = Services.connect(url)
    try:
        rows, total = tables.list_tables(svc.uow(), tables.TableFilter(limit=1000))
    finally:
        svc.dispose()
    assert total == sum(len(d.projects) + len(d.overall_targets) for d in expected)
    names = {r.name for r in rows if r.kind == "project"}
    assert names == {p.name for d in expected for p in d.projects}


def test_importing_the_same_folder_again_refuses_every_file(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    shutil.copy(CORPUS / "gd-op-value-unit" / "gd-op-value-unit.xlsx", folder)
    url = f"sqlite:///{tmp_path / 'j.db'}"
    assert jixiao("import", str(folder), "--db", url).returncode == 0
    again = jixiao("import", str(folder), "--db", url, "--jobs", "1")
    assert again.returncode == 1
    assert "已导入 0 个文件（其中 0 个有警告），未导入 1 个" in again.stdout


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    result = jixiao("import", str(tmp_path), "--db", f"sqlite:///{tmp_path / 'j.db'}")
    assert result.returncode == 1
    assert "没有可导入的文件" in result.stderr
