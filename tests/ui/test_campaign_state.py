"""The Campaign step's model: choices from the dataset, the reports of the campaign process, the
counts, the grid's table and the time-left estimate, on made-up reports (no process needed)."""

from __future__ import annotations

import numpy as np
import pytest

from fflux_studio.campaign import TaskEvent
from fflux_studio.demo import demo_path
from fflux_studio.io.load import load_dataset
from fflux_studio.campaign.task import TRANSFERS
from fflux_studio.ui.campaign_state import TRANSFER_NAMES, CampaignState, default_workers
from fflux_studio.ui.messages import CampaignPlan, ModelErrors, TotalErrors
from fflux_studio.ui.state import StudioState

PLAN = CampaignPlan(("C1", "H2"), ("atomic_energy", "charge"), "/tmp/x", 2, ("C1", "H2"), "atomic_energy")


def event(atom, prop, state, seconds=None, **record):
    if seconds is not None:
        record["seconds"] = {"total": seconds}
    return TaskEvent(f"{atom}-{prop}", atom, prop, state, {"status": state, **record})


def test_the_page_offers_every_transfer_the_campaign_knows():
    assert sorted(TRANSFER_NAMES.values()) == sorted(TRANSFERS)


def test_two_workers_where_there_are_two_cores():
    assert [default_workers(n) for n in (1, 2, 8)] == [1, 2, 2]


def test_every_atom_and_property_is_chosen_and_transfer_follows_the_protocol(ethanol_state):
    campaign = CampaignState()
    campaign.use(ethanol_state.dataset)
    assert campaign.atoms == ethanol_state.dataset.atom_names and campaign.properties == ["atomic_energy", "charge"]
    campaign.protocol = "dl"
    assert campaign.transfer == "none"
    campaign.protocol = "tl"
    assert campaign.transfer == "atoms"


def test_a_request_says_what_is_wrong_before_anything_starts(ethanol_state, tmp_path):
    campaign = CampaignState()
    campaign.use(ethanol_state.dataset)
    request = campaign.request(ethanol_state, str(tmp_path))
    train, test = ethanol_state.split()
    np.testing.assert_array_equal(request.train, train)
    np.testing.assert_array_equal(request.test, test)
    assert (request.workers, request.transfer, len(request.atoms)) == (campaign.workers, "atoms", 9)
    campaign.atoms = ["H5", "C1"]
    assert campaign.request(ethanol_state, str(tmp_path)).atoms == ("C1", "H5"), "in the molecule's order"
    campaign.properties = []
    with pytest.raises(ValueError, match="at least one"):
        campaign.request(ethanol_state, str(tmp_path))
    campaign.properties = ["charge"]
    ethanol_state.train_size = 20
    with pytest.raises(ValueError, match="more frames than features"):
        campaign.request(ethanol_state, str(tmp_path))


def test_reports_fill_the_grid_counts_and_the_estimate():
    campaign = CampaignState()
    assert campaign.ingest([PLAN], now=0.0)
    assert campaign.counts()["queued"] == 4 and campaign.remaining(0.0) is None
    campaign.ingest([event("C1", "atomic_energy", "running"), event("H2", "atomic_energy", "running")], now=0.0)
    campaign.ingest([event("C1", "atomic_energy", "trained", 4.0, log_likelihood=12.5,
                           test={"rmse": 1.234, "mae": 1.0, "n": 5, "unit": "kJ/mol"}),
                     event("C1", "charge", "running")], now=4.0)
    # H2 energy has run 4 s of a typical 4 s, C1 charge 1 s; H2 charge waits: (0 + 3 + 4) / 2 workers
    assert campaign.remaining(5.0) == pytest.approx(3.5)
    assert campaign.finished() == 1 and campaign.counts()["running"] == 2
    campaign.selected = ("C1", "atomic_energy")
    grid = campaign.grid().set_index(["atom", "property"])
    assert grid.loc[("C1", "atomic_energy"), "text"] == "1.23 kJ/mol"
    assert grid.loc[("C1", "atomic_energy"), "log_likelihood"] == "12.5"
    assert grid.loc[("C1", "charge"), "text"] == "running" and grid.loc[("H2", "charge"), "text"] == ""
    assert grid["selected"].tolist() == [True, False, False, False]
    assert not campaign.ingest([object()])


def test_a_new_plan_starts_a_fresh_grid_and_keeps_the_selection():
    campaign = CampaignState()
    campaign.ingest([PLAN, event("C1", "charge", "failed", message="constant"),
                     ModelErrors("C1", "charge", np.zeros(3), "e"), TotalErrors("atomic_energy", np.zeros(3), "kJ/mol")])
    campaign.selected = ("C1", "charge")
    assert campaign.errors and campaign.total is not None
    campaign.ingest([PLAN])
    assert set(campaign.states.values()) == {"queued"} and not campaign.errors and campaign.total is None
    assert campaign.selected == ("C1", "charge")


@pytest.fixture(scope="module")
def ethanol():
    return load_dataset(demo_path("ethanol"))


@pytest.fixture
def ethanol_state(ethanol):
    state = StudioState()
    state.use(ethanol, "demo")
    return state
