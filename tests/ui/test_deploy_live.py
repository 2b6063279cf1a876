"""The Deploy page's live figures: each set's steps streamed into its own line, energies from the
set's start energy in kJ/mol, an unexpected set name still drawn, a new deployment starting empty."""

import pytest

from fflux_studio.ui.deploy_live import OptimisationFigures
from fflux_studio.units import HARTREE_TO_KJMOL


def steps(energies, first=0):
    return [{"step": first + k, "energy": e, "max_force": 0.1 / (k + 1)} for k, e in enumerate(energies)]


def test_steps_stream_into_their_sets_line_from_its_start_energy():
    live = OptimisationFigures()
    live.stream("TL", steps([-1.0, -1.001]))
    live.stream("TL", steps([-1.002], first=2))
    live.stream("DL", steps([-2.0]))
    expected = [0.0, -0.001 * HARTREE_TO_KJMOL, -0.002 * HARTREE_TO_KJMOL]
    assert live.sources["TL"].data["delta"] == pytest.approx(expected)
    assert live.sources["TL"].data["step"] == [0, 1, 2] and live.sources["DL"].data["delta"] == [0.0]
    visible = {item.label["value"] for item in live.energy.legend.items if item.visible}
    assert visible == {"TL", "DL"} and live.points() == 4
    live.stream("my set", steps([-3.0, -3.1]))
    assert live.sources["my set"].data["max_force"] == [0.1, 0.05] and live.points() == 6
    live.clear()
    assert live.points() == 0 and not any(item.visible for item in live.force.legend.items)
