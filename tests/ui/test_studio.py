"""The Studio's upload folder: one per session, empty between uploads, gone when the session ends."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

from fflux_studio.ui.studio import Studio

WATER = "".join(f"3\nProperties=species:S:1:pos:R:3:iqa:R:1\nO 0 0 0 -75.4\nH {0.96 + 0.01 * i} 0 0 -0.5\n"
                f"H -0.24 {0.93 - 0.005 * i} 0 -0.5\n" for i in range(5))


def test_upload_folder_lives_as_long_as_the_session():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data/water.xyz", WATER)
    studio = Studio(demo=None)
    folder = Path(studio.uploads.name)
    assert studio.load(upload=(["water.zip"], [buffer.getvalue()]))
    deadline = time.monotonic() + 60
    while studio.worker.busy or not studio.worker.queue.empty():
        assert time.monotonic() < deadline
        studio.drain()
        time.sleep(0.02)
    assert studio.state.dataset is not None and studio.state.dataset.n_frames == 5, studio.state.message
    assert folder.is_dir() and not list(folder.iterdir())
    studio._destroyed(None)
    assert not folder.exists()
