"""Cases for triplet-margin and the Wang and Isola metrics (alignment, uniformity, top-k-accuracy)."""

import torch

from cases_common import ADVERSARIAL, RANDOM, adversarial_entry, pair_cases, random_entry
from fixture_builder import build_case

COSINE = {'distance': 'cosine'}


def triplet_margin_cases(spec, rng):
    """(what, description, tags, kind, n, d, scale, options); kinds choose (anchors, positives, negatives)."""
    adv = lambda *tags: ADVERSARIAL + tags
    entries = [
        ('euclidean-n4-d8', 'euclidean, margin 1, random rows, default options', RANDOM, 'random', 4, 8, 1.0, {}),
        ('euclidean-n8-d8-margin0.5-sum', 'euclidean, margin 0.5, sum (some rows inactive)', RANDOM, 'random', 8,
         8, 1.0, {'margin': 0.5, 'reduction': 'sum'}),
        ('euclidean-n6-d8-margin2-none', 'euclidean, margin 2, per-row values', RANDOM, 'random', 6, 8, 1.0,
         {'margin': 2, 'reduction': 'none'}),
        ('cosine-n4-d8', 'cosine distance, margin 1', RANDOM, 'random', 4, 8, 1.0, COSINE),
        ('cosine-n8-d8-margin0.2-none', 'cosine, margin 0.2, per-row values (some rows inactive)', RANDOM,
         'random', 8, 8, 1.0, {**COSINE, 'margin': 0.2, 'reduction': 'none'}),
        ('cosine-n6-d16-margin0.5-sum', 'cosine, margin 0.5, dimension 16, sum', RANDOM, 'random', 6, 16, 1.0,
         {**COSINE, 'margin': 0.5, 'reduction': 'sum'}),
        ('euclidean-n16-d16', 'euclidean, 16 triplets, dimension 16', RANDOM, 'random', 16, 16, 1.0, {}),
        ('cosine-n16-d16', 'cosine, 16 triplets, dimension 16', RANDOM, 'random', 16, 16, 1.0, COSINE),
    ]
    for distance, options in (('euclidean', {}), ('cosine', COSINE)):
        entries += [
            (f'{distance}-identical', 'anchor, positive and negative equal: loss = margin', adv('identical'),
             'identical', 5, 8, 1.0, options),
            (f'{distance}-exact-hinge', 'margin 0 and all three equal: hinge input exactly 0, gradient 0',
             adv('identical', 'exact-hinge'), 'identical', 4, 8, 1.0, {**options, 'margin': 0}),
            (f'{distance}-positive-equals-anchor', 'positive equals anchor, random negative',
             adv('identical'), 'positive-equals-anchor', 5, 8, 1.0, options),
            (f'{distance}-near-identical', 'all rows one vector plus 1e-3 noise', adv('near-identical'),
             'near-identical', 5, 8, 1.0, options),
            (f'{distance}-collapsed', 'every row of all three inputs the same vector', adv('collapsed'),
             'collapsed', 4, 8, 1.0, options),
            (f'{distance}-zero-row', 'anchor row 0 all zeros', adv('zero-row'), 'zero-row', 5, 8, 1.0, options),
            (f'{distance}-duplicate-rows', 'triplets 0 and 1 equal', adv('duplicate-rows'), 'duplicate-rows', 5, 8,
             1.0, options),
            (f'{distance}-n1', 'a single triplet', adv('n1'), 'random', 1, 8, 1.0, options),
            (f'{distance}-d1', 'dimension 1', adv('d1'), 'random', 6, 1, 1.0, options),
            (f'{distance}-small-scale', 'rows scaled by 1e-20', adv('small-scale'), 'random', 5, 8, 1e-20,
             options),
        ]
    entries.append(('cosine-large-scale', 'cosine, rows scaled by 1e20', adv('large-scale'), 'random', 5, 8,
                    1e20, COSINE))
    # eps and swap (PyTorch's triplet_margin_loss options); appended so that the cases above keep their inputs.
    exact, swap = {'eps': 0}, {'swap': True}
    entries += [
        ('euclidean-eps0-n6-d8', 'eps 0: the exact euclidean distance', RANDOM + ('eps',), 'random', 6, 8, 1.0,
         exact),
        ('euclidean-eps0.25-n6-d8-none', 'eps 0.25 added to every component, per-row values', RANDOM + ('eps',),
         'random', 6, 8, 1.0, {'eps': 0.25, 'reduction': 'none'}),
        ('euclidean-swap-n8-d8', 'swap: negatives near the positives, so d(p, n) < d(a, n) in some rows',
         RANDOM + ('swap',), 'negative-near-positive', 8, 8, 1.0, swap),
        ('euclidean-swap-eps0-n8-d8-sum', 'swap and eps 0, sum', RANDOM + ('swap', 'eps'),
         'negative-near-positive', 8, 8, 1.0, {**swap, **exact, 'reduction': 'sum'}),
        ('cosine-swap-n8-d8-none', 'cosine, swap, margin 0.5, per-row values', RANDOM + ('swap',),
         'negative-near-positive', 8, 8, 1.0, {**COSINE, **swap, 'margin': 0.5, 'reduction': 'none'}),
        ('euclidean-swap-n16-d16', 'swap, 16 triplets, dimension 16', RANDOM + ('swap',), 'negative-near-positive',
         16, 16, 1.0, {**swap, 'margin': 2}),
        ('euclidean-eps0-positive-equals-anchor', 'eps 0, positive equals anchor: d(a, p) exactly 0, gradient 0 '
         'through it', adv('identical', 'eps'), 'positive-equals-anchor', 5, 8, 1.0, exact),
        ('euclidean-eps0-identical', 'eps 0, all three equal: every distance 0, loss = margin, gradients 0',
         adv('identical', 'eps'), 'identical', 4, 8, 1.0, exact),
        ('euclidean-swap-positive-equals-anchor', 'swap, positive equals anchor: d(a, n) = d(p, n) exactly, the '
         'gradient splits in halves (torch.min)', adv('identical', 'swap', 'tie'), 'positive-equals-anchor', 5, 8,
         1.0, swap),
        ('cosine-swap-positive-equals-anchor', 'cosine, swap, positive equals anchor: exact ties',
         adv('identical', 'swap', 'tie'), 'positive-equals-anchor', 5, 8, 1.0, {**COSINE, **swap}),
        ('euclidean-swap-eps0-zero-row', 'swap, eps 0, anchor row 0 all zeros', adv('zero-row', 'swap', 'eps'),
         'zero-row', 5, 8, 1.0, {**swap, **exact}),
        ('euclidean-swap-small-scale', 'swap, eps 0, rows scaled by 1e-20', adv('small-scale', 'swap', 'eps'),
         'negative-near-positive', 5, 8, 1e-20, {**swap, **exact}),
    ]
    cases = []
    for what, description, tags, kind, n, d, scale, options in entries:
        inputs = triplet_inputs(rng, kind, n, d, scale)
        cases.append(build_case(spec, what, description, tags, inputs, options))
    return cases


def triplet_inputs(rng, kind, n, d, scale):
    if kind in ('near-identical', 'collapsed'):
        rows = rng.matrix(3 * n, d, kind, scale)
        anchors, positives, negatives = rows[:n].clone(), rows[n:2 * n].clone(), rows[2 * n:].clone()
    elif kind == 'identical':
        anchors = rng.matrix(n, d, 'random', scale)
        positives, negatives = anchors.clone(), anchors.clone()
    elif kind == 'negative-near-positive':
        anchors, positives = rng.pair(n, d, 'random', scale)
        negatives = positives + 0.7 * rng.matrix(n, d, 'random', scale)
    else:
        anchors, positives = rng.pair(n, d, 'identical' if kind == 'positive-equals-anchor' else kind, scale)
        negatives = rng.matrix(n, d, 'duplicate-rows' if kind == 'duplicate-rows' else 'random', scale)
    return {'anchors': anchors, 'positives': positives, 'negatives': negatives}


def alignment_cases(spec, rng):
    alpha1 = {'alpha': 1}
    entries = [
        random_entry('random-n4-d8', 'random rows, alpha 2, default options', 4, 8),
        random_entry('random-n6-d8-alpha1', 'alpha 1', 6, 8, alpha1),
        random_entry('random-n8-d16', 'alpha 2, 8 pairs, dimension 16', 8, 16),
        random_entry('unnormalized-n6-d8', 'normalize false, alpha 2', 6, 8, {'normalize': False}),
        random_entry('unnormalized-n6-d8-alpha1', 'normalize false, alpha 1', 6, 8,
                     {'normalize': False, **alpha1}),
        random_entry('random-n16-d16-alpha1', 'alpha 1, 16 pairs, dimension 16', 16, 16, alpha1),
        adversarial_entry('n1', 'a single pair', ['n1'], 'random', 1, 8),
        adversarial_entry('d1', 'dimension 1, alpha 2 (some distances exactly 0)', ['d1'], 'random', 6, 1),
        adversarial_entry('identical', 'each positive equals its anchor: distance 0, loss 0, alpha 2',
                          ['identical'], 'identical', 5, 8),
        adversarial_entry('near-identical', 'rows one vector plus 1e-3 noise, alpha 2', ['near-identical'],
                          'near-identical', 5, 8),
        adversarial_entry('near-identical-alpha1', 'rows one vector plus 1e-3 noise, alpha 1', ['near-identical'],
                          'near-identical', 5, 8, options=alpha1),
        adversarial_entry('collapsed', 'every row the same vector, alpha 2', ['collapsed'], 'collapsed', 4, 8),
        adversarial_entry('zero-row', 'anchor row 0 all zeros', ['zero-row'], 'zero-row', 5, 8),
        adversarial_entry('zero-row-alpha1', 'anchor row 0 all zeros, alpha 1', ['zero-row'], 'zero-row', 5, 8,
                          options=alpha1),
        adversarial_entry('duplicate-rows', 'pairs 0 and 1 equal', ['duplicate-rows'], 'duplicate-rows', 5, 8),
        adversarial_entry('large-scale', 'rows scaled by 1e20', ['large-scale'], 'random', 5, 8, scale=1e20),
        adversarial_entry('small-scale', 'rows scaled by 1e-20, alpha 1', ['small-scale'], 'random', 5, 8,
                          scale=1e-20, options=alpha1),
    ]
    return pair_cases(spec, rng, entries)


def uniformity_cases(spec, rng):
    """(what, description, tags, kind, n, d, scale, options)."""
    adv = lambda *tags: ADVERSARIAL + tags
    entries = [
        ('random-n4-d8', 'random rows, t 2, default options', RANDOM, 'random', 4, 8, 1.0, {}),
        ('random-n6-d8-t1', 't 1', RANDOM, 'random', 6, 8, 1.0, {'t': 1}),
        ('random-n6-d8-t5', 't 5', RANDOM, 'random', 6, 8, 1.0, {'t': 5}),
        ('unnormalized-n6-d8', 'normalize false, rows scaled by 0.5', RANDOM, 'random', 6, 8, 0.5,
         {'normalize': False}),
        ('random-n16-d16', '16 rows, dimension 16', RANDOM, 'random', 16, 16, 1.0, {}),
        ('n2', 'the smallest valid input: 2 rows', adv('n2'), 'random', 2, 8, 1.0, {}),
        ('n2-identical', '2 equal rows: loss 0', adv('n2', 'identical'), 'collapsed', 2, 8, 1.0, {}),
        ('collapsed', 'every row the same vector: loss 0', adv('collapsed'), 'collapsed', 5, 8, 1.0, {}),
        ('near-identical', 'rows one vector plus 1e-3 noise', adv('near-identical'), 'near-identical', 5, 8, 1.0,
         {}),
        ('zero-row', 'row 0 all zeros', adv('zero-row'), 'zero-row', 5, 8, 1.0, {}),
        ('duplicate-rows', 'rows 0 and 1 equal', adv('duplicate-rows'), 'duplicate-rows', 5, 8, 1.0, {}),
        ('d1', 'dimension 1', adv('d1'), 'random', 6, 1, 1.0, {}),
        ('large-scale', 'rows scaled by 1e20', adv('large-scale'), 'random', 5, 8, 1e20, {}),
        ('small-scale', 'rows scaled by 1e-20', adv('small-scale'), 'random', 5, 8, 1e-20, {}),
        ('far-apart-unnormalized-t5', 'normalize false, rows scaled by 10, t 5: exp(-t d^2) underflows '
         'without the lse form', adv('underflow'), 'random', 4, 8, 10.0, {'normalize': False, 't': 5}),
    ]
    return [build_case(spec, what, description, tags, {'embeddings': rng.matrix(n, d, kind, scale)}, options)
            for what, description, tags, kind, n, d, scale, options in entries]


def top_k_accuracy_cases(spec, rng):
    """(what, description, tags, kind, n, m, d, scale, options). noisy / very-noisy: positives are anchors plus
    0.8 / 1.5 times Gaussian noise; extra candidates (M > N) are random rows."""
    adv = lambda *tags: ADVERSARIAL + tags
    k5 = {'k': 5}
    entries = [
        ('noisy-n8-d8', 'positives are anchors plus 0.8 noise, k 1, default options', RANDOM, 'noisy', 8, 8, 8,
         1.0, {}),
        ('random-n12-d8-k5', 'unrelated random rows, 12 queries, k 5', RANDOM, 'random', 12, 12, 8, 1.0, k5),
        ('random-n8-d8', 'unrelated random rows, k 1', RANDOM, 'random', 8, 8, 8, 1.0, {}),
        ('noisy-n4-m8-d8', '4 queries, 8 candidates (M > N), k 1', RANDOM, 'noisy', 4, 8, 8, 1.0, {}),
        ('very-noisy-n6-m12-d8-k5', '6 queries, 12 candidates, 1.5 noise, k 5', RANDOM, 'very-noisy', 6, 12, 8,
         1.0, k5),
        ('unnormalized-noisy-n8-d8', 'normalize false, noisy positives', RANDOM, 'noisy', 8, 8, 8, 1.0,
         {'normalize': False}),
        ('very-noisy-n16-d16', '16 queries, dimension 16, 1.5 noise, k 1', RANDOM, 'very-noisy', 16, 16, 16,
         1.0, {}),
        ('random-n16-d16-k5', 'unrelated random rows, 16 queries, dimension 16, k 5', RANDOM, 'random', 16, 16,
         16, 1.0, k5),
        ('identical', 'positives equal anchors: every query hits', adv('identical'), 'identical', 6, 6, 8, 1.0,
         {}),
        ('collapsed', 'every row the same vector: all scores tie, ties are hits', adv('collapsed', 'ties'),
         'collapsed', 5, 5, 8, 1.0, {}),
        ('duplicate-candidates', 'candidate 1 equals candidate 0 (exact tie), noisy positives',
         adv('duplicate-rows', 'ties'), 'duplicate-candidates', 6, 6, 8, 1.0, {}),
        ('zero-query', 'query row 0 all zeros: all its scores are 0 and tie', adv('zero-row', 'ties'),
         'zero-query', 5, 5, 8, 1.0, {}),
        ('d1', 'dimension 1: scores are +1 or -1, many ties', adv('d1', 'ties'), 'random', 6, 6, 1, 1.0, {}),
        ('d1-k5', 'dimension 1, k 5', adv('d1', 'ties'), 'random', 6, 6, 1, 1.0, k5),
        ('large-scale', 'noisy positives, rows scaled by 1e20', adv('large-scale'), 'noisy', 6, 6, 8, 1e20, {}),
        ('small-scale', 'noisy positives, rows scaled by 1e-20', adv('small-scale'), 'noisy', 6, 6, 8, 1e-20, {}),
    ]
    cases = []
    for what, description, tags, kind, n, m, d, scale, options in entries:
        anchors, positives = top_k_inputs(rng, kind, n, m, d, scale)
        cases.append(build_case(spec, what, description, tags, {'anchors': anchors, 'positives': positives},
                                options))
    return cases


def top_k_inputs(rng, kind, n, m, d, scale):
    if kind == 'collapsed':
        rows = rng.matrix(n + m, d, 'collapsed', scale)
        return rows[:n].clone(), rows[n:].clone()
    anchors = rng.matrix(n, d, 'random', 1.0)
    if kind in ('noisy', 'very-noisy', 'duplicate-candidates', 'zero-query'):
        positives = anchors + (1.5 if kind == 'very-noisy' else 0.8) * rng.normal(n, d)
    elif kind == 'identical':
        positives = anchors.clone()
    else:
        positives = rng.normal(n, d)
    positives = torch.cat([positives, rng.normal(m - n, d)]) if m > n else positives
    if kind == 'duplicate-candidates':
        positives[1] = positives[0]
    if kind == 'zero-query':
        anchors[0] = 0
    factor = torch.tensor(scale, dtype=anchors.dtype)
    return anchors * factor, positives * factor
