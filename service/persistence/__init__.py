"""Where things are kept: the blob store (files or database), backups, scratch space for uploads."""
