"""The Studio's upload folder: one per session, empty between uploads, gone when the session ends;
its drain's status redraws; the tabs a new page does not show, built when first shown and then
showing everything that happened before."""

from __future__ import annotations

import io
import math
import time
import zipfile
from pathlib import Path

import numpy as np

from fflux_studio.campaign import TaskEvent
from fflux_studio.protocols import ProtocolSettings
from fflux_studio.ui import jobs
from fflux_studio.ui import studio as studio_module
from fflux_studio.ui.learning_estimate import LearningEstimate
from fflux_studio.ui.deploy_messages import DeployStarted, DeployStep
from fflux_studio.ui.messages import CampaignPlan, Finished, Iteration, Started
from fflux_studio.ui.progress import ProgressEstimate
from fflux_studio.ui.studio import TABS, Studio
from fflux_studio.ui.views.export import model_files

from .test_state import settle
from .views.test_compare import toy_session

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


def direct_step(k: int, seconds: float) -> Iteration:
    return Iteration("dl", {"phase": "direct", "source": 0, "iteration": k, "log_likelihood": 1.0,
                            "log_theta": [0.0] * 3, "seconds": seconds, "evaluations": k})


def test_the_running_status_is_redrawn_at_most_once_per_status_period(monkeypatch):
    """Every tick's points are drawn, but the status text (re-rendered Markdown) follows once a second."""
    clock = [100.0]
    monkeypatch.setattr(studio_module.time, "monotonic", lambda: clock[0])
    studio = Studio(demo=None)
    studio.state.status = "running"
    studio.estimate = ProgressEstimate.for_settings("dl", ProtocolSettings(), 50, 3)
    redraws = []
    studio.state.param.watch(redraws.append, "elapsed")
    for tick in range(1, 6):
        studio.worker.queue.put(direct_step(tick, 0.15 * tick))
        assert studio.drain() == 1
        clock[0] += 0.15
    assert [event.new for event in redraws] == [0.15]
    # one DL start: its budget of 1000 iterations is all the estimate knows (0.15 s per evaluation here)
    assert f"at most {math.ceil(999 * 2 * 0.15 * 1.5 / 60)} min left, if the optimisers use their whole budgets" in (
        studio.status.object)
    clock[0] += studio_module.STATUS_SECONDS
    studio.worker.queue.put(direct_step(6, 0.9))
    studio.drain()
    assert [event.new for event in redraws] == [0.15, 0.9] and studio.update_times
    studio.worker.queue.put(direct_step(7, 1.05))
    studio.worker.queue.put(Finished("train", "done"))
    studio.drain()
    assert studio.state.status == "done" and studio.state.elapsed == 1.05  # the end is never throttled
    studio._destroyed(None)


def test_learning_curve_progress_ends_full_when_slow_sizes_drop_their_repeats(monkeypatch):
    """2 sizes x 3 repeats x 2 protocols are 12 planned runs; with every first run slow only 4 run,
    and the estimate knows it from each first run's time."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 2, size=(90, 3))
    y = np.sin(x[:, 0]) + 0.1 * x[:, 2]
    monkeypatch.setattr(jobs, "REPEAT_UNDER_SECONDS", 0.0)
    sent = []
    jobs.learning(jobs.Problem(x[:60], y[:60], x[60:], y[60:], "Ha"), ProtocolSettings(), ProtocolSettings(),
                  [30, 60], 3, sent.append, None)
    studio = Studio(demo=None)
    studio.learning_estimate = LearningEstimate([30, 60], 3)
    fractions = []
    for message in sent:
        studio._learning_point(message)
        fractions.append(studio.state.progress)
    assert len(studio.state.learning) == 4 and studio.state.progress == 1.0
    assert fractions == sorted(fractions) and 0 < fractions[0] < 1
    assert studio.state.elapsed == sum(m.row["seconds"] for m in sent) and studio.state.time_left == "finishing"
    studio._destroyed(None)


def test_a_comparisons_time_left_counts_dl_while_tl_runs_and_goes_on_with_it():
    """Compare said 9 s left and took 84 s: TL's estimate alone ignored the PSO baseline after it."""
    studio = Studio(demo=None)
    tl, dl = ProtocolSettings(), ProtocolSettings(optimizer="pso")
    studio._pending_settings = {"tl": tl, "dl": dl}
    studio.worker.queue.put(Started("tl", tl.as_dict(), 500, 21))
    studio.drain()
    estimate = studio.estimate
    assert [leg.protocol for leg in estimate.legs] == ["tl", "dl"]  # 500 x 21: TL is one full-set search
    studio.worker.queue.put(Started("dl", dl.as_dict(), 500, 21))
    studio.drain()
    assert studio.estimate is estimate
    studio._destroyed(None)


def test_a_new_studio_builds_the_views_of_hidden_tabs_when_first_shown():
    studio = Studio(demo=None)
    try:
        assert studio.views.built == {} and not any(slot.objects for slot in studio.views.slots.values())
        studio.tabs.active = TABS["export"]
        export = studio.views.built["export"]
        shown, = studio.views.slots["export"].objects
        assert list(studio.views.built) == ["export"] and export.model in shown.objects
        assert studio.tabs[TABS["export"]] is studio.views.slots["export"]
        studio.tabs.active = TABS["data"]
        studio.tabs.active = TABS["export"]
        assert studio.export_view is export, "built once"
        assert studio.compare_view is studio.views.built["compare"]  # code asking for a view builds it too
        assert sorted(studio.views.built) == ["compare", "export"]
    finally:
        studio._destroyed(None)


def test_views_built_after_the_work_show_its_results():
    studio = toy_session()
    try:
        studio.compare("lbfgs")
        settle(studio)
        runs = studio.state.runs
        assert set(runs) == {"tl", "dl"} and studio.views.built == {}
        studio.worker.queue.put(CampaignPlan(("A1", "B2"), ("iqa",), "/x", 1, ("A1", "B2"), "iqa"))
        studio.worker.queue.put(TaskEvent("k", "A1", "iqa", "trained", {"status": "trained", "log_likelihood": 7.5,
                                                                       "seconds": {"total": 2.0}}))
        studio.worker.queue.put(DeployStarted("TL"))
        for step in range(3):
            studio.worker.queue.put(DeployStep("TL", step, -1.0 - 0.1 * step, 0.1 / (step + 1)))
        studio.drain()
        assert studio.views.built == {}

        export = studio.export_view
        assert not export.model.disabled and not export.png.disabled
        assert export.model.filename == "fflux_models.zip"
        assert export.note.object == "Model files: " + ", ".join(f"`{name}`" for name in model_files(runs))
        compare = studio.compare_view
        assert compare.table.object.loc["ln L"].tolist() == [round(runs[p].metrics["log_likelihood"], 4)
                                                             for p in ("tl", "dl")]
        assert {curve.label for curve in compare.s_curves.object} == {"TL", "DL"}
        campaign = studio.campaign_view
        assert campaign.grid.visible and (campaign.bar.value, campaign.bar.max) == (1, 2)
        assert campaign.progress.object.startswith("**1 of 2** models finished")
        deploy = studio.deploy_view
        assert list(deploy.live.sources["TL"].data["step"]) == [0, 1, 2]
        studio.worker.queue.put(DeployStep("TL", 3, -1.3, 0.02))
        studio.drain()
        assert list(deploy.live.sources["TL"].data["step"]) == [0, 1, 2, 3], "later steps stream after the earlier"
        assert studio.internal_errors == 0
    finally:
        studio._destroyed(None)
