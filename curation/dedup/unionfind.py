"""Connected components: an incremental union-find, and a vectorised labelling for whole edge lists.

Both are deterministic: the root of a component is its smallest node number, whatever the order of
the unions. Callers number nodes in id order, so "smallest node" is "smallest id".
"""

from __future__ import annotations

import numpy as np


class UnionFind:
    """Union-find over nodes ``0..n-1`` with path halving; the root is always the smallest node."""

    def __init__(self, parent: np.ndarray):
        """Start from a parent array (``parent[i] <= i``; roots point to themselves)."""
        self.parent = parent
        """``parent[i]``: a node of the same component, ``<= i``; roots point to themselves."""

    @classmethod
    def singletons(cls, n: int) -> UnionFind:
        """Every node alone."""
        return cls(np.arange(n, dtype=np.int64))

    def find(self, x: int) -> int:
        """The root (smallest node) of ``x``'s component."""
        parent = self.parent
        while True:
            p = int(parent[x])
            if p == x:
                return x
            grand = int(parent[p])
            parent[x] = grand
            x = grand

    def union(self, x: int, y: int) -> tuple[int, int]:
        """Merge the components of ``x`` and ``y``; returns ``(root, absorbed root)``, equal if already one."""
        rx, ry = self.find(x), self.find(y)
        if rx == ry:
            return rx, rx
        root, absorbed = (rx, ry) if rx < ry else (ry, rx)
        self.parent[absorbed] = root
        return root, absorbed


def component_labels(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """For nodes ``0..n-1`` and undirected edges ``(u[k], v[k])``: each node's smallest component node.

    Hook-and-compress (Shiloach–Vishkin style): every edge hooks the larger of its two labels onto
    the smaller, then labels are compressed by pointer jumping; repeated until every edge joins equal
    labels. Linear memory, a few vectorised passes per round, O(log n) rounds.
    """
    label = np.arange(n, dtype=np.int64)
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    while u.size:
        lu, lv = label[u], label[v]
        differ = lu != lv
        if not differ.any():
            break
        lu, lv = lu[differ], lv[differ]
        low = np.minimum(lu, lv)
        np.minimum.at(label, np.maximum(lu, lv), low)
        while True:
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
        u, v = u[differ], v[differ]  # edges whose ends share a label keep sharing it
    return label
