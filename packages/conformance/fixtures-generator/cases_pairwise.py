"""Cases for the (anchors, positives) losses: contrastive-loss, nt-xent, info-nce, dcl, clip, sig-lip."""

import math

from cases_common import ADVERSARIAL, adversarial_entry, pair_adversarial, pair_cases, random_entry
from fixture_builder import build_case

LOW = {'temperature': 0.01}


def contrastive_loss_cases(spec, rng):
    entries = [
        random_entry('random-n4-d8', 'random Gaussian rows, 4 pairs, dimension 8, default options', 4, 8),
        random_entry('random-n8-d16-t0.5-sum', '8 pairs, dimension 16, temperature 0.5, sum', 8, 16,
                     {'temperature': 0.5, 'reduction': 'sum'}),
        random_entry('random-n8-d8-t0.2-none', '8 pairs, dimension 8, temperature 0.2, per-row values', 8, 8,
                     {'temperature': 0.2, 'reduction': 'none'}),
        random_entry('random-n16-d16-t1', '16 pairs, dimension 16, temperature 1', 16, 16, {'temperature': 1}),
        random_entry('symmetric-n6-d8', 'symmetric: mean of both directions, 6 pairs', 6, 8, {'symmetric': True}),
        random_entry('symmetric-n6-d8-t0.3-none', 'symmetric, temperature 0.3, per-row values', 6, 8,
                     {'symmetric': True, 'temperature': 0.3, 'reduction': 'none'}),
        random_entry('symmetric-n5-d4-sum', 'symmetric, 5 pairs, dimension 4, sum', 5, 4,
                     {'symmetric': True, 'reduction': 'sum'}),
        random_entry('random-n32-d32', 'larger batch: 32 pairs, dimension 32', 32, 32),
    ]
    entries += pair_adversarial(low=LOW, n_minimum=2)
    entries += [
        adversarial_entry('overflow-temperature-0.001', 'temperature 0.001: the original exp overflows float64; '
                          'stable reference', ['low-temperature', 'overflow'], 'random', 6, 8,
                          options={'temperature': 0.001}),
        adversarial_entry('identical-symmetric-low-temperature', 'positives equal anchors, symmetric, '
                          'temperature 0.01', ['low-temperature', 'identical'], 'identical', 6, 8,
                          options={'symmetric': True, 'temperature': 0.01}),
        # Appended last (earlier cases keep their random draws): the fused cross-view kernel's row-maxima path.
        random_entry('symmetric-n6-d8-t0.01', 'symmetric, random rows, temperature 0.01', 6, 8,
                     {'symmetric': True, 'temperature': 0.01}),
        random_entry('random-n8-d8-t0.02-none', 'temperature 0.02 (row maxima), per-row values', 8, 8,
                     {'temperature': 0.02, 'reduction': 'none'}),
    ]
    return pair_cases(spec, rng, entries)


def nt_xent_cases(spec, rng):
    entries = [
        random_entry('random-n4-d8', 'random Gaussian rows, 4 pairs, dimension 8, default options', 4, 8),
        random_entry('random-n8-d8-t0.1-sum', '8 pairs, temperature 0.1, sum', 8, 8,
                     {'temperature': 0.1, 'reduction': 'sum'}),
        random_entry('random-n6-d8-t0.2-none', '6 pairs, temperature 0.2, per-row values (12 rows)', 6, 8,
                     {'temperature': 0.2, 'reduction': 'none'}),
        random_entry('random-n8-d16-t1', '8 pairs, dimension 16, temperature 1', 8, 16, {'temperature': 1}),
        random_entry('unnormalized-n6-d8', 'normalize false, rows scaled by 0.3', 6, 8, {'normalize': False},
                     scale=0.3),
        random_entry('unnormalized-n4-d4-none', 'normalize false, rows scaled by 0.5, per-row values', 4, 4,
                     {'normalize': False, 'reduction': 'none'}, scale=0.5),
        random_entry('random-n16-d16', '16 pairs, dimension 16', 16, 16),
        random_entry('random-n32-d32-t0.1', 'larger batch: 32 pairs, dimension 32, temperature 0.1', 32, 32,
                     {'temperature': 0.1}),
    ]
    entries += pair_adversarial(low=LOW, n_minimum=1)
    return pair_cases(spec, rng, entries)


def info_nce_cases(spec, rng):
    entries = [
        random_entry('random-n4-d8', 'in-batch negatives, 4 pairs, dimension 8, default options', 4, 8),
        random_entry('random-n8-d8-t0.5-sum', 'in-batch, temperature 0.5, sum', 8, 8,
                     {'temperature': 0.5, 'reduction': 'sum'}),
        random_entry('random-n6-d8-none', 'in-batch, per-row values', 6, 8, {'reduction': 'none'}),
        random_entry('symmetric-n6-d8', 'in-batch, symmetric', 6, 8, {'symmetric': True}),
        random_entry('symmetric-n5-d8-t0.2-none', 'in-batch, symmetric, temperature 0.2, per-row values', 5, 8,
                     {'symmetric': True, 'temperature': 0.2, 'reduction': 'none'}),
        random_entry('unnormalized-n6-d8', 'in-batch, normalize false, rows scaled by 0.3', 6, 8,
                     {'normalize': False}, scale=0.3),
        random_entry('random-n16-d16', 'in-batch, 16 pairs, dimension 16', 16, 16),
        random_entry('random-n32-d32', 'in-batch, larger batch: 32 pairs, dimension 32', 32, 32),
    ]
    entries += pair_adversarial(low=LOW, n_minimum=1)
    cases = pair_cases(spec, rng, entries)
    cases += info_nce_negative_cases(spec, rng)
    cases += info_nce_hardness_cases(spec, rng)
    # Appended last (earlier cases keep their random draws): in-batch at low and high temperature, both directions.
    cases += pair_cases(spec, rng, [
        random_entry('symmetric-n6-d8-t0.01', 'in-batch, symmetric, temperature 0.01', 6, 8,
                     {'symmetric': True, 'temperature': 0.01}),
        random_entry('symmetric-n6-d8-t1', 'in-batch, symmetric, temperature 1', 6, 8,
                     {'symmetric': True, 'temperature': 1}),
        random_entry('unnormalized-n6-d8-t0.01-none', 'in-batch, normalize false, rows scaled by 0.3, '
                     'temperature 0.01, per-row values', 6, 8,
                     {'normalize': False, 'temperature': 0.01, 'reduction': 'none'}, scale=0.3),
        random_entry('random-n8-d8-t1', 'in-batch, temperature 1', 8, 8, {'temperature': 1}),
    ])
    # Appended last: paired negatives through their own normalisation: rows whose float32 squares overflow, a
    # clamped row, a zero row, an ordinary one and one just above the clamp.
    cases.append(negative_case(spec, rng, 'paired-mixed-scale', 'paired negatives [2, 5, 4], negative m scaled by '
                               '1e20, 1e-20, 0, 1 and 3e-12', ADVERSARIAL + ('large-scale', 'zero-row'), 2, 4,
                               (2, 5, 4), {}, 'mixed-scale'))
    return cases


def info_nce_negative_cases(spec, rng):
    """Explicit negatives: unpaired [M, D] (a MoCo queue) and paired [N, M, D]."""
    specs = [
        ('unpaired-n4-m6-d8', 'unpaired negatives [6, 8], 4 pairs', ('random',), 4, 8, (6, 8), {}, 'random'),
        ('unpaired-n5-m7-d8-t0.2-none', 'unpaired negatives [7, 8], temperature 0.2, per-row values',
         ('random',), 5, 8, (7, 8), {'temperature': 0.2, 'reduction': 'none'}, 'random'),
        ('unpaired-unnormalized-n4-m6-d8-sum', 'unpaired negatives, normalize false, rows scaled by 0.3, sum',
         ('random',), 4, 8, (6, 8), {'normalize': False, 'reduction': 'sum'}, 'random'),
        ('paired-n4-m3-d8', 'paired negatives [4, 3, 8]', ('random',), 4, 8, (4, 3, 8), {}, 'random'),
        ('paired-n6-m5-d8-t0.5-sum', 'paired negatives [6, 5, 8], temperature 0.5, sum', ('random',), 6, 8,
         (6, 5, 8), {'temperature': 0.5, 'reduction': 'sum'}, 'random'),
        ('paired-unnormalized-n4-m3-d4-none', 'paired negatives, normalize false, rows scaled by 0.3, per-row',
         ('random',), 4, 4, (4, 3, 4), {'normalize': False, 'reduction': 'none'}, 'random'),
        ('unpaired-low-temperature', 'unpaired negatives [8, 8], temperature 0.01',
         ADVERSARIAL + ('low-temperature',), 6, 8, (8, 8), LOW, 'random'),
        ('paired-low-temperature', 'paired negatives [6, 4, 8], temperature 0.01',
         ADVERSARIAL + ('low-temperature',), 6, 8, (6, 4, 8), LOW, 'random'),
        ('unpaired-n1', 'a single pair with unpaired negatives [5, 8]', ADVERSARIAL + ('n1',), 1, 8, (5, 8),
         {}, 'random'),
        ('paired-n1', 'a single pair with paired negatives [1, 4, 8]', ADVERSARIAL + ('n1',), 1, 8, (1, 4, 8),
         {}, 'random'),
        ('unpaired-zero-negative', 'unpaired negatives with row 0 all zeros', ADVERSARIAL + ('zero-row',), 4, 8,
         (5, 8), {}, 'zero-negative'),
        ('paired-negatives-equal-positives', 'every paired negative equals its positive (tied logits)',
         ADVERSARIAL + ('duplicate-rows',), 4, 8, (4, 3, 8), {}, 'negatives-equal-positives'),
        ('unpaired-collapsed', 'anchors, positives and unpaired negatives all one vector',
         ADVERSARIAL + ('collapsed',), 4, 8, (5, 8), {}, 'collapsed'),
    ]
    return [negative_case(spec, rng, *entry) for entry in specs]


def info_nce_hardness_cases(spec, rng):
    """Hardness weighting (beta) of explicit negatives; appended after every earlier case."""
    specs = [
        ('hardness-unpaired-n4-m6-d8', 'beta 1, unpaired negatives [6, 8]', ('random', 'hardness'), 4, 8, (6, 8),
         {'beta': 1}, 'random'),
        ('hardness-unpaired-n4-m5-d4-beta2-t0.2-none', 'beta 2, unpaired negatives [5, 4], temperature 0.2, per-row',
         ('random', 'hardness'), 4, 4, (5, 4), {'beta': 2, 'temperature': 0.2, 'reduction': 'none'}, 'random'),
        ('hardness-paired-n4-m3-d8-beta0.5-sum', 'beta 0.5, paired negatives [4, 3, 8], sum', ('random', 'hardness'),
         4, 8, (4, 3, 8), {'beta': 0.5, 'reduction': 'sum'}, 'random'),
        ('hardness-paired-n3-m4-d4-beta4-t0.5', 'beta 4, paired negatives [3, 4, 4], temperature 0.5',
         ('random', 'hardness'), 3, 4, (3, 4, 4), {'beta': 4, 'temperature': 0.5}, 'random'),
        ('hardness-unnormalized-n4-m5-d4', 'beta 1, normalize false, rows scaled by 0.3', ('random', 'hardness'), 4,
         4, (5, 4), {'beta': 1, 'normalize': False}, 'random'),
        ('hardness-low-temperature', 'beta 2, unpaired negatives [6, 8], temperature 0.01 (weighted logits to 300)',
         ADVERSARIAL + ('low-temperature', 'hardness'), 4, 8, (6, 8), {**LOW, 'beta': 2}, 'random'),
        ('hardness-n1', 'beta 1, a single pair with unpaired negatives [5, 4]', ADVERSARIAL + ('n1', 'hardness'), 1,
         4, (5, 4), {'beta': 1}, 'random'),
        ('hardness-m1', 'beta 1, a single unpaired negative: its weight is 1', ADVERSARIAL + ('hardness',), 4, 4,
         (1, 4), {'beta': 1}, 'random'),
        ('hardness-zero-negative', 'beta 1, unpaired negatives with row 0 all zeros', ADVERSARIAL + ('zero-row',
         'hardness'), 4, 4, (5, 4), {'beta': 1}, 'zero-negative'),
        ('hardness-collapsed', 'beta 1, anchors, positives and negatives one vector: weights 1',
         ADVERSARIAL + ('collapsed', 'hardness'), 4, 4, (5, 4), {'beta': 1}, 'collapsed'),
    ]
    return [negative_case(spec, rng, *entry) for entry in specs]


def negative_case(spec, rng, what, description, tags, n, d, shape, options, kind):
    scale = 0.3 if options.get('normalize') is False else 1.0
    pair_kind = 'collapsed' if kind == 'collapsed' else 'random'
    anchors, positives = rng.pair(n, d, pair_kind, scale)
    negatives = rng.normal(*shape, scale=scale)
    if kind == 'zero-negative':
        negatives[0] = 0
    elif kind == 'negatives-equal-positives':
        negatives = positives[:, None, :].expand(*shape).clone()
    elif kind == 'collapsed':
        negatives = anchors[:1].expand(*shape).clone()
    elif kind == 'mixed-scale':
        negatives = negatives * negatives.new_tensor([1e20, 1e-20, 0.0, 1.0, 3e-12])[:, None]
    inputs = {'anchors': anchors, 'positives': positives, 'negatives': negatives}
    return build_case(spec, what, description, tags, inputs, options)


def dcl_cases(spec, rng):
    entries = [
        random_entry('random-n4-d8', 'random Gaussian rows, 4 pairs, dimension 8, default options', 4, 8),
        random_entry('asymmetric-n6-d8', 'symmetric false: only the anchors rows, 6 pairs', 6, 8,
                     {'symmetric': False}),
        random_entry('random-n8-d8-t0.5-sum', '8 pairs, temperature 0.5, sum', 8, 8,
                     {'temperature': 0.5, 'reduction': 'sum'}),
        random_entry('random-n6-d8-t0.2-none', '6 pairs, temperature 0.2, per-row values (12 rows)', 6, 8,
                     {'temperature': 0.2, 'reduction': 'none'}),
        random_entry('asymmetric-n5-d8-none', 'symmetric false, per-row values (5 rows)', 5, 8,
                     {'symmetric': False, 'reduction': 'none'}),
        random_entry('unnormalized-n6-d8', 'normalize false, rows scaled by 0.3', 6, 8, {'normalize': False},
                     scale=0.3),
        random_entry('random-n16-d16', '16 pairs, dimension 16', 16, 16),
    ]
    entries += pair_adversarial(low=LOW, n_minimum=2)
    return pair_cases(spec, rng, entries)


CLIP_SCALE = 1 / 0.07  # open_clip's initial logit_scale.exp()


def clip_cases(spec, rng):
    scale_of = lambda value: {'logitScale': value}
    entries = [
        random_entry('random-n4-d8', 'random rows, logitScale 1/0.07 (open_clip init), defaults', 4, 8,
                     inputs=scale_of(CLIP_SCALE)),
        random_entry('random-n8-d8-scale1-sum', 'logitScale 1, sum', 8, 8, {'reduction': 'sum'}, scale_of(1.0)),
        random_entry('random-n6-d8-none', 'logitScale 1/0.07, per-row values', 6, 8, {'reduction': 'none'},
                     scale_of(CLIP_SCALE)),
        random_entry('random-n6-d16-scale50', 'logitScale 50, dimension 16', 6, 16, inputs=scale_of(50.0)),
        random_entry('clamped-scale150', 'logitScale 150 clamped to the default maxLogitScale 100 '
                     '(its gradient is 0)', 6, 8, inputs=scale_of(150.0), tags=('random', 'clamped')),
        random_entry('clamped-max50-scale60-none', 'maxLogitScale 50 clamps logitScale 60, per-row values', 5, 8,
                     {'maxLogitScale': 50, 'reduction': 'none'}, scale_of(60.0), tags=('random', 'clamped')),
        random_entry('unclamped-max50-scale20', 'maxLogitScale 50, logitScale 20 (not clamped)', 5, 8,
                     {'maxLogitScale': 50}, scale_of(20.0)),
        random_entry('unclamped-null-scale30-sum', 'maxLogitScale null, logitScale 30, sum', 5, 8,
                     {'maxLogitScale': None, 'reduction': 'sum'}, scale_of(30.0)),
        random_entry('unnormalized-n6-d8', 'normalize false, rows scaled by 0.3, logitScale 1', 6, 8,
                     {'normalize': False}, scale_of(1.0), scale=0.3),
        random_entry('random-n16-d16', '16 pairs, dimension 16, logitScale 1/0.07', 16, 16,
                     inputs=scale_of(CLIP_SCALE)),
        random_entry('random-n32-d32', 'larger batch: 32 pairs, dimension 32, logitScale 1/0.07', 32, 32,
                     inputs=scale_of(CLIP_SCALE)),
    ]
    big = {'maxLogitScale': None}
    entries += [
        adversarial_entry('large-logits-near-identical', 'logitScale 100, maxLogitScale null, all rows one vector '
                          'plus 1e-3 noise: every logit near 100', ['large-logits', 'near-identical',
                                                                      'low-temperature'],
                          'near-identical', 6, 8, options=big, inputs=scale_of(100.0)),
        adversarial_entry('large-logits-identical-scale150', 'logitScale 150, maxLogitScale null, positives equal '
                          'anchors: diagonal logits 150', ['large-logits', 'identical'], 'identical', 6, 8,
                          options=big, inputs=scale_of(150.0)),
        adversarial_entry('large-logits-random-scale500', 'logitScale 500, maxLogitScale null, random rows',
                          ['large-logits', 'low-temperature'], 'random', 6, 8, options=big,
                          inputs=scale_of(500.0)),
    ]
    entries += pair_adversarial(low=None, n_minimum=1)
    # Last, so that the cases above keep their inputs: the preset line shift's fast path near the clamp (decision 0014).
    entries.append(adversarial_entry('identical-scale99-n64', 'logitScale 99 (just under the clamp), 64 pairs, '
                                     'each positive equals its anchor: the positive dominates every row and column',
                                     ['low-temperature', 'identical'], 'identical', 64, 8, inputs=scale_of(99.0)))
    return pair_cases(spec, rng, entries, extra=lambda rng_, entry: {'logitScale': rng_.scalar(CLIP_SCALE)})


def sig_lip_cases(spec, rng):
    init = {'logTemperature': math.log(10.0), 'bias': -10.0}  # Zhai et al. 2023 initialisation
    entries = [
        random_entry('random-n4-d8', 'random rows, t = 10, b = -10 (the paper\'s init), defaults', 4, 8,
                     inputs=init),
        random_entry('random-n8-d8-t1-b0-sum', 'logTemperature 0, bias 0, sum', 8, 8, {'reduction': 'sum'},
                     {'logTemperature': 0.0, 'bias': 0.0}),
        random_entry('random-n6-d8-none', 'logTemperature 1.5, bias -2.5, per-row values', 6, 8,
                     {'reduction': 'none'}, {'logTemperature': 1.5, 'bias': -2.5}),
        random_entry('random-n6-d16-positive-bias', 'logTemperature 2, bias 3', 6, 16,
                     inputs={'logTemperature': 2.0, 'bias': 3.0}),
        random_entry('unnormalized-n6-d8', 'normalize false, rows scaled by 0.5, logTemperature 0.5, bias -1', 6,
                     8, {'normalize': False}, {'logTemperature': 0.5, 'bias': -1.0}, scale=0.5),
        random_entry('random-n16-d16', '16 pairs, dimension 16, paper init', 16, 16, inputs=init),
        random_entry('random-n32-d32', 'larger batch: 32 pairs, dimension 32, paper init', 32, 32, inputs=init),
    ]
    low = ('inputs', {'logTemperature': math.log(100.0), 'bias': -10.0})
    entries += pair_adversarial(low=low, low_text='t = 100 (logTemperature log 100), bias -10', n_minimum=1)
    entries.append(adversarial_entry('large-logits-identical', 'positives equal anchors, t = 200, bias -10: '
                                     'diagonal logits 190', ['large-logits', 'identical', 'low-temperature'],
                                     'identical', 6, 8, inputs={'logTemperature': math.log(200.0), 'bias': -10.0}))

    def defaults(rng_, entry):
        return {'logTemperature': rng_.scalar(init['logTemperature']), 'bias': rng_.scalar(init['bias'])}

    return pair_cases(spec, rng, entries, extra=defaults)
