"""Cases for the view-major losses: simclr-info-nce, simclr-info-nce-logits, sup-con."""

import torch

from cases_common import ADVERSARIAL, RANDOM, view_major
from fixture_builder import build_case

LOW = {'temperature': 0.01}


def view_adversarial(multi_view_options):
    """(what, description, tags, kind, B, views, d, scale, options) for view-major inputs."""
    adv = lambda *tags: ADVERSARIAL + tags
    return [
        ('low-temperature', 'random rows, temperature 0.01', adv('low-temperature'), 'random', 4, 2, 8, 1.0, LOW),
        ('near-identical-low-temperature', 'all rows one vector plus 1e-3 noise, temperature 0.01',
         adv('low-temperature', 'near-identical'), 'near-identical', 4, 2, 8, 1.0, LOW),
        ('near-identical', 'all rows one vector plus 1e-3 noise', adv('near-identical'), 'near-identical', 4, 2,
         8, 1.0, {}),
        ('identical-views', 'every view equals view 0 exactly', adv('identical'), 'identical', 4, 2, 8, 1.0, {}),
        ('collapsed', 'every row is the same vector', adv('collapsed'), 'collapsed', 4, 2, 8, 1.0, {}),
        ('zero-row', 'row 0 (view 0 of sample 0) is all zeros', adv('zero-row'), 'zero-row', 4, 2, 8, 1.0, {}),
        ('duplicate-rows', 'sample 1 equals sample 0 in every view', adv('duplicate-rows'), 'duplicate-rows', 4,
         2, 8, 1.0, {}),
        ('d1', 'dimension 1', adv('d1'), 'random', 4, 2, 1, 1.0, {}),
        ('large-scale', 'random rows scaled by 1e20', adv('large-scale'), 'random', 3, 2, 8, 1e20, {}),
        ('small-scale', 'random rows scaled by 1e-20 (norms below the 1e-12 clamp)', adv('small-scale'), 'random',
         3, 2, 8, 1e-20, {}),
        ('multi-view-low-temperature', '4 views of 3 samples, temperature 0.01',
         adv('multi-view', 'low-temperature'), 'random', 3, 4, 8, 1.0, {**multi_view_options, **LOW}),
        ('multi-view-collapsed', '3 views of 3 samples, every row the same vector', adv('multi-view', 'collapsed'),
         'collapsed', 3, 3, 8, 1.0, {}),
    ]


def with_views(options, views, loss_defaults):
    return {**options, 'views': views} if 'views' in loss_defaults else options


def view_cases(spec, rng, entries):
    cases = []
    for what, description, tags, kind, batch_size, views, d, scale, options in entries:
        embeddings = view_major(rng, batch_size, views, d, kind, scale)
        cases.append(build_case(spec, what, description, tags, {'embeddings': embeddings},
                                with_views(options, views, spec.defaults)))
    return cases


def simclr_info_nce_cases(spec, rng):
    entries = [
        ('random-b4-v2-d8', '2 views of 4 samples, dimension 8, default options', RANDOM, 'random', 4, 2, 8, 1.0,
         {}),
        ('random-b6-v2-d8-t0.5-sum', '2 views of 6 samples, temperature 0.5, sum', RANDOM, 'random', 6, 2, 8, 1.0,
         {'temperature': 0.5, 'reduction': 'sum'}),
        ('random-b4-v2-d8-t0.2-none', '2 views, temperature 0.2, per-row values', RANDOM, 'random', 4, 2, 8, 1.0,
         {'temperature': 0.2, 'reduction': 'none'}),
        ('first-b4-v2-d8', "positives 'first' with 2 views (same as 'all')", RANDOM, 'random', 4, 2, 8, 1.0,
         {'positives': 'first'}),
        ('all-b3-v3-d8', "3 views, positives 'all' (mean over the 2 other views)", RANDOM + ('multi-view',),
         'random', 3, 3, 8, 1.0, {}),
        ('first-b3-v3-d8', "3 views, positives 'first' (the original repository's behaviour)",
         RANDOM + ('multi-view',), 'random', 3, 3, 8, 1.0, {'positives': 'first'}),
        ('all-b3-v4-d8-t0.2-none', "4 views, positives 'all', temperature 0.2, per-row values",
         RANDOM + ('multi-view',), 'random', 3, 4, 8, 1.0, {'temperature': 0.2, 'reduction': 'none'}),
        ('first-b2-v4-d8-sum', "4 views, positives 'first', sum", RANDOM + ('multi-view',), 'random', 2, 4, 8,
         1.0, {'positives': 'first', 'reduction': 'sum'}),
        ('unnormalized-b4-v2-d8', 'normalize false, rows scaled by 0.3, temperature 0.5', RANDOM, 'random', 4, 2,
         8, 0.3, {'normalize': False, 'temperature': 0.5}),
        ('unnormalized-b3-v3-d8-first', "normalize false, 3 views, positives 'first', rows scaled by 0.3",
         RANDOM + ('multi-view',), 'random', 3, 3, 8, 0.3, {'normalize': False, 'positives': 'first'}),
        ('random-b8-v2-d16', '2 views of 8 samples, dimension 16', RANDOM, 'random', 8, 2, 16, 1.0, {}),
        ('random-b16-v2-d32', 'larger batch: 2 views of 16 samples, dimension 32', RANDOM, 'random', 16, 2, 32,
         1.0, {}),
    ]
    return view_cases(spec, rng, entries + view_adversarial({'positives': 'first'}))


def simclr_info_nce_logits_cases(spec, rng):
    entries = [
        ('random-b4-v2-d8', '2 views of 4 samples, dimension 8, default options', RANDOM, 'random', 4, 2, 8, 1.0,
         {}),
        ('random-b4-v2-d8-t0.5', '2 views, temperature 0.5', RANDOM, 'random', 4, 2, 8, 1.0,
         {'temperature': 0.5}),
        ('random-b3-v3-d8', '3 views of 3 samples: 2 positive columns first', RANDOM + ('multi-view',), 'random',
         3, 3, 8, 1.0, {}),
        ('random-b2-v4-d4', '4 views of 2 samples: 3 positive columns first', RANDOM + ('multi-view',), 'random',
         2, 4, 4, 1.0, {}),
        ('unnormalized-b4-v2-d8', 'normalize false, rows scaled by 0.3', RANDOM, 'random', 4, 2, 8, 0.3,
         {'normalize': False}),
        ('random-b8-v2-d16', '2 views of 8 samples, dimension 16', RANDOM, 'random', 8, 2, 16, 1.0, {}),
    ]
    keep = {'low-temperature', 'near-identical', 'collapsed', 'zero-row', 'duplicate-rows', 'd1', 'large-scale',
            'small-scale', 'multi-view-low-temperature'}
    adversarial = [entry for entry in view_adversarial({}) if entry[0] in keep]
    return view_cases(spec, rng, entries + adversarial)


def sup_con_cases(spec, rng):
    """(what, description, tags, kind, labels, views, d, scale, options)."""
    repeated = [0, 1, 0, 2, 1, 3, 2, 0]
    adv = lambda *tags: ADVERSARIAL + tags
    entries = [
        ('random-b8-v1-d8', '1 view, labels with repeats, dimension 8, default options', RANDOM, 'random',
         repeated, 1, 8, 1.0, {}),
        ('random-b8-v1-d8-t0.1-sum', '1 view, temperature 0.1, sum', RANDOM, 'random', repeated, 1, 8, 1.0,
         {'temperature': 0.1, 'reduction': 'sum'}),
        ('random-b8-v1-d8-t0.5-none', '1 view, temperature 0.5, per-row values', RANDOM, 'random', repeated, 1,
         8, 1.0, {'temperature': 0.5, 'reduction': 'none'}),
        ('random-b4-v2-d8', '2 views, labels [0, 1, 0, 2]', RANDOM, 'random', [0, 1, 0, 2], 2, 8, 1.0, {}),
        ('distinct-b4-v2-d8', '2 views, all labels distinct (equals SimCLR positives all)', RANDOM, 'random',
         [3, 1, 0, 2], 2, 8, 1.0, {}),
        ('random-b3-v3-d8-none', '3 views, labels [5, 5, 9], per-row values', RANDOM + ('multi-view',), 'random',
         [5, 5, 9], 3, 8, 1.0, {'reduction': 'none'}),
        ('non-contiguous-labels', 'labels [10, -3, 10, 7, -3, 7]', RANDOM, 'random', [10, -3, 10, 7, -3, 7], 1, 8,
         1.0, {}),
        ('unnormalized-b6-v2-d8', 'normalize false, rows scaled by 0.3, temperature 0.5', RANDOM, 'random',
         [0, 1, 1, 2, 0, 2], 2, 8, 0.3, {'normalize': False, 'temperature': 0.5}),
        ('random-b16-v1-d16', '1 view, 16 rows, 4 classes, dimension 16', RANDOM, 'random',
         [i % 4 for i in range(16)], 1, 16, 1.0, {}),
        ('no-positives-all-distinct', '1 view, all labels distinct: no anchor has a positive, loss 0',
         adv('no-positives'), 'random', [0, 1, 2, 3, 4], 1, 8, 1.0, {}),
        ('no-positives-all-distinct-none', '1 view, all labels distinct, per-row values (all 0)',
         adv('no-positives'), 'random', [4, 3, 2, 1], 1, 8, 1.0, {'reduction': 'none'}),
        ('no-positives-mix', '1 view, labels [0, 1, 1, 2, 3, 3]: rows 0 and 3 have no positive',
         adv('no-positives'), 'random', [0, 1, 1, 2, 3, 3], 1, 8, 1.0, {}),
        ('no-positives-mix-sum', '1 view, labels [7, 8, 7, 9]: rows 1 and 3 have no positive, sum',
         adv('no-positives'), 'random', [7, 8, 7, 9], 1, 8, 1.0, {'reduction': 'sum'}),
        ('single-class', '1 view, every label equal', adv('single-class'), 'random', [2] * 6, 1, 8, 1.0, {}),
        ('low-temperature', '1 view, labels with repeats, temperature 0.01', adv('low-temperature'), 'random',
         repeated, 1, 8, 1.0, LOW),
        ('near-identical-low-temperature', 'rows one vector plus 1e-3 noise, temperature 0.01',
         adv('low-temperature', 'near-identical'), 'near-identical', [0, 1, 0, 1, 2, 2], 1, 8, 1.0, LOW),
        ('near-identical', 'rows one vector plus 1e-3 noise, 2 views', adv('near-identical'), 'near-identical',
         [0, 1, 0, 2], 2, 8, 1.0, {}),
        ('collapsed', 'every row the same vector', adv('collapsed'), 'collapsed', [0, 1, 0, 1, 2, 2], 1, 8, 1.0,
         {}),
        ('zero-row', 'row 0 all zeros', adv('zero-row'), 'zero-row', [0, 1, 0, 1, 2, 2], 1, 8, 1.0, {}),
        ('duplicate-rows', 'sample 1 equals sample 0 in both views', adv('duplicate-rows'), 'duplicate-rows',
         [0, 1, 0, 2], 2, 8, 1.0, {}),
        ('d1', 'dimension 1', adv('d1'), 'random', [0, 1, 0, 1, 2, 2], 1, 1, 1.0, {}),
        ('large-scale', 'rows scaled by 1e20', adv('large-scale'), 'random', [0, 1, 0, 1, 2, 2], 1, 8, 1e20, {}),
        ('small-scale', 'rows scaled by 1e-20', adv('small-scale'), 'random', [0, 1, 0, 1, 2, 2], 1, 8, 1e-20,
         {}),
        ('multi-view-low-temperature', '4 views of labels [0, 1, 0], temperature 0.01',
         adv('multi-view', 'low-temperature'), 'random', [0, 1, 0], 4, 8, 1.0, LOW),
    ]
    # baseTemperature and meanOver (SupContrast's base_temperature and its mean over every anchor); appended so
    # that the cases above keep their inputs.
    supcontrast = {'temperature': 0.1, 'baseTemperature': 0.07, 'meanOver': 'all-anchors'}
    entries += [
        ('base-temperature-b4-v2-d8', '2 views, temperature 0.1, baseTemperature 0.07 (rows times 0.1 / 0.07)',
         RANDOM + ('base-temperature',), 'random', [0, 1, 0, 2], 2, 8, 1.0,
         {'temperature': 0.1, 'baseTemperature': 0.07}),
        ('base-temperature-b8-v1-d8-none', '1 view, temperature 0.5, baseTemperature 0.07, per-row values',
         RANDOM + ('base-temperature',), 'random', repeated, 1, 8, 1.0,
         {'temperature': 0.5, 'baseTemperature': 0.07, 'reduction': 'none'}),
        ('base-temperature-equal', 'baseTemperature equal to the temperature 0.2: the default value',
         RANDOM + ('base-temperature',), 'random', repeated, 1, 8, 1.0, {'temperature': 0.2, 'baseTemperature': 0.2}),
        ('all-anchors-b6-v1-d8', "meanOver 'all-anchors', labels [0, 1, 1, 2, 3, 3]: rows 0 and 3 count as 0",
         RANDOM + ('mean-over',), 'random', [0, 1, 1, 2, 3, 3], 1, 8, 1.0, {'meanOver': 'all-anchors'}),
        ('supcontrast-b4-v1-d8', "SupContrast's SupConLoss(temperature=0.1): baseTemperature 0.07, meanOver "
         "'all-anchors', labels [7, 8, 7, 9]", RANDOM + ('base-temperature', 'mean-over'), 'random', [7, 8, 7, 9], 1,
         8, 1.0, supcontrast),
        ('supcontrast-b4-v2-d8', "SupContrast's SupConLoss(temperature=0.1), 2 views, labels [0, 1, 0, 2]",
         RANDOM + ('base-temperature', 'mean-over'), 'random', [0, 1, 0, 2], 2, 8, 1.0, supcontrast),
        ('supcontrast-b3-v3-d8', "SupContrast's SupConLoss(temperature=0.1), 3 views, labels [5, 5, 9]",
         RANDOM + ('base-temperature', 'mean-over', 'multi-view'), 'random', [5, 5, 9], 3, 8, 1.0, supcontrast),
        ('all-anchors-no-positives', "meanOver 'all-anchors', all labels distinct: loss 0",
         adv('no-positives', 'mean-over'), 'random', [0, 1, 2, 3], 1, 8, 1.0, {'meanOver': 'all-anchors'}),
        ('base-temperature-low-temperature', 'temperature 0.01, baseTemperature 0.07 (factor 1/7)',
         adv('low-temperature', 'base-temperature'), 'random', repeated, 1, 8, 1.0,
         {**LOW, 'baseTemperature': 0.07, 'meanOver': 'all-anchors'}),
        ('base-temperature-factor-100', 'temperature 1, baseTemperature 0.01: every row times 100',
         adv('base-temperature'), 'random', repeated, 1, 8, 1.0, {'temperature': 1, 'baseTemperature': 0.01}),
        ('base-temperature-collapsed', 'every row the same vector, temperature 0.1, baseTemperature 0.07',
         adv('collapsed', 'base-temperature'), 'collapsed', [0, 1, 0, 1, 2, 2], 1, 8, 1.0, supcontrast),
    ]
    cases = []
    for what, description, tags, kind, labels, views, d, scale, options in entries:
        embeddings = view_major(rng, len(labels), views, d, kind, scale)
        inputs = {'embeddings': embeddings, 'labels': torch.tensor(labels, dtype=torch.long)}
        options = {**options, 'views': views}
        cases.append(build_case(spec, what, description, tags, inputs, options))
    cases += sup_con_memory_cases(spec, rng, repeated)
    return cases + sup_con_preset_shift_cases(spec, rng)


def sup_con_preset_shift_cases(spec, rng):
    """Temperature 0.01 with two views and a few hundred rows (the preset row shift floored by the other view,
    decision 0006): appended after every earlier case so that those keep their inputs."""
    adv = lambda *tags: ADVERSARIAL + tags
    entries = [  # (what, description, tags, kind, labels, views, d, scale, options)
        ('near-identical-b96-v2-d8-low-temperature', '96 samples, 2 views, 12 classes, rows one vector plus 1e-3 '
         'noise, temperature 0.01', adv('low-temperature', 'near-identical'), 'near-identical',
         [i % 12 for i in range(96)], 2, 8, 1.0, LOW),
        ('identical-views-b32-v2-d8-low-temperature', '32 samples, 2 identical views, 8 classes, temperature 0.01',
         adv('low-temperature', 'identical'), 'identical', [i % 8 for i in range(32)], 2, 8, 1.0,
         {**LOW, 'reduction': 'none'}),
    ]
    cases = []
    for what, description, tags, kind, labels, views, d, scale, options in entries:
        embeddings = view_major(rng, len(labels), views, d, kind, scale)
        inputs = {'embeddings': embeddings, 'labels': torch.tensor(labels, dtype=torch.long)}
        cases.append(build_case(spec, what, description, tags, inputs, {**options, 'views': views}))
    return cases


def sup_con_memory_cases(spec, rng, repeated):
    """Labelled memory (Cross-Batch Memory): appended after every earlier case. The memory is detached, so its
    gradient (all zeros in float64 autograd) is asserted zero and left out of the fixture."""
    adv = lambda *tags: ADVERSARIAL + tags
    entries = [  # (what, description, tags, kind, labels, views, memory labels, memory kind, d, scale, options)
        ('memory-b4-v2-m6-d8', '2 views, labels [0, 1, 0, 2], memory labels [0, 1, 2, 3, 1, 0]', RANDOM + ('memory',),
         'random', [0, 1, 0, 2], 2, [0, 1, 2, 3, 1, 0], 'random', 8, 1.0, {}),
        ('memory-b8-v1-m5-d8-t0.2-none', '1 view, labels with repeats, memory of 5, temperature 0.2, per-row values',
         RANDOM + ('memory',), 'random', repeated, 1, [3, 0, 9, 1, 2], 'random', 8, 1.0,
         {'temperature': 0.2, 'reduction': 'none'}),
        ('memory-positives-only-in-memory', '1 view, distinct labels: every positive comes from memory',
         RANDOM + ('memory',), 'random', [0, 1, 2, 3], 1, [3, 2, 1, 0, 4], 'random', 8, 1.0, {}),
        ('memory-negatives-only', 'memory labels absent from the batch: extra negatives only, sum',
         RANDOM + ('memory',), 'random', [0, 1, 0, 2], 1, [7, 8, 9], 'random', 8, 1.0, {'reduction': 'sum'}),
        ('memory-supcontrast-b4-v2', "memory with SupContrast's conventions (baseTemperature 0.07, all anchors)",
         RANDOM + ('memory', 'base-temperature', 'mean-over'), 'random', [0, 1, 0, 2], 2, [2, 2, 0, 5], 'random', 8,
         1.0, {'temperature': 0.1, 'baseTemperature': 0.07, 'meanOver': 'all-anchors'}),
        ('memory-unnormalized', 'normalize false, rows and memory scaled by 0.3, temperature 0.5',
         RANDOM + ('memory',), 'random', [0, 1, 1, 2, 0, 2], 1, [1, 0, 2, 2], 'random', 8, 0.3,
         {'normalize': False, 'temperature': 0.5}),
        ('memory-low-temperature', 'memory, temperature 0.01', adv('memory', 'low-temperature'), 'random', repeated,
         1, [0, 1, 2, 3, 0], 'random', 8, 1.0, LOW),
        ('memory-m1', 'a memory of one row', adv('memory'), 'random', [0, 1, 0, 2], 2, [1], 'random', 8, 1.0, {}),
        ('memory-zero-row', 'memory row 0 all zeros', adv('memory', 'zero-row'), 'random', [0, 1, 0, 2], 1,
         [0, 1, 2, 1], 'zero-row', 8, 1.0, {}),
        ('memory-duplicates-batch', 'memory rows equal to the batch rows (the same step enqueued)',
         adv('memory', 'duplicate-rows'), 'random', [0, 1, 0, 2], 1, [0, 1, 0, 2], 'batch', 8, 1.0, {}),
        ('memory-collapsed', 'batch and memory all one vector', adv('memory', 'collapsed'), 'collapsed',
         [0, 1, 0, 1, 2, 2], 1, [0, 2, 3], 'collapsed', 8, 1.0, {}),
    ]
    cases = []
    for what, description, tags, kind, labels, views, memory_labels, memory_kind, d, scale, options in entries:
        embeddings = view_major(rng, len(labels), views, d, kind, scale)
        if memory_kind == 'batch':
            memory = embeddings[:len(memory_labels)].clone()
        elif memory_kind == 'collapsed':
            memory = embeddings[:1].expand(len(memory_labels), d).clone()
        else:
            memory = rng.matrix(len(memory_labels), d, memory_kind, scale)
        inputs = {'embeddings': embeddings, 'labels': torch.tensor(labels, dtype=torch.long), 'memory': memory,
                  'memoryLabels': torch.tensor(memory_labels, dtype=torch.long)}
        case = build_case(spec, what, description, tags, inputs, {**options, 'views': views})
        detached = case['expected']['gradients'].pop('memory')
        assert all(v == 0 for v in detached['values']), f'{case["id"]}: the memory got a gradient'
        cases.append(case)
    return cases
