#!/usr/bin/env python3
"""Torch-free cross-check of the generated fixtures (any python3, math module only).

    python3 packages/conformance/fixtures-generator/check_fixtures.py [fixtures directory]

Recomputes every case's loss (or logits) from its loss's "Exact definition" (docs/losses/<name>.md) in plain
Python (fsum, max-subtracted lse) and compares it at 1e-9 relative to max(1, |expected|); then checks up to 6
sampled gradient coordinates per input by central finite differences at 1e-4 (cases with at most 300 input values;
not for `small-scale`, whose loss changes below float64 resolution, nor `exact-hinge`, which sits on the kink).
Exits 1 on any mismatch. A second, independent statement of the contract, not part of the test run.

Option defaults come from the generator's LossSpec entries (loss_specs.py, cases_*.py, read as text); a loss
without a branch in `compute` gets the format checks only, and a line saying so. Expected values are compared at
1e-9 relative, so regenerating with another BLAS build (last-bit differences, about 1e-16) changes no outcome here.
"""
import glob
import json
import math
import os
import random
import struct
import sys

def normalize(r):
    n = math.sqrt(sum(x * x for x in r)); d = max(n, 1e-12); return [x / d for x in r]
def rows_of(t):
    shape, v = t['shape'], t['values']
    if len(shape) == 0: return v[0]
    if len(shape) == 1: return list(v)
    if len(shape) == 2: return [v[i*shape[1]:(i+1)*shape[1]] for i in range(shape[0])]
    if len(shape) == 3:
        m, d = shape[1], shape[2]
        return [[v[(i*m+j)*d:(i*m+j+1)*d] for j in range(m)] for i in range(shape[0])]
def dot(a, b): return math.fsum(x * y for x, y in zip(a, b))
def lse(xs):
    m = max(xs); return m + math.log(math.fsum(math.exp(x - m) for x in xs))
def norm_all(rs, on): return [normalize(r) for r in rs] if on else rs
def reduce(rows, red):
    return math.fsum(rows) / len(rows) if red == 'mean' else (math.fsum(rows) if red == 'sum' else rows)
def softplus(u): return max(u, 0) + math.log1p(math.exp(-abs(u)))

def spec_defaults():
    """Each loss's option defaults, read from the generator's `LossSpec(name, defaults, ...)` entries
    (loss_specs.py and cases_*.py, the one place a loss's defaults are written) as text: importing them needs
    torch, this script does not."""
    import ast
    here = os.path.dirname(os.path.abspath(__file__))
    defaults = {}
    for path in [os.path.join(here, 'loss_specs.py')] + sorted(glob.glob(os.path.join(here, 'cases_*.py'))):
        for node in ast.walk(ast.parse(open(path).read())):
            if isinstance(node, ast.Call) and getattr(node.func, 'id', None) == 'LossSpec':
                named = {keyword.arg: keyword.value for keyword in node.keywords}
                name, values = (list(node.args) + [named.get('name'), named.get('defaults')][len(node.args):])[:2]
                defaults[ast.literal_eval(name)] = ast.literal_eval(values)
    return defaults

D = spec_defaults()

def sim(a, b, T): return [[dot(x, y) / T for y in b] for x in a]

def compute(loss, I, o):
    """The loss (or logits) of one case, restated in plain Python; None for a loss with no restatement here
    (optional: a new loss needs only its generator entry; add a branch to cross-check it independently)."""
    if loss == 'contrastive-loss':
        def rows(x, y):
            s = sim(norm_all(x, 1), norm_all(y, 1), o['temperature'])
            return [-s[i][i] + lse([s[i][j] for j in range(len(s)) if j != i]) for i in range(len(s))]
        r = rows(I['anchors'], I['positives'])
        if o['symmetric']: r = [(p + q) / 2 for p, q in zip(r, rows(I['positives'], I['anchors']))]
        return reduce(r, o['reduction'])
    if loss in ('simclr-info-nce', 'simclr-info-nce-logits', 'sup-con'):
        e = norm_all(I['embeddings'], o['normalize']); V = o['views']; R = len(e)
        s = sim(e, e, o['temperature'])
        if loss == 'simclr-info-nce-logits':
            B = R // V; out = []
            for r in range(R):
                oth = [c for c in range(R) if c != r]
                out += [s[r][c] for c in oth if c % B == r % B] + [s[r][c] for c in oth if c % B != r % B]
            return out
        if loss == 'sup-con':  # a labelled memory adds key columns (never anchors)
            lab = I['labels'] * V; rows = []; cnt = 0
            if 'memory' in I:
                s = sim(e, e + norm_all(I['memory'], o['normalize']), o['temperature']); lab = lab + I['memoryLabels']
            K = len(lab)
            for i in range(R):
                P = [j for j in range(K) if j != i and lab[j] == lab[i]]
                if not P: rows.append(0.0); continue
                cnt += 1
                rows.append(-math.fsum(s[i][p] for p in P) / len(P) + lse([s[i][k] for k in range(K) if k != i]))
            if o['baseTemperature'] is not None: rows = [r * o['temperature'] / o['baseTemperature'] for r in rows]
            if o['reduction'] == 'mean' and o['meanOver'] == 'all-anchors': return math.fsum(rows) / R
            if o['reduction'] == 'mean': return math.fsum(rows) / cnt if cnt else 0.0
            return reduce(rows, o['reduction'])
        B = R // V; rows = []
        for r in range(R):
            P = [c for c in range(R) if c != r and c % B == r % B]
            pos = s[r][P[0]] if o['positives'] == 'first' else math.fsum(s[r][p] for p in P) / len(P)
            rows.append(-pos + lse([s[r][c] for c in range(R) if c != r]))
        return reduce(rows, o['reduction'])
    if loss in ('nt-xent', 'dcl'):
        z = norm_all(I['anchors'] + I['positives'], o['normalize']); R = len(z); s = sim(z, z, o['temperature'])
        rows = []
        for i in range(R):
            p = (i + R // 2) % R
            rows.append(-s[i][p] + lse([s[i][k] for k in range(R) if k != i and (loss == 'nt-xent' or k != p)]))
        if loss == 'dcl' and not o['symmetric']: rows = rows[:R // 2]
        return reduce(rows, o['reduction'])
    if loss == 'info-nce':
        a = norm_all(I['anchors'], o['normalize']); p = norm_all(I['positives'], o['normalize']); T = o['temperature']
        if 'negatives' not in I:
            s = sim(a, p, T); N = len(a)
            r = [-s[i][i] + lse(s[i]) for i in range(N)]
            if o['symmetric']: r = [(r[i] - s[i][i] + lse([s[j][i] for j in range(N)])) / 2 for i in range(N)]
            return reduce(r, o['reduction'])
        n = I['negatives']; rows = []
        for i in range(len(a)):
            negs = n if not isinstance(n[0][0], list) else n[i]
            lg = [dot(a[i], p[i]) / T] + [dot(a[i], normalize(m) if o['normalize'] else m) / T for m in negs]
            if o['beta']:  # hardness weights exp(beta x) / mean exp(beta x), as log-weights
                log_mean = lse([o['beta'] * x for x in lg[1:]]) - math.log(len(lg) - 1)
                lg = lg[:1] + [x + o['beta'] * x - log_mean for x in lg[1:]]
            rows.append(-lg[0] + lse(lg))
        return reduce(rows, o['reduction'])
    if loss == 'clip':
        a = norm_all(I['anchors'], o['normalize']); p = norm_all(I['positives'], o['normalize'])
        c = I['logitScale'] if o['maxLogitScale'] is None else min(I['logitScale'], o['maxLogitScale'])
        s = [[c * dot(x, y) for y in p] for x in a]; N = len(a)
        return reduce([((-s[i][i] + lse(s[i])) + (-s[i][i] + lse([s[j][i] for j in range(N)]))) / 2
                       for i in range(N)], o['reduction'])
    if loss == 'sig-lip':
        a = norm_all(I['anchors'], o['normalize']); p = norm_all(I['positives'], o['normalize'])
        t = math.exp(I['logTemperature']); b = I['bias']; N = len(a)
        return reduce([math.fsum(softplus(-(1 if i == j else -1) * (t * dot(a[i], p[j]) + b)) for j in range(N))
                       for i in range(N)], o['reduction'])
    if loss == 'triplet-margin':
        def d(u, v):
            if o['distance'] == 'euclidean': return math.sqrt(math.fsum((x - y + o['eps']) ** 2 for x, y in zip(u, v)))
            return 1 - dot(normalize(u), normalize(v))
        def neg(a, p, n): return min(d(a, n), d(p, n)) if o['swap'] else d(a, n)
        return reduce([max(d(a, p) - neg(a, p, n) + o['margin'], 0.0) for a, p, n in
                       zip(I['anchors'], I['positives'], I['negatives'])], o['reduction'])
    if loss == 'hcl':
        z = norm_all(I['anchors'] + I['positives'], o['normalize']); R = len(z); M = R - 2; T = o['temperature']
        s = sim(z, z, T); rows = []
        for i in range(R):
            p = (i + R // 2) % R; neg = [s[i][k] for k in range(R) if k != i and k != p]
            log_r = math.log(M) + lse([(1 + o['beta']) * v for v in neg]) - lse([o['beta'] * v for v in neg])
            debiased = math.exp(log_r) - o['tauPlus'] * M * math.exp(s[i][p])
            ng = max(debiased, (1 - o['tauPlus']) * M * math.exp(-1 / T)) / (1 - o['tauPlus'])
            rows.append(math.log1p(ng * math.exp(-s[i][p])))
        return reduce(rows, o['reduction'])
    if loss == 'alignment':
        a = norm_all(I['anchors'], o['normalize']); p = norm_all(I['positives'], o['normalize'])
        return math.fsum(math.sqrt(math.fsum((x - y) ** 2 for x, y in zip(u, v))) ** o['alpha'] for u, v in zip(a, p)) / len(a)
    if loss == 'uniformity':
        z = norm_all(I['embeddings'], o['normalize']); N = len(z)
        v = [-o['t'] * math.fsum((x - y) ** 2 for x, y in zip(z[i], z[j])) for i in range(N) for j in range(i + 1, N)]
        return lse(v) - math.log(len(v))
    if loss == 'top-k-accuracy':
        a = norm_all(I['anchors'], o['normalize']); p = norm_all(I['positives'], o['normalize'])
        hits = 0
        for i in range(len(a)):
            s = [dot(a[i], c) for c in p]; hits += sum(1 for x in s if x > s[i]) < o['k']
        return hits / len(a)

def flat(x): return [v for r in x for v in (flat(r) if isinstance(r, list) else [r])] if isinstance(x, list) else [x]
def rel_close(a, b, tol):
    a, b = flat(a), flat(b); sc = max([1.0] + [abs(x) for x in b])
    return len(a) == len(b) and all(abs(x - y) <= tol * sc for x, y in zip(a, b))

def structure(loss, c):
    """Format rules of FIXTURES.md: id prefix, tags, float32-exact inputs, options only where non-default."""
    assert c['id'].startswith(loss + '/') and c['description'], c['id']
    assert 'random' in c['tags'] or 'adversarial' in c['tags'], c['id']
    for name, t in c['inputs'].items():
        assert len(t['values']) == math.prod(t['shape']), (c['id'], name)
        for v in t['values']:
            assert isinstance(v, int) or struct.unpack('f', struct.pack('f', v))[0] == v, (c['id'], name, v)
    for key, value in c['options'].items():
        assert key in D[loss] and D[loss][key] != value, (c['id'], key)

bad = 0; fd_checked = 0; seen_ids = set()
directory = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures')
for f in sorted(glob.glob(os.path.join(directory, '*.json'))):
    fx = json.load(open(f)); loss = fx['loss']
    base = os.path.basename(f); part = base[len(loss) + 1:-len('.json')]
    assert fx['format'] == 'contrastive-fixtures/v1' and base.startswith(loss + '.') and (part == '' or (part.isdigit() and int(part) >= 2 and str(int(part)) == part)), f
    ids = [c['id'] for c in fx['cases']]
    assert len(set(ids)) == len(ids) and not seen_ids.intersection(ids), f'{loss}: duplicate ids'
    seen_ids.update(ids)
    for c in fx['cases']:
        structure(loss, c)
        o = {**D[loss], **c['options']}
        I = {k: rows_of(v) for k, v in c['inputs'].items()}
        got = compute(loss, I, o)
        if got is None:  # no plain-Python statement of this loss below: format rules only, said once per file
            if c is fx['cases'][0]: print(f'{loss}: {len(ids)} cases, format checked; no torch-free restatement')
            continue
        exp = c['expected']['logits']['values'] if 'logits' in c['expected'] else c['expected']['loss']['values']
        if not rel_close(got, exp, 1e-9): bad += 1; print('LOSS MISMATCH', c['id'], flat(got)[:3], exp[:3])
        grads = c['expected'].get('gradients')
        nvals = sum(len(v['values']) for v in c['inputs'].values())
        if not grads or nvals > 300 or 'exact-hinge' in c['tags']: continue
        rnd = random.Random(c['id'])
        for name, g in grads.items():
            vals = c['inputs'][name]['values']
            for idx in rnd.sample(range(len(vals)), min(6, len(vals))):
                tg = c['tags']
                if 'small-scale' in tg: continue
                shp = c['inputs'][name]['shape']; w = shp[-1] if shp else 1
                row = vals[(idx // w) * w:(idx // w + 1) * w]
                if loss == 'triplet-margin' and o['distance'] == 'euclidean' and 'large-scale' not in tg: h = 1e-9
                elif len(shp) >= 2 and all(v == 0 for v in row): h = 1e-16
                elif 'large-scale' in tg: h = 1e-6 * abs(vals[idx])
                else: h = 1e-6
                def at(delta):
                    inp = json.loads(json.dumps(c['inputs'])); inp[name]['values'][idx] += delta
                    return math.fsum(flat(compute(loss, {k: rows_of(v) for k, v in inp.items()}, o)))
                fd = (at(h) - at(-h)) / (2 * h)
                sc = max([1.0] + [abs(x) for x in g['values']]) if 'large-scale' not in tg else (max(abs(x) for x in g['values']) or 1)
                fd_checked += 1
                if abs(fd - g['values'][idx]) > 1e-4 * sc:
                    bad += 1; print('GRAD MISMATCH', c['id'], name, idx, fd, g['values'][idx])
print('mismatches', bad, 'finite-difference checks', fd_checked)
sys.exit(1 if bad else 0)
