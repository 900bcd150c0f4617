"""Outside tools the document tests use when the machine has them: PDFBox Preflight, fonts."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

JARS = ("preflight", "pdfbox2", "fontbox2", "xmpbox", "commons-logging", "jaxb-api", "javax.activation")


@cache
def preflight_classpath() -> str | None:
    """The classpath of Apache PDFBox Preflight from Debian's packages, or None if absent."""
    if not shutil.which("java"):
        return None
    jars = [Path("/usr/share/java") / f"{name}.jar" for name in JARS]
    return ":".join(map(str, jars)) if all(j.is_file() for j in jars) else None


PREFLIGHT_MISSING = ("Apache PDFBox Preflight is not installed (java and Debian's libpdfbox2-java "
                     "libactivation-java libjaxb-api-java): PDF/A-1b validation not run here; .ci/run installs them")


def preflight(data: bytes) -> tuple[bool, str]:
    """Validate PDF bytes as PDF/A-1b; (valid, Preflight's report)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        result = subprocess.run(["java", "-cp", preflight_classpath(), "org.apache.pdfbox.preflight.Validator_A1b", f.name],
                                capture_output=True, text=True, timeout=120)
    return "is a valid PDF/A-1b file" in result.stdout and result.returncode == 0, result.stdout


@cache
def extension_b_font() -> bool:
    """Whether a fallback font for CJK Extension B (e.g. Debian's fonts-hanazono) is configured."""
    from service.render.fonts import chain

    return any(0x2003E in covered for covered in chain().coverage)


EXTB_MISSING = ("no font for CJK Extension B characters such as 𠀾 is installed (Debian's fonts-hanazono, or "
                "JIUGAI_PDF_FALLBACK_FONTS): PDFs of packages with such names are not rendered here; .ci/run installs it")
