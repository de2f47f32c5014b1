"""The English catalogue: the same keys as `ja.py`, a full second language."""
from __future__ import annotations

MESSAGES: dict[str, str] = {
}
