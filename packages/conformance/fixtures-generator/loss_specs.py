"""One LossSpec per fixture file: the contract's option defaults and the reference that computes a case.

Where the origin document's code applies (contrastive-loss; simclr-info-nce with `positives: 'first'` or two
views; simclr-info-nce-logits), it is the reference whenever it is finite, and it must agree with the stable form.
"""

import torch

import loss_references as refs
import metric_references as metrics
import origin_reference as origin
from fixture_builder import LossSpec, close, decision_is_fragile


def assert_agree(case_what, reference, other, leaves):
    """Loss and gradients of two float64 computations agree."""
    assert close(reference, other), f'{case_what}: loss {reference} vs {other}'
    ref_grads = torch.autograd.grad(reference.sum(), leaves, retain_graph=True)
    other_grads = torch.autograd.grad(other.sum(), leaves, retain_graph=True)
    for ref_grad, other_grad in zip(ref_grads, other_grads):
        assert close(ref_grad, other_grad), f'{case_what}: gradients differ'


def all_finite(value, leaves):
    if not torch.isfinite(value).all():
        return False
    grads = torch.autograd.grad(value.sum(), leaves, retain_graph=True)
    return all(torch.isfinite(grad).all() for grad in grads)


def origin_contrastive(anchors, positives, options):
    temperature, reduction = options['temperature'], options['reduction']
    if not options['symmetric']:
        rows = origin.contrastive_loss_rows(anchors, positives, temperature)
        if reduction == 'mean':
            verbatim = origin.contrastive_loss(anchors, positives, temperature)
            assert torch.equal(verbatim.isfinite(), rows.mean().isfinite())
            return verbatim
    else:
        rows = (origin.contrastive_loss_rows(anchors, positives, temperature)
                + origin.contrastive_loss_rows(positives, anchors, temperature)) / 2
    return refs.reduce_rows(rows, reduction)


def contrastive_reference(t, o):
    anchors, positives = t['anchors'], t['positives']
    leaves = [anchors, positives]
    stable = refs.contrastive_loss_stable(anchors, positives, o['temperature'], o['symmetric'], o['reduction'])
    original = origin_contrastive(anchors, positives, o)
    smallest_norm = float(torch.cat([anchors.norm(dim=1), positives.norm(dim=1)]).min())
    # Below a norm of 1e-12 the contract's normalize (eps clamp) differs from the original's exact cosine.
    if all_finite(original, leaves) and smallest_norm >= 1e-12:
        assert_agree('contrastive-loss', original, stable, leaves)
        return {'loss': original, 'origin': True}
    return {'loss': stable}


def simclr_reference(t, o):
    embeddings = t['embeddings']
    views, temperature = o['views'], o['temperature']
    stable = refs.simclr_info_nce(embeddings, views, temperature, o['positives'], o['normalize'], o['reduction'])
    if o['normalize'] and (o['positives'] == 'first' or views == 2):
        original = origin.origin_simclr_loss(embeddings, embeddings.shape[0] // views, views, temperature,
                                             o['reduction'])
        if all_finite(original, [embeddings]):
            assert_agree('simclr-info-nce', original, stable, [embeddings])
            return {'loss': original, 'origin': True}
    return {'loss': stable}


def simclr_logits_reference(t, o):
    embeddings = t['embeddings']
    views, temperature = o['views'], o['temperature']
    logits, labels = refs.simclr_info_nce_logits(embeddings, views, temperature, o['normalize'])
    if o['normalize']:
        model = origin.OriginSimCLR(embeddings.shape[0] // views, views, temperature)
        original_logits, original_labels = model.info_nce_loss(embeddings)
        assert torch.equal(original_labels, labels) and close(original_logits, logits)
        return {'logits': original_logits.detach(), 'labels': original_labels, 'origin': True}
    return {'logits': logits.detach(), 'labels': labels}


def nt_xent_reference(t, o):
    anchors, positives = t['anchors'], t['positives']
    value = refs.nt_xent(anchors, positives, o['temperature'], o['normalize'], o['reduction'])
    if o['normalize']:  # SimCLR's info_nce_loss with two views is NT-Xent (cross-check, not the reference)
        original = origin.origin_simclr_loss(torch.cat([anchors, positives]), anchors.shape[0], 2,
                                             o['temperature'], o['reduction'])
        if all_finite(original, [anchors, positives]):
            assert_agree('nt-xent', value, original, [anchors, positives])
    return {'loss': value}


def info_nce_reference(t, o):
    leaves = [t['anchors'], t['positives'], t['negatives']] if 'negatives' in t else [t['anchors'], t['positives']]
    args = [t['anchors'], t['positives'], t.get('negatives'), o['temperature'], o['normalize'], o['symmetric']]
    value = refs.info_nce(*args, o['reduction'], o['beta'])
    if o['beta'] != 0:  # the weights are exp(beta x) / mean(exp(beta x)): beta -> 0 is InfoNCE (cross-check)
        tiny = refs.info_nce(*args, o['reduction'], 1e-12)
        assert close(tiny, refs.info_nce(*args, o['reduction']), rtol=1e-9), 'info-nce: beta -> 0 is not InfoNCE'
        assert all_finite(value, leaves)
    return {'loss': value}


def sup_con_reference(t, o):
    embeddings, labels = t['embeddings'], t['labels']
    base, mean_over = o['baseTemperature'], o['meanOver']
    memory, memory_labels = t.get('memory'), t.get('memoryLabels')
    value = refs.sup_con(embeddings, labels, o['views'], o['temperature'], o['normalize'], o['reduction'], base,
                         mean_over, memory, memory_labels)
    if memory is not None:  # the batch rows of SupCon over [batch; memory] with the memory detached (cross-check)
        rows = refs.sup_con(embeddings, labels, o['views'], o['temperature'], o['normalize'], 'none', base,
                            mean_over, memory, memory_labels)
        stacked = torch.cat([embeddings, memory.detach()])
        together = refs.sup_con(stacked, torch.cat([labels.repeat(o['views']), memory_labels]), 1, o['temperature'],
                                o['normalize'], 'none', base, mean_over)
        assert_agree('sup-con (memory)', rows, together[:embeddings.shape[0]], [embeddings])
        return {'loss': value}
    factor = 1.0 if base is None else o['temperature'] / base
    if o['views'] >= 2 and len(set(labels.tolist())) == labels.numel():  # SupCon with distinct labels = SimCLR
        simclr = refs.simclr_info_nce(embeddings, o['views'], o['temperature'], 'all', o['normalize'],
                                      o['reduction'])
        assert_agree('sup-con', value, simclr * factor, [embeddings])
    if o['normalize'] and o['reduction'] == 'mean' and mean_over == 'all-anchors':  # SupContrast's conventions
        convention = refs.sup_con_supcontrast_convention(embeddings, labels, o['views'], o['temperature'],
                                                         base if base is not None else o['temperature'])
        if all_finite(convention, [embeddings]) and float(embeddings.norm(dim=1).min()) >= 1e-12:
            assert_agree('sup-con (SupContrast conventions)', value, convention, [embeddings])
    return {'loss': value}


def clip_reference(t, o):
    cap = o['maxLogitScale']
    scale = float(t['logitScale'])
    value = refs.clip(t['anchors'], t['positives'], t['logitScale'], o['normalize'], cap, o['reduction'])
    return {'loss': value, 'fragile': cap is not None and abs(scale - cap) < 1e-3}


def triplet_reference(t, o):
    leaves = [t['anchors'], t['positives'], t['negatives']]
    value, hinge, library, swap_margins = metrics.triplet_margin(*leaves, o['margin'], o['distance'], o['reduction'],
                                                                 o['eps'], o['swap'])
    # torch's clamp_min passes the gradient at a hinge input of exactly 0; the contract gives 0 there.
    if not (hinge == 0).any():
        assert_agree('triplet-margin', value, library, leaves)
    else:
        assert close(value, library), 'triplet-margin: torch.nn.functional value differs'
    fragile = decision_is_fragile(hinge.tolist(), max(1.0, o['margin']))
    # Under swap, which of d(a, n) and d(p, n) is smaller decides where the gradient goes.
    fragile = fragile or decision_is_fragile(swap_margins.tolist(), 1.0)
    return {'loss': value, 'fragile': fragile}


def hcl_reference(t, o):
    anchors, positives = t['anchors'], t['positives']
    args = (o['temperature'], o['beta'], o['tauPlus'], o['normalize'], o['reduction'])
    value, gap = refs.hcl(anchors, positives, *args)
    if o['beta'] == 0 and o['tauPlus'] == 0:  # cross-check: then HCL is NT-Xent
        assert_agree('hcl', value, refs.nt_xent(anchors, positives, o['temperature'], o['normalize'], o['reduction']),
                     [anchors, positives])
    # Whether the clamp is active decides the gradient: refuse a debiased sum within 1e-4 of it.
    return {'loss': value, 'fragile': decision_is_fragile(gap.tolist(), 1.0)}


def top_k_reference(t, o):
    value, scores = metrics.top_k_accuracy(t['anchors'], t['positives'], o['k'], o['normalize'])
    scale = max(abs(s) for row in scores for s in row) or 1.0
    margins = [s - row[i] for i, row in enumerate(scores) for j, s in enumerate(row) if j != i]
    return {'loss': value, 'fragile': decision_is_fragile(margins, scale)}


def reduced(function, *names):
    return lambda t, o: {'loss': function(*[t.get(n) for n in names[0]], *[o[n] for n in names[1]])}


SPECS = [
    LossSpec('contrastive-loss', {'temperature': 0.1, 'symmetric': False, 'reduction': 'mean'},
             contrastive_reference, True),
    LossSpec('simclr-info-nce', {'views': 2, 'temperature': 0.07, 'positives': 'all', 'normalize': True,
                                 'reduction': 'mean'}, simclr_reference, True),
    LossSpec('simclr-info-nce-logits', {'views': 2, 'temperature': 0.07, 'normalize': True},
             simclr_logits_reference, False),
    LossSpec('nt-xent', {'temperature': 0.5, 'normalize': True, 'reduction': 'mean'}, nt_xent_reference, True),
    LossSpec('info-nce', {'temperature': 0.1, 'normalize': True, 'symmetric': False, 'reduction': 'mean', 'beta': 0},
             info_nce_reference, True),
    LossSpec('sup-con', {'views': 1, 'temperature': 0.07, 'normalize': True, 'baseTemperature': None,
                         'reduction': 'mean', 'meanOver': 'anchors-with-positives'},
             sup_con_reference, True),
    LossSpec('clip', {'normalize': True, 'maxLogitScale': 100, 'reduction': 'mean'}, clip_reference, True),
    LossSpec('dcl', {'temperature': 0.1, 'symmetric': True, 'normalize': True, 'reduction': 'mean'},
             reduced(refs.dcl, ['anchors', 'positives'], ['temperature', 'symmetric', 'normalize', 'reduction']),
             True),
    LossSpec('sig-lip', {'normalize': True, 'reduction': 'mean'},
             reduced(refs.sig_lip, ['anchors', 'positives', 'logTemperature', 'bias'], ['normalize', 'reduction']),
             True),
    LossSpec('triplet-margin', {'margin': 1, 'distance': 'euclidean', 'eps': 1e-6, 'swap': False,
                                'reduction': 'mean'}, triplet_reference, True),
    LossSpec('hcl', {'temperature': 0.5, 'beta': 1, 'tauPlus': 0.1, 'normalize': True, 'reduction': 'mean'},
             hcl_reference, True),
    LossSpec('alignment', {'alpha': 2, 'normalize': True},
             reduced(metrics.alignment, ['anchors', 'positives'], ['alpha', 'normalize']), True),
    LossSpec('uniformity', {'t': 2, 'normalize': True},
             reduced(metrics.uniformity, ['embeddings'], ['t', 'normalize']), True),
    LossSpec('top-k-accuracy', {'k': 1, 'normalize': True}, top_k_reference, False),
]
