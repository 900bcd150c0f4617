"""The four-property check of a generated PDF as issued: its signature, and its unsigned part
against a fresh render of its package. One row per condition, each naming the file."""
from __future__ import annotations

import hashlib
from datetime import date

from service.archive.fourprops import FourPropertyReport
from service.domain.findings import N_
from service.signing.pades import BEIJING
from service.signing.verify import FileCheck, check


def check_issued_pdf(report: FourPropertyReport, item: str, issued: bytes, rerendered: bytes, dated: date,
                     anchors: list) -> FileCheck:
    """Record the checks of one generated PDF; return its signatures (for the certificate chain)."""
    signatures = check(issued, anchors)
    digest = hashlib.sha256(rerendered).hexdigest()
    if signatures.problem is not None:
        report.add("authenticity", item, False, N_("the signatures cannot be read: {problem}"), problem=signatures.problem)
        return signatures
    if not signatures.signed:
        report.add("authenticity", item, issued == rerendered,
                   N_("re-rendered from its package to the same bytes ({digest})") if issued == rerendered
                   else N_("differs from a re-render of its package ({digest})"), digest=digest[:16])
        report.add("authenticity", item, True, N_("not signed: issued without a signing key"))
        return signatures
    same = issued.startswith(rerendered)
    report.add("authenticity", item, same,
               N_("its unsigned part re-renders from its package to the same bytes ({digest})") if same
               else N_("its unsigned part differs from a re-render of its package ({digest})"), digest=digest[:16])
    for sig in signatures.signatures:
        # In the report's words either language reads: Beijing time with its offset written out.
        when = f"{sig.signing_time.astimezone(BEIJING):%Y-%m-%d %H:%M:%S} (UTC+08:00)" if sig.signing_time else "—"
        report.add("authenticity", item, sig.intact,
                   N_("the signature of {signer} ({time}) is intact") if sig.intact
                   else N_("the signature of {signer} is broken: the signed bytes were changed"), signer=sig.signer, time=when)
        report.add("integrity", item, sig.covers_file,
                   N_("the signature covers the whole file but its own contents") if sig.covers_file
                   else N_("bytes were added to the file after it was signed"))
        report.add("authenticity", item, sig.trusted,
                   N_("the signer's certificate chains to a trust anchor") if sig.trusted
                   else N_("the signer's certificate ({signer}) does not chain to a trust anchor"), signer=sig.signer)
        signed_on = sig.signed_on()
        in_time = signed_on is not None and signed_on >= dated
        report.add("authenticity", item, in_time,
                   N_("signed on {signed_on}, not before the document's date {date}") if in_time
                   else N_("signed on {signed_on}, before the document's date {date}"),
                   signed_on=str(signed_on or "—"), date=str(dated))
    return signatures
