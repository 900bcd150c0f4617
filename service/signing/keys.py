"""The deployment's signing key and the trust anchors verification accepts.

One key per deployment, the district renovation office's (区旧改办): a PKCS#12 file named by
JIUGAI_SIGNING_KEY, its passphrase in JIUGAI_SIGNING_KEY_PASSWORD or the file
JIUGAI_SIGNING_KEY_PASSWORD_FILE. Without JIUGAI_SIGNING_KEY, the trial key `jiugai keys init`
leaves in the data directory is used when present; without either, documents go out unsigned.
Nothing here puts key material or a passphrase into a message: errors name the file only.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from service.config import Settings

KEYS_DIR = "keys"
TRIAL_KEY = "office-trial.p12"
TRIAL_PASSWORD = "office-trial.password"
TRIAL_CA = "trial-ca.pem"
TRIAL_NOTE = "README.txt"
OFFICE_NAME = "杭州市上城区老旧小区综合改造提升工作领导小组办公室（区旧改办）"
TRIAL_MARK = "试用 TRIAL"


class SigningKeyError(Exception):
    """The configured key cannot be used; the message names the file, never its content."""


@dataclass(frozen=True)
class SigningKey:
    """A loaded key: pyHanko's signer, the name it signs under, and its certificate chain."""

    signer: object  # pyhanko.sign.signers.SimpleSigner
    name: str
    chain: tuple  # asn1crypto certificates, the signer's first
    trial: bool


def key_file(settings: Settings) -> Path | None:
    """The PKCS#12 file to sign with: JIUGAI_SIGNING_KEY, else the trial key, else None."""
    if settings.signing_key:
        return Path(settings.signing_key)
    trial = settings.data_dir / KEYS_DIR / TRIAL_KEY
    return trial if trial.is_file() else None


def _passphrase(settings: Settings, path: Path) -> bytes | None:
    if settings.signing_key:
        if settings.signing_key_password:
            return settings.signing_key_password.encode()
        source = settings.signing_key_password_file
    else:
        source = str(path.parent / TRIAL_PASSWORD)
    if not source:
        return None
    try:
        return Path(source).read_bytes().strip() or None
    except OSError:
        raise SigningKeyError(f"the passphrase file {source} cannot be read") from None


def load(settings: Settings) -> SigningKey | None:
    """The configured signing key, None when there is none; raises SigningKeyError."""
    path = key_file(settings)
    if path is None:
        return None
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        raise SigningKeyError(f"the signing key {path} does not exist or cannot be read") from None
    return _load(str(path), stamp, _passphrase(settings, path), not settings.signing_key)


def _signer_class():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner

    class KeptKeySigner(SimpleSigner):
        """pyHanko's SimpleSigner parses the private key again for every signature (about 0.14 s for
        an RSA key, with OpenSSL 3's checks); this one parses it once and keeps it."""

        _key = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                algo = mechanism.signature_algo
            except ValueError:
                algo = mechanism["algorithm"].native
            if self._key is None:
                self._key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
            digest = get_pyca_cryptography_hash(digest_algorithm)
            if algo == "rsassa_pkcs1v15" and isinstance(self._key, RSAPrivateKey):
                return self._key.sign(data, PKCS1v15(), digest)
            if algo == "ecdsa" and isinstance(self._key, EllipticCurvePrivateKey):
                return self._key.sign(data, ECDSA(digest))
            return super().sign_raw(data, digest_algorithm)

    return KeptKeySigner


@lru_cache(maxsize=4)
def _load(path: str, _mtime: int, passphrase: bytes | None, trial: bool) -> SigningKey:
    from pyhanko.sign.signers import SimpleSigner

    try:
        data = Path(path).read_bytes()
        loaded = SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=passphrase)
    except (OSError, ValueError):  # pyHanko's message says no more than "could not load"
        raise SigningKeyError(f"the signing key {path} cannot be opened: wrong passphrase, or not a PKCS#12 file") from None
    if loaded is None or loaded.signing_cert is None:
        raise SigningKeyError(f"the signing key {path} holds no certificate")
    signer = _signer_class()(signing_cert=loaded.signing_cert, signing_key=loaded.signing_key,
                             cert_registry=loaded.cert_registry)
    cert = signer.signing_cert
    others = [c for c in signer.cert_registry if c.sha256 != cert.sha256]
    return SigningKey(signer, _common_name(cert), (cert, *others), trial)


def _common_name(cert) -> str:
    attrs = cert.subject.native
    return attrs.get("common_name") or attrs.get("organization_name") or cert.subject.human_friendly


def trust_anchor_files(settings: Settings) -> list[Path]:
    """JIUGAI_TRUST_ANCHORS (PEM or DER files, separated like PATH), else the trial CA when present."""
    if settings.trust_anchors:
        return [Path(p) for p in settings.trust_anchors.split(os.pathsep) if p]
    trial = settings.data_dir / KEYS_DIR / TRIAL_CA
    return [trial] if trial.is_file() else []


def trust_anchors(settings: Settings) -> list:
    """The trust anchors as asn1crypto certificates; raises SigningKeyError for an unreadable file."""
    found = []
    for path in trust_anchor_files(settings):
        try:
            found += _certificates(path.read_bytes())
        except (OSError, ValueError):
            raise SigningKeyError(f"the trust anchor {path} cannot be read as a certificate") from None
    return found


def _certificates(data: bytes) -> list:
    from asn1crypto import pem, x509

    if pem.detect(data):
        return [x509.Certificate.load(der) for _type, _headers, der in pem.unarmor(data, multiple=True)]
    return [x509.Certificate.load(data)]


def init_trial(data_dir: Path, now: datetime | None = None) -> dict[str, Path]:
    """Make a trial CA and an office certificate under `data_dir/keys`; refuse to overwrite them."""
    import secrets

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder = data_dir / KEYS_DIR
    paths = {"key": folder / TRIAL_KEY, "password": folder / TRIAL_PASSWORD, "ca": folder / TRIAL_CA}
    existing = [p for p in paths.values() if p.exists()]
    if existing:
        raise FileExistsError(existing[0])
    folder.mkdir(parents=True, exist_ok=True)
    now = now or datetime.now(timezone.utc)

    def name(cn: str, ou: str | None = None) -> x509.Name:
        parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"), x509.NameAttribute(NameOID.LOCALITY_NAME, "杭州市"),
                 x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"jiugai {TRIAL_MARK}")]
        if ou:
            parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
        return x509.Name(parts + [x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ca_name = name(f"jiugai trial CA {TRIAL_MARK} (not for real documents)")
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
          .not_valid_after(now + timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    office_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    office = (x509.CertificateBuilder().subject_name(name(f"区旧改办 {TRIAL_MARK}", f"{OFFICE_NAME}（试用）"))
              .issuer_name(ca_name).public_key(office_key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1825))
              .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
              .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
              .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
              .sign(ca_key, hashes.SHA256()))
    password = secrets.token_urlsafe(24)
    p12 = pkcs12.serialize_key_and_certificates(b"office", office_key, office, [ca],
                                                serialization.BestAvailableEncryption(password.encode()))
    _write_private(paths["password"], password.encode())
    _write_private(paths["key"], p12)
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / TRIAL_NOTE).write_text(
        "FOR TRIALS ONLY — 仅供试用\n\nThese keys were made by `jiugai keys init` so that jiugai's signing can be tried out.\n"
        "They are not the district renovation office's certificate: documents signed with them prove nothing to anyone\n"
        "else. For real documents set JIUGAI_SIGNING_KEY to the office's PKCS#12 file and JIUGAI_TRUST_ANCHORS to the\n"
        "certificates of the CA that issued it.\n", encoding="utf-8")
    return paths


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
