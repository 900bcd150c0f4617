"""`jiugai ledger OUT.xlsx`: the district ledger from the configured database."""
from __future__ import annotations

from pathlib import Path

from service.cli.common import EXIT_INVALID, EXIT_VALID, fail


def run(args) -> int:
    """Write the ledger atomically."""
    from service.adapters.files import atomic_write
    from service.programme.ledger import workbook
    from service.runtime import Runtime

    out = Path(args.output)
    if out.suffix.lower() != ".xlsx" or not out.parent.is_dir():
        fail(f"the output must be an .xlsx file in an existing folder, not {out}")
        return EXIT_INVALID
    atomic_write(out, workbook(Runtime.open()))
    print(f"{out} written")
    return EXIT_VALID
