"""The shape of a platform's or a setting's id: lower-case letters, digits and hyphens, no hyphen first."""

from __future__ import annotations

import re

ID_PATTERN = r"[a-z0-9][a-z0-9-]*"  # a platform's id is also its flow file's and its keyring item's name
PLATFORM_ID = re.compile(ID_PATTERN)
