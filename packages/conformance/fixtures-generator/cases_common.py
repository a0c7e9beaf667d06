"""Case catalogue helpers shared by the per-loss case lists."""

from collections import namedtuple

from fixture_builder import build_case

ADVERSARIAL = ('adversarial',)
RANDOM = ('random',)

# kind: an InputRng.pair / view kind; n: rows (pairs, or samples B for view-major inputs); inputs: fixed
# scalar inputs (python floats, made float32) that override the loss's default extra inputs.
Entry = namedtuple('Entry', ['what', 'description', 'tags', 'kind', 'n', 'd', 'scale', 'options', 'inputs'],
                   defaults=(RANDOM, 'random', 4, 8, 1.0, {}, {}))


def random_entry(what, description, n, d, options=None, inputs=None, kind='random', scale=1.0, tags=RANDOM):
    return Entry(what, description, tags, kind, n, d, scale, options or {}, inputs or {})


def adversarial_entry(what, description, tags, kind, n, d, scale=1.0, options=None, inputs=None):
    return Entry(what, description, ADVERSARIAL + tuple(tags), kind, n, d, scale, options or {}, inputs or {})


def pair_adversarial(low=None, low_text='temperature 0.01', n_one=False, n_minimum=2, zero_row=True,
                     identical=True, large_scale=True):
    """The standard adversarial catalogue for (anchors, positives) losses. `low`: the options (or inputs, via
    a ('inputs', dict) pair) that make the low-temperature cases; None to leave them out."""
    low_options, low_inputs = ({}, low[1]) if isinstance(low, tuple) else (low, {})
    entries = []
    if low is not None:
        entries += [
            adversarial_entry('low-temperature', f'random rows at {low_text}', ['low-temperature'],
                              'random', 8, 8, options=low_options, inputs=low_inputs),
            adversarial_entry('near-identical-low-temperature',
                              f'all rows one vector plus 1e-3 noise, at {low_text}',
                              ['low-temperature', 'near-identical'], 'near-identical', 6, 8,
                              options=low_options, inputs=low_inputs),
        ]
    entries += [
        adversarial_entry('near-identical', 'all rows of both inputs one vector plus 1e-3 noise',
                          ['near-identical'], 'near-identical', 6, 8),
        adversarial_entry('collapsed', 'every row of both inputs is the same vector', ['collapsed'],
                          'collapsed', 5, 8),
        adversarial_entry('duplicate-rows', 'rows 0 and 1 are equal in both inputs', ['duplicate-rows'],
                          'duplicate-rows', 6, 8),
        adversarial_entry('d1', 'dimension 1 (after normalisation every row is +1 or -1)', ['d1'],
                          'random', 6, 1),
        adversarial_entry('small-scale', 'random rows scaled by 1e-20 (norms below the 1e-12 clamp)',
                          ['small-scale'], 'random', 5, 8, scale=1e-20),
        adversarial_entry(f'n{n_minimum}', f'the smallest valid batch: {n_minimum} row(s)', [f'n{n_minimum}'],
                          'random', n_minimum, 8),
    ]
    if identical:
        entries.append(adversarial_entry('identical', 'each positive equals its anchor exactly', ['identical'],
                                         'identical', 6, 8))
    if zero_row:
        entries.append(adversarial_entry('zero-row', 'anchor row 0 is all zeros', ['zero-row'],
                                         'zero-row', 6, 8))
    if large_scale:
        entries.append(adversarial_entry('large-scale', 'random rows scaled by 1e20', ['large-scale'],
                                         'random', 5, 8, scale=1e20))
    if n_one and n_minimum != 1:
        entries.append(adversarial_entry('n1', 'a single pair', ['n1'], 'random', 1, 8))
    return entries


def pair_cases(spec, rng, entries, extra=None):
    """Cases for losses over (anchors, positives [, more]): `extra(rng, entry)` returns more inputs."""
    cases = []
    for entry in entries:
        anchors, positives = rng.pair(entry.n, entry.d, entry.kind, entry.scale)
        inputs = {'anchors': anchors, 'positives': positives}
        if extra is not None:
            inputs.update(extra(rng, entry))
        inputs.update({name: rng.scalar(value) for name, value in entry.inputs.items()})
        cases.append(build_case(spec, entry.what, entry.description, entry.tags, inputs, entry.options))
    return cases


def view_major(rng, batch_size, views, d, kind='random', scale=1.0):
    """[views * batch_size, d], row v * B + b = view v of sample b. Kinds: as InputRng.matrix, plus
    identical (every view equal to view 0) and duplicate-rows (sample 1 equals sample 0 in every view)."""
    total = views * batch_size
    if kind == 'identical':
        return rng.matrix(batch_size, d, 'random', scale).repeat(views, 1)
    if kind == 'duplicate-rows':
        rows = rng.matrix(total, d, 'random', scale)
        for v in range(views):
            rows[v * batch_size + 1] = rows[v * batch_size]
        return rows
    return rng.matrix(total, d, kind, scale)
