"""What the hardening tests share: packages with hostile package.json bytes, what a runtime holds."""
from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

from sqlalchemy import func, select

from conftest import FIXTURES
from service.db import models as m

EXAMPLE = FIXTURES / "examples" / "declaration"
EXAMPLE_JSON = (EXAMPLE / "package.json").read_text(encoding="utf-8")


def package_zip(package_json: bytes | str, extra: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    """The declaration example with these package.json bytes, plus `extra` entries, `replace`d files swapped."""
    raw = package_json.encode("utf-8") if isinstance(package_json, str) else package_json
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(EXAMPLE.rglob("*")):
            name = path.relative_to(EXAMPLE).as_posix()
            if path.is_file() and name != "package.json":
                z.writestr(name, (replace or {}).get(name, path.read_bytes()))
        z.writestr("package.json", raw)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def changed(old: str, new: str, text: str = EXAMPLE_JSON) -> str:
    """package.json's text with `old` (which must be there) replaced by `new`."""
    assert old in text, old
    return text.replace(old, new, 1)


def stored(rt) -> tuple[int, int]:
    """(package rows, blobs) the service holds."""
    with rt.reading() as s:
        packages = s.scalar(select(func.count()).select_from(m.PackageRow))
    return packages, len(list(rt.blobs.all()))


def leftovers(data_dir: Path) -> list[Path]:
    """Temporary files under the data directory (the scratch folders' lock files aside)."""
    found = []
    for folder in ("tmp", "tmp-uploads", "blobs/tmp"):
        root = Path(data_dir) / folder
        found += [p for p in root.rglob("*") if p.is_file() and p.name != ".lock"] if root.is_dir() else []
    return found


def big_png(width: int, height: int, colour: int = 0) -> bytes:
    """A valid PNG of width × height black pixels, packed small (grey, or colour=2 for RGB)."""
    channels = {0: 1, 2: 3}[colour]

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    packer = zlib.compressobj(9)
    row = b"\0" * (width * channels + 1)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def sign_in(client, name: str) -> None:
    """Sign a test client in through the sign-in form (password pw-<name>)."""
    page = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    response = client.post("/signin", data={"name": name, "password": f"pw-{name}", "csrf": token.group(1) if token else ""})
    assert response.status_code in (302, 303), response.status_code
