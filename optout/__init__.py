"""optout: put people back in control of whether platforms train AI on their data."""

__version__ = "0.1.0"
