"""Chart workers leave when the bot process dies, even by SIGKILL (no orphaned 200 MB workers)."""

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.conftest import ROOT

SCRIPT = textwrap.dedent(f"""
    import asyncio, sys
    sys.path.insert(0, {str(ROOT)!r})
    from services.renderers.charts import ChartPool

    async def main():
        pool = ChartPool()
        await pool.start()
        print(" ".join(str(p.pid) for p in pool._executor._processes.values()), flush=True)
        await asyncio.sleep(120)

    if __name__ == "__main__":
        asyncio.run(main())
""")


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_workers_exit_when_the_parent_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "pool.py"
    script.write_text(SCRIPT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(workers) >= 1 and all(_alive(pid) for pid in workers)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 60
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
