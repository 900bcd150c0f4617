"""`jiugai serve`: the service under gunicorn (production WSGI server), on the embedded default."""
from __future__ import annotations

import logging


def run(args) -> int:
    """Migrate and clean up once, then serve with `--workers` gunicorn workers."""
    from gunicorn.app.base import BaseApplication

    from service.config import Settings
    from service.runtime import Runtime

    settings = Settings.from_env()
    runtime = Runtime.open(settings)  # migrations run here, once, before any worker starts
    removed = runtime.clean_up()
    if removed:
        logging.getLogger("jiugai").warning("removed %d files a crash left behind", removed)
    runtime.engine.dispose()
    from service.signing.keys import SigningKeyError

    try:  # a key that cannot be opened is said now, not at a user's first document
        key = runtime.signing_key()
        runtime.trust_anchors()
    except SigningKeyError as exc:
        logging.getLogger("jiugai").error("%s", exc)
        return 2
    print("PDFs are issued unsigned (no signing key)" if key is None else
          f"PDFs are signed by {key.name}" + (" — trial keys, FOR TRIALS ONLY" if key.trial else ""), flush=True)

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            self.cfg.set("threads", args.threads)
            self.cfg.set("timeout", 120)
            # Forwarded headers are the app's business (JIUGAI_TRUSTED_PROXIES), not gunicorn's.
            self.cfg.set("secure_scheme_headers", {})
            self.cfg.set("forwarded_allow_ips", "")
            self.cfg.set("accesslog", "-" if args.access_log else None)

        def load(self):
            from service.render.fonts import chain
            from service.web import create_app

            chain()  # register the PDF fonts now, not during a user's first document (about 0.5 s)
            return create_app(runtime=Runtime.open(settings, migrate_db=False))

    print(f"jiugai serving on http://{args.host}:{args.port}/ (data in {settings.data_dir})", flush=True)
    Server().run()
    return 0
