"""Chemically equivalent atoms, and how their ALF features correspond (for cross-model transfer).

Two atoms are equivalent when a symmetry of the bond graph (an element-preserving graph
automorphism: benzene's six carbons, a methyl's three hydrogens) maps one onto the other together
with its local frame (origin, x-axis and xy-plane atoms). The same automorphism then maps every
other atom j of the donor's frame to an atom of the recipient's, so each of j's (r, θ, φ) features
has a counterpart, and the donor's theta can be read feature by feature in the recipient's order.
"""

from __future__ import annotations

import networkx as nx
from networkx.algorithms.isomorphism import GraphMatcher

from fflux_studio.chem.connectivity import bonded


def bond_graph(elements, positions) -> nx.Graph:
    """Atoms (0-based) labelled by element, edges where bonded (Å positions of one frame)."""
    bonds = bonded(elements, positions)
    graph = nx.Graph()
    graph.add_nodes_from((i, {"element": e}) for i, e in enumerate(elements))
    graph.add_edges_from((i, j) for i in range(len(elements)) for j in range(i + 1, len(elements)) if bonds[i, j])
    return graph


def feature_order(alf, n_atoms: int) -> list[int]:
    """The atom behind each (r, θ, φ) block of the features of the atom whose frame is ``alf`` (0-based)."""
    return [j for j in range(n_atoms) if j not in alf]


def feature_map(mapping: dict, donor_alf, recipient_alf, n_atoms: int) -> tuple[int, ...]:
    """``result[i]`` is the donor feature matching the recipient's feature i, under the atom map
    ``mapping`` (donor atom -> recipient atom) that carries the donor's frame onto the recipient's."""
    donor_blocks = {atom: b for b, atom in enumerate(feature_order(donor_alf, n_atoms))}
    result = [0, 1, 2]
    inverse = {target: source for source, target in mapping.items()}
    for atom in feature_order(recipient_alf, n_atoms):
        block = donor_blocks[inverse[atom]]
        result.extend(3 + 3 * block + c for c in range(3))
    return tuple(result)


def frame_map(graph: nx.Graph, donor_alf, recipient_alf) -> dict | None:
    """An automorphism of ``graph`` taking ``donor_alf`` onto ``recipient_alf`` atom by atom, or None."""
    matcher = GraphMatcher(graph, graph, node_match=lambda a, b: a["element"] == b["element"])
    for mapping in matcher.isomorphisms_iter():
        if all(mapping[d] == r for d, r in zip(donor_alf, recipient_alf)):
            return mapping
    return None


def donors(dataset, atoms) -> dict[str, tuple[str, tuple[int, ...]]]:
    """recipient atom -> (donor atom, feature map): each atom is seeded by the first equivalent atom
    before it in ``atoms``. Empty without elements and geometries (e.g. FEREBUS CSV input), or for
    molecules of fewer than three atoms (no frame with an xy-plane atom)."""
    if dataset.elements is None or dataset.geometries is None or len(dataset.elements) < 3:
        return {}
    graph = bond_graph(dataset.elements, dataset.geometries[0])
    n_atoms = len(dataset.elements)
    frames = {a: tuple(i - 1 for i in dataset.atom(a).alf) for a in atoms}
    result, heads = {}, []
    for atom in atoms:
        for head in heads:
            mapping = frame_map(graph, frames[head], frames[atom])
            if mapping is not None:
                result[atom] = (head, feature_map(mapping, frames[head], frames[atom], n_atoms))
                break
        else:
            heads.append(atom)
    return result
