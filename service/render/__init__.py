"""Rendering documents: Word through docxtpl, PDF through reportlab, both from one layout."""
