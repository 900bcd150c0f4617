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
