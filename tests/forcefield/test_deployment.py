"""deploy(): the optimisation, frequencies and JSON document of a model set at a start geometry are
the forcefield library's own numbers, reached by its separate routes; the xyz it writes reads back."""

import io

import numpy as np
import pytest
from ase import Atoms
from ase.io import read

from fflux_studio.forcefield import FFLUXCalculator
from fflux_studio.forcefield.deployment import deploy, frequencies_at, write_minimum
from fflux_studio.forcefield.energy import evaluate
from fflux_studio.forcefield.frequencies import harmonic_analysis, hessian_by_differences
from fflux_studio.forcefield.optimisation import optimise
from fflux_studio.optimize.events import Cancelled

FMAX = 1e-3


@pytest.fixture(scope="module")
def deployed(ethanol, cyclic_models):
    steps = []
    calculator = FFLUXCalculator(cyclic_models)
    result = deploy(calculator, ethanol.geometries[700], fmax=FMAX, frequencies=True,
                    about_start={"file": "ethanol", "frame": 701}, callback=lambda *row: steps.append(row))
    return result, steps


def test_the_minimum_is_the_optimisers_own(deployed, ethanol, cyclic_models):
    result, steps = deployed
    atoms = Atoms("CCOHHHHHH", positions=ethanol.geometries[700])
    atoms.calc = FFLUXCalculator(cyclic_models)
    direct = optimise(atoms, fmax=FMAX)
    document = result.document
    assert document["energy"] == pytest.approx(direct.energy, abs=1e-12)
    np.testing.assert_allclose(document["geometry"], direct.positions, atol=1e-10)
    assert document["steps"] == direct.steps and document["converged"] and document["max_force"] <= FMAX
    assert [row[1] for row in steps] == pytest.approx(direct.energies, abs=1e-12)
    assert [row[2] for row in steps] == pytest.approx(direct.max_forces, abs=1e-12)
    assert document["start"] == {"file": "ethanol", "frame": 701}
    assert evaluate(atoms.calc.model_set, np.array(document["geometry"])).energy == pytest.approx(document["energy"])


def test_frequencies_are_the_harmonic_analysis_of_the_minimum(deployed, cyclic_models):
    result, _ = deployed
    calculator = FFLUXCalculator(cyclic_models)
    positions = np.array(result.document["geometry"])
    masses = Atoms("CCOHHHHHH").get_masses()
    hessian = hessian_by_differences(lambda p: evaluate(calculator.model_set, p).gradient, positions)
    np.testing.assert_allclose(result.document["frequencies_cm1"],
                               harmonic_analysis(hessian, positions, masses).frequencies, rtol=1e-12)
    np.testing.assert_allclose(frequencies_at(calculator, positions, masses).frequencies,
                               result.harmonic.frequencies, rtol=1e-12)
    assert len(result.document["frequencies_cm1"]) == 3 * 9 - 6


def test_a_run_that_stops_early_says_so_and_cancel_stops_it(ethanol, cyclic_models):
    calculator = FFLUXCalculator(cyclic_models)
    result = deploy(calculator, ethanol.geometries[700], fmax=1e-9, max_steps=3)
    assert not result.document["converged"] and result.document["warnings"][0].startswith("not converged")
    assert "frequencies_cm1" not in result.document and result.harmonic is None

    class AfterTwo:
        calls = 0

        def is_set(self):
            self.calls += 1
            return self.calls > 2

    with pytest.raises(Cancelled):
        deploy(calculator, ethanol.geometries[700], cancel=AfterTwo())


def test_the_xyz_reads_back_with_the_energy_in_its_comment(deployed):
    result, _ = deployed
    text = io.StringIO()
    write_minimum(text, "ETHANOL", result.document["symbols"], result.optimisation, format="xyz")
    atoms = read(io.StringIO(text.getvalue()), format="xyz")
    np.testing.assert_allclose(atoms.positions, result.document["geometry"], atol=1e-6)
    assert f"E = {result.document['energy']!r} Ha" in text.getvalue().splitlines()[1]
