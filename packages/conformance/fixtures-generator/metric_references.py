"""Stable float64 PyTorch forms of the triplet margin loss and the Wang and Isola metrics
(docs/losses/triplet-margin.md, alignment.md, uniformity.md, top-k-accuracy.md).

Each loss function returns (value, hinge or score data for the generator's robustness checks).
"""

import math

import torch
import torch.nn.functional as F

from loss_references import maybe_normalize, reduce_rows


def triplet_distance(u, v, distance, eps=1e-6):
    """Euclidean: ||u - v + eps||_2 (torch pairwise_distance, the eps of triplet_margin_loss; 0: exact).
    Cosine: 1 - normalize(u).normalize(v)."""
    if distance == 'euclidean':
        return F.pairwise_distance(u, v, p=2.0, eps=eps)
    assert distance == 'cosine'
    return 1 - (maybe_normalize(u, True) * maybe_normalize(v, True)).sum(dim=-1)


def triplet_margin(anchors, positives, negatives, margin, distance, reduction, eps=1e-6, swap=False):
    """docs/losses/triplet-margin.md (Schroff et al. 2015; torch.nn.functional.triplet_margin_loss):
    l_i = max(d(a_i, p_i) - d_neg + margin, 0), d_neg = d(a_i, n_i), or min(d(a_i, n_i), d(p_i, n_i)) with swap
    (Balntas et al. 2016), gradient 0 where the hinge input is exactly 0.
    Returns (value, hinge inputs, the torch.nn.functional form of the same value, (d(a, n) - d(p, n)) / the larger,
    under swap)."""
    positive_distance = triplet_distance(anchors, positives, distance, eps)
    negative_distance = triplet_distance(anchors, negatives, distance, eps)
    swap_margins = torch.zeros(0, dtype=anchors.dtype)
    if swap:
        swapped = triplet_distance(positives, negatives, distance, eps)
        larger = torch.max(negative_distance, swapped).detach()
        gap = (negative_distance - swapped).detach()
        swap_margins = torch.where(larger > 0, gap / torch.where(larger > 0, larger, torch.ones_like(larger)), gap)
        negative_distance = torch.min(negative_distance, swapped)
    hinge_input = positive_distance - negative_distance + margin
    rows = torch.where(hinge_input > 0, hinge_input, torch.zeros_like(hinge_input))
    if distance == 'euclidean':
        library = F.triplet_margin_loss(anchors, positives, negatives, margin=margin, p=2.0, eps=eps, swap=swap,
                                        reduction=reduction)
    else:
        library = F.triplet_margin_with_distance_loss(
            anchors, positives, negatives, margin=margin, swap=swap, reduction=reduction,
            distance_function=lambda u, v: triplet_distance(u, v, 'cosine'))
    return reduce_rows(rows, reduction), hinge_input.detach(), library, swap_margins


def alignment(anchors, positives, alpha, normalize):
    """docs/losses/alignment.md (Wang and Isola 2020, `lalign`): (x - y).norm(p=2, dim=1).pow(alpha).mean()."""
    x = maybe_normalize(anchors, normalize)
    y = maybe_normalize(positives, normalize)
    return (x - y).norm(p=2, dim=1).pow(alpha).mean()


def uniformity(embeddings, t, normalize):
    """docs/losses/uniformity.md (Wang and Isola 2020, `lunif`): log mean_{i<j} exp(-t ||z_i - z_j||^2), as an lse
    over the strict upper triangle minus log(N(N-1)/2). Squared distances are summed squares (smooth at 0)."""
    z = maybe_normalize(embeddings, normalize)
    rows, columns = torch.triu_indices(z.shape[0], z.shape[0], offset=1)
    squared = ((z[rows] - z[columns]) ** 2).sum(dim=1)
    value = torch.logsumexp(-t * squared, dim=0) - math.log(rows.shape[0])
    with torch.no_grad():
        paper = torch.pdist(z, p=2).pow(2).mul(-t).exp().mean().log()
        if torch.isfinite(paper):
            assert torch.allclose(paper, value, rtol=1e-9, atol=1e-12), 'uniformity: pdist form disagrees'
    return value


def top_k_accuracy(anchors, positives, k, normalize):
    """docs/losses/top-k-accuracy.md: query i hits when fewer than k candidates score strictly above s_ii. Scores are
    exact-order dot products (math.fsum of the same float64 products), so identical rows tie exactly."""
    a = maybe_normalize(anchors, normalize).tolist()
    p = maybe_normalize(positives, normalize).tolist()
    scores = [[math.fsum(x * y for x, y in zip(query, candidate)) for candidate in p] for query in a]
    hits = 0
    for i, row in enumerate(scores):
        above = sum(1 for value in row if value > row[i])
        hits += 1 if above < k else 0
    return torch.tensor(hits / len(a), dtype=torch.float64), scores
