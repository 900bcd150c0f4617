"""jiugai (旧改): checks, documents and archive bundles for old-community renovation packages."""

__version__ = "0.1.0"
