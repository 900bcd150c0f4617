"""An installed wheel carries the schemas, the catalogues and the console script."""
from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import ROOT


def test_wheel_holds_schemas_templates_and_compiled_catalogues(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                             "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("jiugai-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("service/schemas/declaration.schema.json", "service/schemas/menu/xiacheng-2019.json",
                   "service/schemas/rulesets/xiacheng-2019.json", "service/schemas/calendar/cn-official.json",
                   "service/locale/zh_Hans_CN/LC_MESSAGES/messages.mo", "service/domain/rules/consent.py"):
        assert needed in names, needed
    # Installed from the wheel alone, outside the checkout, it still checks in Chinese.
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True)
    example = ROOT / "fixtures" / "examples" / "declaration"
    run = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import service.resources as r; "
                          "print(r.schemas()); from service.cli import main; sys.exit(main(['check', sys.argv[2]]))",
                          str(target), str(example)], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert str(target) in run.stdout and "合规" in run.stdout
