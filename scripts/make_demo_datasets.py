#!/usr/bin/env python
"""Generate FFLUX Studio's bundled demo datasets (GFN2-xTB molecular dynamics).

The four molecules of Isamura & Popelier (PCCP 2024): benzene, ethanol, formic acid dimer and
fomepizole (4-methylpyrazole).  For each, a Langevin MD trajectory on the GFN2-xTB surface
(tblite) is sampled every ``--interval-fs`` after an equilibration, and every sampled frame is
labelled with GFN2-xTB atom-partitioned energies (Hartree) and atomic (Mulliken) charges (e).

These labels are a *teaching stand-in* for the IQA atomic energies and QTAIM charges that AIMAll
computes in the real FFLUX workflow: they are smooth, atom-resolved, sum exactly to the total
energy, and cost milliseconds instead of CPU-hours.  They are not IQA energies.

Output: ``<out>/<name>.extxyz.gz``, extended XYZ written by ASE, with per-atom arrays
``atomic_energy`` (Ha) and ``charge`` (e), per-frame info ``energy`` (total, Ha) and the
generation settings in every frame's info.  Note that ASE's reader moves ``energy`` and ``charge``
into a SinglePointCalculator: use ``atoms.calc.results["energy"]`` / ``atoms.get_charges()``
(the numbers are Hartree and e, whatever unit ASE assumes).

The defaults reproduce the bundled files:

    OMP_NUM_THREADS=1 python scripts/make_demo_datasets.py            # all four, ~8 min CPU
    python scripts/make_demo_datasets.py ethanol --frames 200 --out /tmp/demo
    python scripts/make_demo_datasets.py --check                       # sanity report only

Needs the ``qm`` extra (``pip install .[qm]``, i.e. tblite) to generate; ``--check`` needs ASE only.
"""
from __future__ import annotations

import argparse
import gzip
import io
import os
import sys
import time
from pathlib import Path

# One thread: the result is then bit-reproducible and the machine stays usable.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import ase  # noqa: E402
import ase.io  # noqa: E402
from ase import Atoms, units  # noqa: E402
from ase.build import molecule as ase_molecule  # noqa: E402
from ase.calculators.calculator import Calculator as AseCalculator, all_changes  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "fflux_studio" / "assets" / "demo"

LABELS_NOTE = (
    "GFN2-xTB atom-partitioned energies (Ha) and Mulliken charges (e) from tblite: "
    "a teaching stand-in for IQA atomic energies from AIMAll, not IQA"
)

# Per-molecule defaults.  The formic acid dimer is run cooler so that its two hydrogen bonds hold
# (checked on every frame, see hbond_HO_A); 600 K lets the others rotate their methyl/hydroxyl groups.
MOLECULES = {
    "benzene": dict(temperature=600.0, seed=101),
    "ethanol": dict(temperature=600.0, seed=102),
    "formic_acid_dimer": dict(temperature=350.0, seed=103),
    "fomepizole": dict(temperature=600.0, seed=104),
}
ORDER = ["ethanol", "benzene", "formic_acid_dimer", "fomepizole"]

DEFAULTS = dict(
    frames=1500,
    timestep_fs=0.5,
    friction_per_fs=0.01,
    equilibration_fs=2000.0,
    interval_fs=20.0,
    md_accuracy=1.0,       # tblite SCF accuracy for the MD forces (its default)
    label_accuracy=1e-4,   # tighter SCF for the labels: atom energies converge to ~1e-9 Ha
    decimals=8,            # ASE's extxyz writer prints per-atom floats as %16.8f
)


# --------------------------------------------------------------------------------------------
# Geometries
# --------------------------------------------------------------------------------------------

def build_benzene() -> Atoms:
    return ase_molecule("C6H6")  # C1..C6 then H7..H12, H(6+i) on C(i)


def build_ethanol() -> Atoms:
    return ase_molecule("CH3CH2OH")  # C1(methyl) C2 O3 H4(hydroxyl) H5 H6 (on C2) H7 H8 H9 (methyl)


def build_formic_acid_dimer() -> Atoms:
    """Cyclic, doubly hydrogen-bonded (C2h) dimer built by inversion of one syn-HCOOH monomer.

    Atom order (heavy atoms first): C1 C2, O3 O4 (carbonyl), O5 O6 (hydroxyl), H7 H8 (on C),
    H9 H10 (hydroxyl); atom i+1 of each pair belongs to the second monomer.  H9 donates to O4,
    H10 to O3.
    """
    mono = ase_molecule("HCOOH")  # O(H) C O(=) H(O) H(C), syn: H-O-C=O dihedral 0
    p = mono.positions
    o_h, c, o_c, h_o, h_c = p[0], p[1], p[2], p[3], p[4]
    u = (h_o - o_h) / np.linalg.norm(h_o - o_h)
    o_c_partner = h_o + 1.70 * u            # the other monomer's carbonyl O, 1.7 A along O-H
    centre = 0.5 * (o_c + o_c_partner)      # inversion centre of the dimer
    a = [c, o_c, o_h, h_c, h_o]
    b = [2 * centre - x for x in a]
    pos = [a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3], a[4], b[4]]
    return Atoms("C2O4H4", positions=np.array(pos) - centre)


def build_fomepizole() -> Atoms:
    """4-methyl-1H-pyrazole, planar ring by hand (pre-optimised later).

    Atom order: N1(H) N2 C3 C4(CH3) C5, C6 (methyl), H7 (on N1), H8 (on C3), H9 (on C5),
    H10 H11 H12 (methyl).
    """
    ring_bond = 1.38
    radius = ring_bond / (2 * np.sin(np.pi / 5))
    ang = np.pi / 2 + 2 * np.pi / 5 * np.arange(5)
    radial = np.stack([np.cos(ang), np.sin(ang), np.zeros(5)], axis=1)
    ring = radius * radial
    pos = list(ring)
    pos.append(ring[3] + 1.50 * radial[3])  # C6 on C4
    pos.append(ring[0] + 1.01 * radial[0])  # H on N1
    pos.append(ring[2] + 1.08 * radial[2])  # H on C3
    pos.append(ring[4] + 1.08 * radial[4])  # H on C5
    u = radial[3]
    v = np.cross([0.0, 0.0, 1.0], u)
    z = np.array([0.0, 0.0, 1.0])
    c6 = pos[5]
    for phi in (0.0, 2 * np.pi / 3, 4 * np.pi / 3):
        d = u * np.cos(np.radians(180 - 109.47)) + np.sin(np.radians(180 - 109.47)) * (
            v * np.cos(phi) + z * np.sin(phi))
        pos.append(c6 + 1.09 * d)
    return Atoms("N2C4H6", positions=np.array(pos))


BUILDERS = {
    "benzene": build_benzene,
    "ethanol": build_ethanol,
    "formic_acid_dimer": build_formic_acid_dimer,
    "fomepizole": build_fomepizole,
}


# --------------------------------------------------------------------------------------------
# GFN2-xTB through tblite's Python API
# --------------------------------------------------------------------------------------------

def _tblite():
    try:
        from tblite.interface import Calculator
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit("tblite is needed to generate the datasets: pip install '.[qm]'") from exc
    return Calculator


def tblite_version() -> str:
    try:
        from importlib.metadata import version
        return version("tblite")
    except Exception:  # pragma: no cover
        return "unknown"


class GFN2(AseCalculator):
    """Minimal ASE calculator on tblite.interface.Calculator.

    Restarts each SCF from the previous wavefunction (fast MD forces).  Energies in eV, forces in
    eV/A as ASE expects.  The labels are computed separately (see ``Labeller``).
    """

    implemented_properties = ["energy", "forces"]

    def __init__(self, accuracy: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.accuracy = accuracy
        self._calc = None
        self._res = None

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        pos = self.atoms.positions / units.Bohr
        if self._calc is None or "numbers" in system_changes:
            Calculator = _tblite()
            self._calc = Calculator("GFN2-xTB", self.atoms.numbers, pos)
            self._calc.set("verbosity", 0)
            self._calc.set("accuracy", self.accuracy)
            self._res = None
        else:
            self._calc.update(positions=pos)
        try:
            res = self._calc.singlepoint(self._res) if self._res is not None else self._calc.singlepoint()
        except Exception:
            # SCF trouble from a poor guess: start from scratch once before giving up
            res = self._calc.singlepoint()
        self._res = res
        self.results["energy"] = float(res.get("energy")) * units.Hartree
        self.results["forces"] = -np.asarray(res.get("gradient")) * units.Hartree / units.Bohr


class Labeller:
    """Atom-resolved GFN2-xTB energies (Ha) and charges (e) of one geometry, from a fresh SCF guess.

    A fresh guess and a tight SCF make the labels a function of the written positions only
    (partitioned energies are not variational: at tblite's default accuracy they carry ~3e-6 Ha of
    SCF noise; at accuracy 1e-4 about 1e-9 Ha).
    """

    def __init__(self, numbers, positions, accuracy: float):
        Calculator = _tblite()
        self.calc = Calculator("GFN2-xTB", np.asarray(numbers), positions / units.Bohr)
        self.calc.set("verbosity", 0)
        self.calc.set("accuracy", accuracy)

    def __call__(self, positions):
        self.calc.update(positions=np.asarray(positions) / units.Bohr)
        res = self.calc.singlepoint()
        e_atoms = np.array(res.get("energies"), dtype=float)
        energy = float(res.get("energy"))
        charges = np.array(res.get("charges"), dtype=float)
        return energy, e_atoms, charges


# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------

def hbond_distances(pos: np.ndarray) -> np.ndarray:
    """The two H...O hydrogen-bond distances (A) of the formic acid dimer in our atom order."""
    return np.array([np.linalg.norm(pos[8] - pos[3]), np.linalg.norm(pos[9] - pos[2])])


# Covalent radii (A) of the connectivity rule of SPEC section 2 (bonded below 1.25 x the sum);
# other elements fall back on ASE's table.
COVALENT_RADII = {1: 0.37, 6: 0.77, 7: 0.75, 8: 0.73}


def connectivity(numbers, positions, scale: float = 1.25) -> np.ndarray:
    from ase.data import covalent_radii
    r = np.array([COVALENT_RADII.get(int(z), covalent_radii[int(z)]) for z in numbers])
    d = np.linalg.norm(positions[:, None, :] - positions[None, :, :], axis=-1)
    bonded = d < scale * (r[:, None] + r[None, :])
    np.fill_diagonal(bonded, False)
    return bonded


def preoptimise(atoms: Atoms, fmax: float = 0.005) -> Atoms:
    from ase.optimize import BFGS
    atoms = atoms.copy()
    atoms.calc = GFN2(accuracy=0.01)
    opt = BFGS(atoms, logfile=None)
    opt.run(fmax=fmax, steps=500)
    atoms.calc = None
    return atoms


def generate(name: str, frames: int, temperature: float, seed: int, settings: dict,
             log=print) -> list[Atoms]:
    from ase.md.langevin import Langevin
    from ase.constraints import FixCom
    from ase.md.velocitydistribution import Stationary, ZeroRotation

    dt = settings["timestep_fs"]
    steps_per_frame = int(round(settings["interval_fs"] / dt))
    equil_steps = int(round(settings["equilibration_fs"] / dt))
    if steps_per_frame < 1:
        raise ValueError("interval shorter than the timestep")

    t0 = time.perf_counter()
    c0 = time.process_time()
    atoms = preoptimise(BUILDERS[name]())
    t_opt = time.perf_counter() - t0

    rng = np.random.default_rng(seed)
    # Maxwell-Boltzmann momenta drawn here (not through ASE's helper, whose API moves between
    # versions), then no net translation or rotation.
    masses = atoms.get_masses()[:, None]
    atoms.set_momenta(np.sqrt(masses * units.kB * temperature) * rng.standard_normal((len(atoms), 3)))
    Stationary(atoms)
    ZeroRotation(atoms)
    # FixCom + fixcm=False: ASE's own fixcm=True overheats small molecules with light H atoms
    # (ethanol ran ~790 K instead of 600 K in a test; ASE deprecates it for that reason).
    atoms.set_constraint(FixCom())
    atoms.calc = GFN2(accuracy=settings["md_accuracy"])
    dyn = Langevin(atoms, timestep=dt * units.fs, temperature_K=temperature,
                   friction=settings["friction_per_fs"] / units.fs, rng=rng, fixcm=False)

    t1 = time.perf_counter()
    dyn.run(equil_steps)
    t_equil = time.perf_counter() - t1

    meta = {
        "molecule": name,
        "method": "GFN2-xTB",
        "program": "tblite",
        "tblite_version": tblite_version(),
        "ase_version": ase.__version__,
        "labels": LABELS_NOTE,
        "energy_unit": "Ha",
        "atomic_energy_unit": "Ha",
        "charge_unit": "e",
        "length_unit": "Angstrom",
        "sampling": "Langevin MD (ase.md.langevin.Langevin, fixcm=False, FixCom) on GFN2-xTB forces",
        "temperature_K": float(temperature),
        "timestep_fs": float(dt),
        "friction_per_fs": float(settings["friction_per_fs"]),
        "equilibration_fs": float(settings["equilibration_fs"]),
        "sample_interval_fs": float(settings["interval_fs"]),
        "random_seed": int(seed),
        "md_scf_accuracy": float(settings["md_accuracy"]),
        "label_scf_accuracy": float(settings["label_accuracy"]),
        "angstrom_per_bohr": float(units.Bohr),
        "connectivity_rule": "bonded below 1.25 x sum of covalent radii (H 0.37, C 0.77, N 0.75, O 0.73 A); "
                             "frames whose bonds differ from the optimised geometry's are not kept",
        "generator": "scripts/make_demo_datasets.py",
    }

    decimals = settings["decimals"]
    labeller = Labeller(atoms.numbers, atoms.positions, settings["label_accuracy"])
    ref_bonds = connectivity(atoms.numbers, atoms.positions)
    out: list[Atoms] = []
    temps = []
    rejected = []
    t2 = time.perf_counter()
    n_blocks = 0
    while len(out) < frames:
        dyn.run(steps_per_frame)
        n_blocks += 1
        t_fs = round(settings["equilibration_fs"] + n_blocks * settings["interval_fs"], 6)
        pos = np.round(atoms.positions, decimals)  # label exactly what gets written
        if not np.array_equal(connectivity(atoms.numbers, pos), ref_bonds):
            # e.g. a hydrogen bond of the dimer squeezed below the bonding threshold: the atomic
            # local frames would change in this frame, so it is not kept (the MD goes on)
            rejected.append(t_fs)
            if len(rejected) > max(10, frames // 10):
                raise RuntimeError(f"{name}: connectivity keeps changing; lower the temperature")
            continue
        temps.append(atoms.get_temperature())
        energy, e_atoms, charges = labeller(pos)
        frame = Atoms(numbers=atoms.numbers, positions=pos)
        frame.arrays["atomic_energy"] = e_atoms
        frame.arrays["charge"] = charges
        info = {"energy": round(energy, 10), "frame": len(out), "time_fs": t_fs}
        if name == "formic_acid_dimer":
            info["hbond_HO_A"] = np.round(hbond_distances(pos), 4)
        info.update(meta)
        frame.info.update(info)
        out.append(frame)
    for frame in out:
        frame.info["rejected_frames"] = len(rejected)
    t_prod = time.perf_counter() - t2
    n_steps = equil_steps + n_blocks * steps_per_frame
    log(f"{name}: T={temperature:g} K, {frames} frames, {n_steps} MD steps; "
        f"pre-opt {t_opt:.1f} s, equilibration {t_equil:.1f} s, production+labels {t_prod:.1f} s "
        f"({1e3 * (t_equil + t_prod) / n_steps:.2f} ms/step); mean kinetic T of frames "
        f"{np.mean(temps):.0f} K; CPU time {time.process_time() - c0:.1f} s; "
        f"{len(rejected)} frame(s) not kept for a change of connectivity"
        + (f" (at t = {', '.join(f'{t:g}' for t in rejected)} fs)" if rejected else ""))
    return out


def write_gz(frames: list[Atoms], path: Path) -> None:
    """ASE extxyz, gzip-compressed with a fixed header (mtime 0, no name): byte-reproducible."""
    buf = io.StringIO()
    ase.io.write(buf, frames, format="extxyz")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                compresslevel=9, mtime=0) as gz:
        gz.write(buf.getvalue().encode("utf-8"))


# --------------------------------------------------------------------------------------------
# Sanity checks
# --------------------------------------------------------------------------------------------

def dihedral(p0, p1, p2, p3) -> np.ndarray:
    """Dihedral angles (degrees, (-180, 180]) for arrays of points of shape (n, 3)."""
    b0, b1, b2 = p0 - p1, p2 - p1, p3 - p2
    b1n = b1 / np.linalg.norm(b1, axis=1, keepdims=True)
    v = b0 - np.sum(b0 * b1n, axis=1, keepdims=True) * b1n
    w = b2 - np.sum(b2 * b1n, axis=1, keepdims=True) * b1n
    x = np.sum(v * w, axis=1)
    y = np.sum(np.cross(b1n, v) * w, axis=1)
    return np.degrees(np.arctan2(y, x))


def autocorr(x: np.ndarray, lag: int) -> float:
    x = x - x.mean()
    return float(np.dot(x[:-lag], x[lag:]) / np.dot(x, x))


def read_frames(path: Path) -> list[Atoms]:
    """All frames of a .extxyz(.gz) file.  Decompresses into memory first: ASE's extxyz reader
    seeks back and forth, which on a gzip stream costs O(n^2) (7 s instead of 0.4 s for 1500 frames)."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as fh:
        text = fh.read()
    return ase.io.read(io.StringIO(text), index=":", format="extxyz")


def load(path: Path):
    frames = read_frames(path)
    pos = np.array([f.positions for f in frames])
    e_at = np.array([f.arrays["atomic_energy"] for f in frames])
    q = np.array([f.calc.results["charges"] if "charge" not in f.arrays else f.arrays["charge"]
                  for f in frames])
    etot = np.array([f.calc.results["energy"] if "energy" not in f.info else f.info["energy"]
                     for f in frames])
    return frames, pos, e_at, q, etot


def report(name: str, path: Path, log=print) -> None:
    frames, pos, e_at, q, etot = load(path)
    kj = 2625.4996394799
    sym = frames[0].get_chemical_symbols()
    log(f"== {name}: {len(frames)} frames, {len(sym)} atoms, {path.stat().st_size / 1e3:.0f} kB "
        f"({frames[0].info.get('temperature_K')} K)")
    log(f"   max |sum(atomic_energy) - energy| = {np.abs(e_at.sum(1) - etot).max():.2e} Ha; "
        f"max |sum(charge)| = {np.abs(q.sum(1)).max():.2e} e")
    std = e_at.std(0)
    log("   std of atomic energy across frames (Ha): "
        + " ".join(f"{s}{i + 1}:{v:.2e}" for i, (s, v) in enumerate(zip(sym, std))))
    log(f"   min/max std {std.min():.2e}/{std.max():.2e} Ha = {std.min() * kj:.1f}/{std.max() * kj:.1f} kJ/mol; "
        f"total energy std {etot.std():.2e} Ha; charge std min {q.std(0).min():.2e} e")
    for lag in (1, 2, 5):
        ac = np.array([autocorr(e_at[:, a], lag) for a in range(e_at.shape[1])])
        log(f"   autocorrelation of atomic energies at lag {lag} frame(s): "
            f"max |r| {np.abs(ac).max():.3f}, mean {ac.mean():+.3f}")
    bonds = np.array([connectivity(frames[0].numbers, p) for p in pos])
    n_diff = int((bonds != bonds[0]).any(axis=(1, 2)).sum())
    log(f"   frames whose connectivity (1.25 x covalent radii) differs from frame 1: {n_diff}; "
        f"rejected during generation: {frames[0].info.get('rejected_frames', '?')}")
    ac_tot = autocorr(etot, 1)
    log(f"   autocorrelation of total energy at lag 1: {ac_tot:+.3f}")

    def hist(angles, label):
        h, _ = np.histogram(angles, bins=12, range=(-180, 180))
        log(f"   {label} histogram, 30-degree bins from -180: {' '.join(str(int(c)) for c in h)}")

    if name == "ethanol":
        hist(dihedral(pos[:, 0], pos[:, 1], pos[:, 2], pos[:, 3]), "C1-C2-O3-H4 dihedral")
        hist(dihedral(pos[:, 6], pos[:, 0], pos[:, 1], pos[:, 2]), "H7-C1-C2-O3 dihedral")
    elif name == "fomepizole":
        hist(dihedral(pos[:, 9], pos[:, 5], pos[:, 3], pos[:, 2]), "H10-C6-C4-C3 dihedral")
    elif name == "formic_acid_dimer":
        hb = np.array([hbond_distances(p) for p in pos])
        oo = np.stack([np.linalg.norm(pos[:, 4] - pos[:, 3], axis=1),
                       np.linalg.norm(pos[:, 5] - pos[:, 2], axis=1)], axis=1)
        log(f"   H...O hydrogen bonds: mean {hb.mean():.2f} A, max {hb.max():.2f} A; "
            f"O...O: mean {oo.mean():.2f}, max {oo.max():.2f} A; frames with H...O > 2.5 A: "
            f"{int((hb > 2.5).any(1).sum())}")
    elif name == "benzene":
        oop = dihedral(pos[:, 0], pos[:, 1], pos[:, 2], pos[:, 3])
        log(f"   ring C1-C2-C3-C4 dihedral: std {oop.std():.1f} deg, max |.| {np.abs(oop).max():.1f} deg")


# --------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("molecules", nargs="*", metavar="MOLECULE",
                    help=f"molecules to generate, of {', '.join(ORDER)} (default: all four)")
    ap.add_argument("--frames", type=int, default=DEFAULTS["frames"])
    ap.add_argument("--temperature", type=float, default=None,
                    help="MD temperature in K for every selected molecule (default: 600 K, "
                         "350 K for the formic acid dimer)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    ap.add_argument("--timestep-fs", type=float, default=DEFAULTS["timestep_fs"])
    ap.add_argument("--friction-per-fs", type=float, default=DEFAULTS["friction_per_fs"])
    ap.add_argument("--equilibration-fs", type=float, default=DEFAULTS["equilibration_fs"])
    ap.add_argument("--interval-fs", type=float, default=DEFAULTS["interval_fs"],
                    help="time between saved frames")
    ap.add_argument("--seed", type=int, default=None,
                    help="random seed for every selected molecule (default: a fixed seed per molecule)")
    ap.add_argument("--check", action="store_true",
                    help="do not generate; print the sanity report of the files in --out")
    args = ap.parse_args(argv)

    unknown = [n for n in args.molecules if n not in ORDER + ["all"]]
    if unknown:
        ap.error(f"unknown molecule(s) {', '.join(unknown)}; choose from {', '.join(ORDER)}")
    names = ORDER if (not args.molecules or "all" in args.molecules) else \
        [n for n in ORDER if n in args.molecules]
    settings = dict(DEFAULTS)
    settings.update(timestep_fs=args.timestep_fs, friction_per_fs=args.friction_per_fs,
                    equilibration_fs=args.equilibration_fs, interval_fs=args.interval_fs)

    if not args.check:
        t_all = time.perf_counter()
        c_all = time.process_time()
        for name in names:
            temp = args.temperature if args.temperature is not None else MOLECULES[name]["temperature"]
            seed = args.seed if args.seed is not None else MOLECULES[name]["seed"]
            frames = generate(name, args.frames, temp, seed, settings)
            path = args.out / f"{name}.extxyz.gz"
            write_gz(frames, path)
            print(f"   wrote {path} ({path.stat().st_size / 1e3:.0f} kB)", flush=True)
        print(f"total generation time {time.perf_counter() - t_all:.0f} s wall, "
              f"{time.process_time() - c_all:.0f} s CPU "
              f"(OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')})")
    for name in names:
        path = args.out / f"{name}.extxyz.gz"
        if path.exists():
            report(name, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
