"""GET /api/v1/ledger.xlsx: the district ledger."""
from __future__ import annotations

import io

from flask import send_file

from service.programme.ledger import workbook
from service.web.auth import requires, runtime


@requires("clerk", "archivist", "admin")
def download():
    """Every project, its stage, figures, dates and document numbers, with totals by street and year."""
    return send_file(io.BytesIO(workbook(runtime())), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     as_attachment=True, download_name="旧改项目台账.xlsx")
