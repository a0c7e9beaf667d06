"""Inputs, case assembly and JSON writing for the `contrastive-fixtures/v1` format (../FIXTURES.md)."""

import json
import math
import os
import zlib
from collections import namedtuple

import torch

FORMAT = 'contrastive-fixtures/v1'
SCRIPT = 'fixtures-generator/generate.py'

# name: kebab-case loss name; defaults: the contract's options; reference(tensors, options) -> dict with
# 'loss' (or 'logits' and 'labels'), optional 'origin' (bool) and 'fragile' (bool, a decision within 1e-4).
LossSpec = namedtuple('LossSpec', ['name', 'defaults', 'reference', 'has_gradients'])


class InputRng:
    """Deterministic float32 inputs (exactly representable in float32 by construction)."""

    def __init__(self, seed, loss_name):
        self.seed = seed
        self.generator = torch.Generator().manual_seed(seed ^ zlib.crc32(loss_name.encode()))

    def normal(self, *shape, scale=1.0):
        values = torch.randn(*shape, generator=self.generator, dtype=torch.float32)
        return values * torch.tensor(scale, dtype=torch.float32)

    def scalar(self, value):
        return torch.tensor(value, dtype=torch.float32)

    def matrix(self, n, d, kind='random', scale=1.0):
        """One [n, d] matrix: random | near-identical (one vector + 1e-3 noise) | collapsed | zero-row
        (row 0 zero) | duplicate-rows (row 1 = row 0)."""
        if kind in ('near-identical', 'collapsed'):
            base = self.normal(1, d).expand(n, d).clone()
            rows = base + 1e-3 * self.normal(n, d) if kind == 'near-identical' else base
        else:
            rows = self.normal(n, d)
            if kind == 'zero-row':
                rows[0] = 0
            elif kind == 'duplicate-rows':
                rows[1] = rows[0]
            else:
                assert kind in ('random', 'identical'), kind
        return rows * torch.tensor(scale, dtype=torch.float32)

    def pair(self, n, d, kind='random', scale=1.0):
        """(anchors, positives): kinds as `matrix`, plus identical (positives equal anchors); near-identical and
        collapsed share one vector across both inputs; zero-row zeroes anchor row 0 only."""
        if kind in ('near-identical', 'collapsed'):
            both = self.matrix(2 * n, d, kind, scale)
            return both[:n].clone(), both[n:].clone()
        anchors = self.matrix(n, d, kind, scale)
        if kind == 'identical':
            return anchors, anchors.clone()
        positives = self.matrix(n, d, 'duplicate-rows' if kind == 'duplicate-rows' else 'random', scale)
        return anchors, positives


def tensor_json(tensor):
    flat = tensor.detach().reshape(-1).tolist()
    return {'shape': list(tensor.shape), 'values': flat}


def assert_finite(tensor, what):
    if tensor.dtype.is_floating_point:
        assert not torch.isnan(tensor).any(), f'{what}: NaN'
        assert torch.isfinite(tensor).all(), f'{what}: not finite'


def prepare_inputs(inputs, requires_grad):
    tensors = {}
    for name, value in inputs.items():
        if value is None:
            continue
        if value.dtype.is_floating_point:
            assert value.dtype == torch.float32, f'{name}: inputs are generated in float32'
            assert_finite(value, f'input {name}')
            tensors[name] = value.detach().double().requires_grad_(requires_grad)
        else:
            tensors[name] = value.detach().clone()
    return tensors


def build_case(spec, what, description, tags, inputs, options=None):
    options = options or {}
    unknown = set(options) - set(spec.defaults)
    assert not unknown, f'{spec.name}/{what}: unknown options {unknown}'
    full_options = {**spec.defaults, **options}
    written = {key: value for key, value in options.items() if value != spec.defaults[key]}
    tensors = prepare_inputs(inputs, spec.has_gradients)
    result = spec.reference(tensors, full_options)
    case_id = f'{spec.name}/{what}'
    assert not result.get('fragile', False), f'{case_id}: a decision lies within 1e-4 of its threshold'
    tags = list(tags) + (['origin'] if result.get('origin') else [])
    expected = {}
    if 'loss' in result:
        loss = result['loss']
        assert_finite(loss, f'{case_id} loss')
        expected['loss'] = tensor_json(loss)
        if spec.has_gradients:
            expected['gradients'] = gradients_json(case_id, loss, tensors)
    else:
        assert_finite(result['logits'], f'{case_id} logits')
        expected['logits'] = tensor_json(result['logits'])
        expected['labels'] = tensor_json(result['labels'])
    case = {'id': case_id, 'description': description, 'tags': tags,
            'inputs': {name: tensor_json(t) for name, t in tensors.items()}}
    case['options'] = written
    case['expected'] = expected
    return case


def gradients_json(case_id, loss, tensors):
    leaves = {name: t for name, t in tensors.items() if t.dtype.is_floating_point}
    grads = torch.autograd.grad(loss.sum(), list(leaves.values()), allow_unused=True)
    out = {}
    for (name, leaf), grad in zip(leaves.items(), grads):
        grad = torch.zeros_like(leaf) if grad is None else grad
        assert_finite(grad, f'{case_id} gradient of {name}')
        out[name] = tensor_json(grad)
    return out


def fixture_text(loss_name, seed, torch_version, cases):
    """One fixture file's text: the header, then one case per line."""
    header = {'format': FORMAT, 'loss': loss_name,
              'generator': {'script': SCRIPT, 'torch': torch_version, 'seed': seed}}

    def dump(value):
        return json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(',', ':'))

    head = dump(header)[:-1]
    body = ',\n'.join(dump(case) for case in cases)
    text = f'{head},"cases":[\n{body}\n]}}\n'
    reloaded = json.loads(text)
    assert reloaded['cases'] == json.loads(dump(cases)), f'{loss_name}: JSON round trip'
    return text


def part_name(loss_name, part):
    """File name of a loss's part: `name.json` first, then `name.2.json`, `name.3.json`, ... (../FIXTURES.md)."""
    return f'{loss_name}.json' if part == 1 else f'{loss_name}.{part}.json'


def split_cases(loss_name, seed, torch_version, cases, max_bytes):
    """The cases in order, split into as few consecutive parts as keep each file's text within `max_bytes`."""
    parts, current = [], []
    for case in cases:
        if current and len(fixture_text(loss_name, seed, torch_version, current + [case]).encode('utf-8')) > max_bytes:
            parts.append(current)
            current = []
        current.append(case)
    parts.append(current)
    for part in parts:
        size = len(fixture_text(loss_name, seed, torch_version, part).encode('utf-8'))
        assert size <= max_bytes, f'{loss_name}: case {part[0]["id"]} alone is {size} bytes, over {max_bytes}'
    return parts


def write_fixture_files(directory, loss_name, seed, torch_version, cases, max_bytes):
    """Writes a loss's cases as `name.json` (and `name.2.json`, ... where one file would exceed `max_bytes`),
    removing parts left from an earlier run; returns [(file name, bytes, case count)]."""
    ids = [case['id'] for case in cases]
    assert len(set(ids)) == len(ids), f'{loss_name}: duplicate case ids'
    prefix = f'{loss_name}.'
    for name in os.listdir(directory):
        middle = name[len(prefix):-len('.json')] if name.startswith(prefix) and name.endswith('.json') else ''
        if middle.isdigit():
            os.remove(os.path.join(directory, name))
    written = []
    for index, part in enumerate(split_cases(loss_name, seed, torch_version, cases, max_bytes)):
        name = part_name(loss_name, index + 1)
        text = fixture_text(loss_name, seed, torch_version, part)
        with open(os.path.join(directory, name), 'w', encoding='utf-8') as handle:
            handle.write(text)
        written.append((name, len(text.encode('utf-8')), len(part)))
    return written


def close(reference, other, rtol=1e-9):
    """Agreement of two float64 computations of the same quantity."""
    scale = max(1.0, float(reference.detach().abs().max())) if reference.numel() else 1.0
    return torch.allclose(other.detach(), reference.detach(), rtol=rtol, atol=rtol * scale)


def decision_is_fragile(margins, scale):
    """True when some decision value is non-zero yet within 1e-4 * scale of its threshold (exact ties are
    deliberate and fine: every backend computes identical rows identically)."""
    return any(0 < abs(m) < 1e-4 * scale for m in margins if math.isfinite(m))
