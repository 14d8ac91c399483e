"""Folds and cluster-bootstrap resampling grouped by proposal, shared by the DEU scoring and cross-validations.

Issues of one legislative proposal share actors, experts and politics, so they are not independent: folds
assign whole proposals (:func:`group_kfold`), and intervals resample whole proposals (a cluster bootstrap,
Cameron, Gelbach & Miller 2008). The bootstrap is vectorised: a replicate is a row of draw counts per proposal,
and a replicate's mean is ``(counts @ proposal_sums) / (counts @ proposal_sizes)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from alliance.errors import BadInput, whole_number

__all__ = ["cluster_bootstrap_counts", "cluster_bootstrap_index", "group_kfold", "paired_interval"]


def group_kfold(groups: Sequence[object] | np.ndarray, k: int = 5, seed: int = 0) -> np.ndarray:
    """Fold number (0..k-1) of each item, with every group (proposal) wholly inside one fold.

    Groups are shuffled with ``seed`` and dealt round-robin, so fold sizes in groups differ by at most one.
    """
    g = np.asarray(groups, dtype=object)
    uniq, inv = np.unique(g.astype(str), return_inverse=True)
    k = whole_number("k", k, 2)
    whole_number("seed", seed, 0)
    if not 2 <= k <= len(uniq):
        raise BadInput(f"k {k}: the number of folds must be between 2 and the number of proposals ({len(uniq)})")
    perm = np.random.default_rng(seed).permutation(len(uniq))
    fold_of_group = np.empty(len(uniq), dtype=int)
    fold_of_group[perm] = np.arange(len(uniq)) % k
    return fold_of_group[inv]


def cluster_bootstrap_index(groups: np.ndarray, reps: int, seed: int) -> np.ndarray:
    """``(reps, n_groups)`` resampled group indices (with replacement), for a cluster bootstrap."""
    n = len(np.unique(groups))
    return np.random.default_rng(seed).integers(0, n, size=(reps, n))


def cluster_bootstrap_counts(g_idx: np.ndarray, reps: int, seed: int) -> np.ndarray:
    """``(reps, n_groups)`` how often each group (proposal, numbered ``0..G-1`` in ``g_idx``) is drawn in each
    replicate: a replicate's mean of per-item values is then ``(counts @ group_sums) / (counts @ group_sizes)``."""
    n_g = int(g_idx.max()) + 1
    draw = cluster_bootstrap_index(g_idx, reps, seed)
    times = np.zeros((reps, n_g))
    np.add.at(times, (np.arange(reps)[:, None], draw), 1.0)
    return times


def paired_interval(diff: np.ndarray, groups: np.ndarray, reps: int, seed: int) -> list[float]:
    """95% cluster-bootstrap interval (resampling proposals ``groups``) of the mean per-issue difference."""
    _, g_idx = np.unique(np.asarray(groups).astype(str), return_inverse=True)
    n_g = int(g_idx.max()) + 1
    d_sum = np.bincount(g_idx, weights=diff, minlength=n_g)
    cnt = np.bincount(g_idx, minlength=n_g).astype(float)
    times = cluster_bootstrap_counts(g_idx, reps, seed)
    boot = (times @ d_sum) / (times @ cnt)
    return [round(float(np.quantile(boot, 0.025)), 3), round(float(np.quantile(boot, 0.975)), 3)]
