"""The Deploy view without a browser: which sets it offers, what it refuses and why, and a folder
of models deployed through the session's worker process, drained by hand."""

import dataclasses

import numpy as np

from fflux_studio.ui.studio import TABS
from fflux_studio.ui.views.deploy import CAMPAIGN, FOLDER, UPLOADED

from ...forcefield.model_sets import write_model_set
from ..test_state import settle


def test_sets_on_offer_follow_the_inputs_and_start_at_the_first_test_frame(studio):
    view = studio.deploy_view
    assert view.sets.options == [] and view.frame.value == int(studio.state.split()[1][0]) + 1
    assert view.from_reference.visible and not view.from_reference.value
    assert view.reference is not None and view.train_button.name == "Train every atom's atomic_energy (TL and DL)"
    view.folder.value = "/somewhere"
    view.upload.param.update(filename=["a.model"], value=[b"x"])
    assert view.sets.options == [UPLOADED, FOLDER] and set(view.sets.value) == {FOLDER, UPLOADED}
    view.folder.value = ""
    assert view.sets.value == [UPLOADED]


def test_a_campaigns_models_are_offered_once_a_job_has_written_them(studio, demo):
    view = studio.deploy_view
    assert CAMPAIGN not in view.sets.options
    write_model_set(demo, studio.campaigns.name, "rbf-cyclic", frames=np.arange(40))
    studio.state.status = "done"
    assert view.sets.value == [CAMPAIGN]
    source, = view._sources()
    assert source.label == "campaign" and source.paths == (studio.campaigns.name,)


def test_what_cannot_be_deployed_or_trained_is_said(studio, demo):
    view = studio.deploy_view
    assert not view.deploy() and "tick a model set" in studio.state.message
    view.folder.value = "/somewhere"
    view.frame.value = demo.n_frames + 1
    assert not view.deploy() and f"frames 1..{demo.n_frames}" in studio.state.message
    studio.state.use(dataclasses.replace(demo, geometries=None, atoms={"C1": demo.atoms["C1"]}), "C1.csv")
    assert not view.deploy() and "holds no geometries" in studio.state.message
    assert view.train_button.disabled and "energy model for every atom" in view.training.object
    assert not studio.worker.busy


def test_a_folder_on_the_server_deploys_in_the_worker(studio, demo, tmp_path):
    view = studio.deploy_view
    write_model_set(demo, tmp_path, "rbf-cyclic", frames=np.arange(80))
    view.folder.value = str(tmp_path)
    assert view.deploy()
    assert not view.deploy() and "still running" in studio.state.message
    settle(studio)
    assert studio.state.status == "done", studio.state.message
    done = view.model.results["folder"]
    assert done.document["start"]["frame"] == view.frame.value
    assert view.export_set.value == "folder" and not view.json_download.disabled
    assert len(view.frequency_table.object) == 21 and "folder − ref" in view.frequency_table.object
    assert view.summary.object.loc[0, "steps"] == done.document["steps"]
    view.from_reference.value = True
    assert view.frame.disabled and view.deploy()
    settle(studio)
    assert view.model.results["folder"].document["start"] == {"file": str(view.reference_file), "geometry": "start"}
    assert studio.internal_errors == 0
