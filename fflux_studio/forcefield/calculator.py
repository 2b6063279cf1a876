"""The model set as an ASE calculator, so ASE's optimisers, MD and ``Vibrations`` run on it."""

from __future__ import annotations

from os import PathLike

from ase.calculators.calculator import Calculator, all_changes

from fflux_studio.forcefield.domain import DomainCheck, DomainLimits, check_domain
from fflux_studio.forcefield.energy import evaluate
from fflux_studio.forcefield.model_set import ModelSet, load_model_set
from fflux_studio.units import ANGSTROM_PER_BOHR, HARTREE_TO_EV


class FFLUXCalculator(Calculator):
    """Energy (eV) and forces (eV/Å) of FFLUX energy models: one ``.model`` per atom.

    ``models``: a folder, a model file, a list of them, or a ModelSet. The Atoms must list the
    models' elements in the models' atom order; ``property_name`` as load_model_set's. ``energies`` are the atomic energies (eV).
    """

    implemented_properties = ["energy", "free_energy", "forces", "energies"]

    def __init__(self, models, property_name: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(models, ModelSet):
            self.model_set = models
        else:
            sources = [models] if isinstance(models, (str, PathLike)) else models
            self.model_set = load_model_set(sources, property_name)
        self._limits = None

    def _check_atoms(self, atoms):
        symbols = atoms.get_chemical_symbols()
        if symbols != self.model_set.symbols:
            raise ValueError(f"the atoms ({''.join(symbols)}) are not those of the {self.model_set.system} models "
                             f"({''.join(self.model_set.symbols)}, in this order)")

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        self._check_atoms(self.atoms)
        result = evaluate(self.model_set, self.atoms.positions)
        self.results["energy"] = self.results["free_energy"] = result.energy * HARTREE_TO_EV
        self.results["forces"] = -result.gradient * (HARTREE_TO_EV / ANGSTROM_PER_BOHR)
        self.results["energies"] = result.atomic_energies * HARTREE_TO_EV

    def domain(self, atoms) -> DomainCheck:
        """Uncertainty (Ha) of the energy at ``atoms`` and the domain warnings (see forcefield.domain)."""
        self._check_atoms(atoms)
        if self._limits is None:
            self._limits = DomainLimits.of(self.model_set)
        return check_domain(self.model_set, atoms.positions, self._limits)
