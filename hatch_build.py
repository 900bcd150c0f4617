"""Compile the Babel message catalogues while building, so a wheel carries its .mo files."""
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogues(BuildHookInterface):
    def initialize(self, version, build_data):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in Path(self.root, "service", "locale").glob("*/LC_MESSAGES/*.po"):
            with po_path.open("rb") as f:
                catalog = read_po(f)
            with po_path.with_suffix(".mo").open("wb") as f:
                write_mo(f, catalog, use_fuzzy=False)
