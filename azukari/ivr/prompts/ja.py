"""日本語のプロンプト (the Japanese catalogue). Polite, short enough for a phone."""
from __future__ import annotations

MESSAGES: dict[str, str] = {
}
