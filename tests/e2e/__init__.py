"""Browser journeys (pytest -m browser)."""
