"""A model seeded by a related model's theta reaches the optimum TL reaches."""

import numpy as np
import pytest

from fflux_studio.campaign.transfer import run_seeded
from fflux_studio.protocols import ProtocolSettings, run_protocol


def test_seeded_by_an_equivalent_atom_reaches_tls_optimum(plan):
    tasks = {t.atom: t for t in plan(["C1", "C2"], ["atomic_energy"], transfer="atoms")}
    settings = ProtocolSettings(small_set_direct=False)  # TL with its sources, as on sets large enough to seed
    donor = run_protocol("tl", tasks["C1"].x, tasks["C1"].y, settings)
    recipient = tasks["C2"]
    seeded = run_seeded(recipient.x, recipient.y, settings, donor.log_theta[list(recipient.feature_map)])
    plain = run_protocol("tl", recipient.x, recipient.y, settings)
    assert seeded.protocol == "transfer"
    assert seeded.log_likelihood == pytest.approx(plain.log_likelihood, abs=0.01 * abs(plain.log_likelihood))
    assert seeded.evaluations < plain.evaluations


def test_seeded_at_the_optimum_stays_there(plan):
    task = plan(["H7"], ["charge"])[0]
    settings = ProtocolSettings()
    plain = run_protocol("tl", task.x, task.y, settings)
    seeded = run_seeded(task.x, task.y, settings, plain.log_theta)
    assert seeded.log_likelihood >= plain.log_likelihood - 1e-6 * abs(plain.log_likelihood)
    np.testing.assert_allclose(seeded.log_theta[plain.log_theta > -6], plain.log_theta[plain.log_theta > -6],
                               atol=0.05)
