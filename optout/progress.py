"""The one callback type for what optout says along the way ("linkedin: signing in", a warning
about an unreadable session): a function given each message as one line of text."""

from __future__ import annotations

from typing import Callable

Progress = Callable[[str], None]
