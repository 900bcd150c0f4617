"""The pure core: the package model, the rules and the findings. No web, database or document library here."""
