"""Cases for hcl (hard negatives with debiasing; Robinson et al. 2021)."""

from cases_common import ADVERSARIAL, RANDOM, adversarial_entry, pair_adversarial, pair_cases, random_entry
from fixture_builder import build_case

LOW = {'temperature': 0.01}


def hcl_cases(spec, rng):
    entries = [
        random_entry('random-n4-d8', 'random rows, 4 pairs, default options (T 0.5, beta 1, tauPlus 0.1)', 4, 8),
        random_entry('random-n8-d8-beta0', 'beta 0: debiasing only (DCL-style estimator)', 8, 8, {'beta': 0}),
        random_entry('random-n8-d8-tau0-sum', 'tauPlus 0: hardness weighting only, sum', 8, 8,
                     {'tauPlus': 0, 'reduction': 'sum'}),
        random_entry('random-n6-d8-beta2-none', 'beta 2, temperature 0.2, per-row values', 6, 8,
                     {'beta': 2, 'temperature': 0.2, 'reduction': 'none'}),
        random_entry('nt-xent-limit-n6-d8', 'beta 0 and tauPlus 0: NT-Xent', 6, 8, {'beta': 0, 'tauPlus': 0}),
        random_entry('unnormalized-n6-d8', 'normalize false, rows scaled by 0.3', 6, 8, {'normalize': False},
                     scale=0.3),
        random_entry('random-n16-d16-t0.1', '16 pairs, dimension 16, temperature 0.1', 16, 16, {'temperature': 0.1}),
    ]
    entries += pair_adversarial(low=LOW, n_minimum=2)
    entries += [
        adversarial_entry('low-temperature-beta2', 'temperature 0.01, beta 2: exponents up to 300',
                          ['low-temperature'], 'random', 6, 8, options={**LOW, 'beta': 2}),
    ]
    cases = pair_cases(spec, rng, entries)
    # Positives close to their anchors and a large tauPlus: the debiased sum falls below the clamp in some rows.
    for what, description, tags, n, options in [
        ('clamp-n6-d8', 'positives near their anchors, tauPlus 0.9: some rows clamped', RANDOM + ('clamp',), 6,
         {'tauPlus': 0.9}),
        ('clamp-n8-d8-none', 'positives near their anchors, tauPlus 0.5, beta 2, per-row values',
         RANDOM + ('clamp',), 8, {'tauPlus': 0.5, 'beta': 2, 'reduction': 'none'}),
        ('clamp-all-rows', 'positives near their anchors, tauPlus 0.99, temperature 0.1: every row clamped',
         ADVERSARIAL + ('clamp',), 5, {'tauPlus': 0.99, 'temperature': 0.1}),
    ]:
        anchors = rng.matrix(n, 8)
        positives = anchors + 0.3 * rng.matrix(n, 8)
        cases.append(build_case(spec, what, description, tags, {'anchors': anchors, 'positives': positives},
                                options))
    return cases
