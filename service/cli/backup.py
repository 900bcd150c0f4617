"""`jiugai backup OUT` and `jiugai restore IN`."""
from __future__ import annotations

from pathlib import Path

from service.cli.common import EXIT_INVALID, EXIT_VALID, fail


def backup(args) -> int:
    """Write the backup atomically, streaming (memory stays flat however large the stored files)."""
    from service.backup import backup as make
    from service.runtime import Runtime

    out = Path(args.output)
    if not out.parent.is_dir():
        fail(f"the folder {out.parent} does not exist")
        return EXIT_INVALID
    from service.signing.keys import key_file

    runtime = Runtime.open()
    manifest = make(runtime, out)
    print(f"{out} written: {sum(manifest['rows'].values())} rows, {manifest['blobs']} files, "
          f"audit head {manifest['audit_head']['count']} entries")
    key = key_file(runtime.settings)
    if key is not None:  # the name of the file only: never its content
        print(f"the signing key ({key}) is not in the backup: keep it, and its passphrase, safe on their own")
    return EXIT_VALID


def restore(args) -> int:
    """Restore a backup into the (empty) configured database and data directory."""
    from service.backup import BackupError, restore as apply
    from service.runtime import Runtime

    source = Path(args.input)
    if not source.is_file():
        fail(f"{source} does not exist")
        return EXIT_INVALID
    try:
        manifest = apply(Runtime.open(), source)
    except BackupError as exc:
        fail(str(exc))
        return EXIT_INVALID
    print("restored: " + ", ".join(f"{k} {v}" for k, v in manifest["rows"].items()))
    if manifest["audit"] != "intact":
        fail(f"{manifest['audit']} — if this deployment's secret (JIUGAI_SECRET_KEY or the data directory's "
             "secret_key) is not the one the backup was made under, restore that secret too")
    return EXIT_VALID
