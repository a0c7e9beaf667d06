"""Stable float64 PyTorch forms of every loss, written from each loss's docs page (docs/losses/<name>.md, its
"Exact definition" section) and the papers.

Each function returns the per-row values already reduced by `reduction` (or the scalar of a metric). Masked
log-sum-exps use -inf entries (fine in float64 autograd: their softmax weight is exactly 0). These are the
independent reference; they are not a port of the TypeScript code.
"""

import math

import torch
import torch.nn.functional as F


def maybe_normalize(x, normalize):
    """`normalize(x) = x / max(||x||_2, 1e-12)` over the last axis (torch.nn.functional.normalize)."""
    return F.normalize(x, p=2.0, dim=-1, eps=1e-12) if normalize else x


def reduce_rows(rows, reduction):
    if reduction == 'mean':
        return rows.mean()
    if reduction == 'sum':
        return rows.sum()
    assert reduction == 'none', reduction
    return rows


def masked_logsumexp(scores, keep):
    """lse over the entries of each row where `keep` is true."""
    return torch.logsumexp(torch.where(keep, scores, torch.full_like(scores, -math.inf)), dim=1)


def contrastive_loss_stable(anchors, positives, temperature, symmetric, reduction):
    """docs/losses/contrastive-loss.md: l_i = -s_ii + lse_{j != i} s_ij, s = cos / T (positive left out of the
    denominator)."""
    def rows_of(x, x_aug):
        s = maybe_normalize(x, True) @ maybe_normalize(x_aug, True).T / temperature
        off_diagonal = ~torch.eye(s.shape[0], dtype=torch.bool)
        return -torch.diagonal(s) + masked_logsumexp(s, off_diagonal)

    rows = rows_of(anchors, positives)
    if symmetric:
        rows = (rows + rows_of(positives, anchors)) / 2
    return reduce_rows(rows, reduction)


def view_structure(total_rows, views):
    """Rows are view-major: row r = v * B + b. Returns (B, same-sample mask without the diagonal, eye)."""
    assert total_rows % views == 0
    batch_size = total_rows // views
    sample = torch.arange(total_rows) % batch_size
    eye = torch.eye(total_rows, dtype=torch.bool)
    same_sample = (sample[:, None] == sample[None, :]) & ~eye
    return batch_size, same_sample, eye


def simclr_info_nce(embeddings, views, temperature, positives, normalize, reduction):
    """docs/losses/simclr-info-nce.md (Chen et al. 2020, SimCLR; 'all' is Khosla et al. 2020's L_out over the
    other views)."""
    f = maybe_normalize(embeddings, normalize)
    s = f @ f.T / temperature
    batch_size, same_sample, eye = view_structure(s.shape[0], views)
    denominator = masked_logsumexp(s, ~eye)
    if positives == 'all':
        positive_term = torch.where(same_sample, s, torch.zeros_like(s)).sum(dim=1) / (views - 1)
    else:
        assert positives == 'first'
        rows = torch.arange(s.shape[0])
        first_view = torch.where(rows < batch_size, torch.ones_like(rows), torch.zeros_like(rows))
        positive_term = s[rows, first_view * batch_size + rows % batch_size]
    return reduce_rows(-positive_term + denominator, reduction)


def simclr_info_nce_logits(embeddings, views, temperature, normalize):
    """docs/losses/simclr-info-nce.md, logits: per row, the other views ascending, then all other columns ascending."""
    f = maybe_normalize(embeddings, normalize)
    s = f @ f.T / temperature
    total_rows = s.shape[0]
    batch_size = total_rows // views
    order = []
    for r in range(total_rows):
        others = [c for c in range(total_rows) if c != r]
        same = [c for c in others if c % batch_size == r % batch_size]
        order.append(same + [c for c in others if c % batch_size != r % batch_size])
    logits = torch.gather(s, 1, torch.tensor(order, dtype=torch.long))
    return logits, torch.zeros(total_rows, dtype=torch.long)


def nt_xent(anchors, positives, temperature, normalize, reduction):
    """docs/losses/nt-xent.md (Chen et al. 2020, SimCLR eq. 1): 2N anchors, positive (i + N) mod 2N."""
    z = maybe_normalize(torch.cat([anchors, positives], dim=0), normalize)
    s = z @ z.T / temperature
    total_rows = s.shape[0]
    rows = torch.arange(total_rows)
    partner = (rows + total_rows // 2) % total_rows
    eye = torch.eye(total_rows, dtype=torch.bool)
    return reduce_rows(-s[rows, partner] + masked_logsumexp(s, ~eye), reduction)


def info_nce(anchors, positives, negatives, temperature, normalize, symmetric, reduction, beta=0):
    """docs/losses/info-nce.md, info-nce-pytorch (RElbers/info-nce-pytorch) conventions; van den Oord et al. 2018.
    With beta > 0 (explicit negatives only), the hardness-weighted form (info_nce_hardness)."""
    if beta != 0:
        return info_nce_hardness(anchors, positives, negatives, temperature, normalize, reduction, beta)
    query = maybe_normalize(anchors, normalize)
    positive_key = maybe_normalize(positives, normalize)
    if negatives is None:
        logits = query @ positive_key.T / temperature
        labels = torch.arange(query.shape[0])
        rows = F.cross_entropy(logits, labels, reduction='none')
        if symmetric:
            rows = (rows + F.cross_entropy(logits.T, labels, reduction='none')) / 2
        return reduce_rows(rows, reduction)
    assert not symmetric
    negative_keys = maybe_normalize(negatives, normalize)
    positive_logit = torch.sum(query * positive_key, dim=1, keepdim=True)
    if negative_keys.dim() == 2:
        negative_logits = query @ negative_keys.T
    else:
        negative_logits = (query.unsqueeze(1) @ negative_keys.transpose(-2, -1)).squeeze(1)
    logits = torch.cat([positive_logit, negative_logits], dim=1) / temperature
    labels = torch.zeros(query.shape[0], dtype=torch.long)
    return reduce_rows(F.cross_entropy(logits, labels, reduction='none'), reduction)


def info_nce_hardness(anchors, positives, negatives, temperature, normalize, reduction, beta):
    """InfoNCE with HCL's hardness weighting (Robinson et al. 2021) of explicit negatives, written as HCL's code
    does (`imp = exp(beta x)`, `reweight = imp / imp.mean()`), weights not detached: with x_0 = a.p / T and
    x_m = a.n_m / T, w_m = exp(beta x_m) / mean_m exp(beta x_m) and l = -x_0 + log(exp(x_0) + sum_m w_m exp(x_m)).
    Exponents are shifted by each row's maximum (the weights by the max of beta x, the sum by the max of x)."""
    query = maybe_normalize(anchors, normalize)
    positive_logit = torch.sum(query * maybe_normalize(positives, normalize), dim=1) / temperature
    negative_keys = maybe_normalize(negatives, normalize)
    if negative_keys.dim() == 2:
        negative_logits = query @ negative_keys.T / temperature
    else:
        negative_logits = (query.unsqueeze(1) @ negative_keys.transpose(-2, -1)).squeeze(1) / temperature
    hardness = beta * negative_logits
    importance = torch.exp(hardness - hardness.max(dim=1, keepdim=True).values)
    weights = importance / importance.mean(dim=1, keepdim=True)
    shift = torch.maximum(positive_logit, negative_logits.max(dim=1).values)
    total = torch.exp(positive_logit - shift) + (weights * torch.exp(negative_logits - shift[:, None])).sum(dim=1)
    return reduce_rows(-positive_logit + shift + torch.log(total), reduction)


def sup_con(embeddings, labels, views, temperature, normalize, reduction, base_temperature=None,
            mean_over='anchors-with-positives', memory=None, memory_labels=None):
    """docs/losses/sup-con.md (Khosla et al. 2020, eq. 2, L_out^sup). Anchors without a positive contribute 0 and
    are left out of the mean ('anchors-with-positives') or counted in it ('all-anchors', SupContrast). Every row
    is multiplied by temperature / base_temperature (SupContrast's base_temperature; None: 1).
    With `memory` [M, D] and `memory_labels` [M] (Cross-Batch Memory, Wang et al. 2020): the memory rows, detached
    and normalised, are extra columns of S (candidates, positives by label); the anchors stay the V * B rows."""
    z = maybe_normalize(embeddings, normalize)
    row_labels = labels.repeat(views)
    keys, key_labels = z, row_labels
    if memory is not None:
        keys = torch.cat([z, maybe_normalize(memory.detach(), normalize)])
        key_labels = torch.cat([row_labels, memory_labels])
    s = z @ keys.T / temperature
    total_rows = s.shape[0]
    eye = torch.eye(total_rows, s.shape[1], dtype=torch.bool)
    positive_mask = (row_labels[:, None] == key_labels[None, :]) & ~eye
    positive_count = positive_mask.sum(dim=1)
    has_positive = positive_count > 0
    positive_mean = torch.where(positive_mask, s, torch.zeros_like(s)).sum(dim=1) / positive_count.clamp(min=1)
    rows = torch.where(has_positive, -positive_mean + masked_logsumexp(s, ~eye), torch.zeros_like(positive_mean))
    if base_temperature is not None:
        rows = rows * (temperature / base_temperature)
    if reduction == 'mean' and mean_over == 'anchors-with-positives':
        anchors_with_positive = int(has_positive.sum())
        return rows.sum() / anchors_with_positive if anchors_with_positive > 0 else rows.sum() * 0
    assert mean_over in ('anchors-with-positives', 'all-anchors'), mean_over
    return reduce_rows(rows, reduction)


def sup_con_supcontrast_convention(embeddings, labels, views, temperature, base_temperature):
    """A second statement in the SupContrast repository's conventions (contrast_mode 'all'): per anchor the mean
    over its positives of the log-probability s_ip - log sum_{k != i} exp(s_ik) (max-shifted, positives counted
    at least once), times -(temperature / base_temperature), averaged over all V * B anchors. Embeddings are
    normalised first (SupContrast expects normalised features)."""
    z = maybe_normalize(embeddings, True)
    logits = z @ z.T / temperature
    logits = logits - logits.max(dim=1, keepdim=True).values.detach()
    total_rows = logits.shape[0]
    not_self = 1 - torch.eye(total_rows, dtype=logits.dtype)
    row_labels = labels.repeat(views)
    positives = (row_labels[:, None] == row_labels[None, :]).to(logits.dtype) * not_self
    log_prob = logits - torch.log((torch.exp(logits) * not_self).sum(dim=1, keepdim=True))
    counts = positives.sum(dim=1)
    counts = torch.where(counts < 1e-6, torch.ones_like(counts), counts)
    mean_log_prob_positive = (positives * log_prob).sum(dim=1) / counts
    return (-(temperature / base_temperature) * mean_log_prob_positive).mean()


def clip(anchors, positives, logit_scale, normalize, max_logit_scale, reduction):
    """docs/losses/clip.md (Radford et al. 2021; open_clip ClipLoss): mean of image->text and text->image CE."""
    image = maybe_normalize(anchors, normalize)
    text = maybe_normalize(positives, normalize)
    scale = logit_scale
    if max_logit_scale is not None:
        scale = torch.where(logit_scale > max_logit_scale, torch.full_like(logit_scale, max_logit_scale), logit_scale)
    logits_per_image = scale * image @ text.T
    labels = torch.arange(image.shape[0])
    rows = (F.cross_entropy(logits_per_image, labels, reduction='none')
            + F.cross_entropy(logits_per_image.T, labels, reduction='none')) / 2
    return reduce_rows(rows, reduction)


def dcl(anchors, positives, temperature, symmetric, normalize, reduction):
    """docs/losses/dcl.md (Yeh et al. 2022, DCL eq. 6, unweighted): the positive leaves the denominator."""
    z = maybe_normalize(torch.cat([anchors, positives], dim=0), normalize)
    s = z @ z.T / temperature
    total_rows = s.shape[0]
    rows = torch.arange(total_rows)
    partner = (rows + total_rows // 2) % total_rows
    keep = ~torch.eye(total_rows, dtype=torch.bool)
    keep[rows, partner] = False
    values = -s[rows, partner] + masked_logsumexp(s, keep)
    if not symmetric:
        values = values[: total_rows // 2]
    return reduce_rows(values, reduction)


def sig_lip(anchors, positives, log_temperature, bias, normalize, reduction):
    """docs/losses/sig-lip.md (Zhai et al. 2023, Algorithm 1): -sum_j log_sigmoid(y_ij (t a_i.p_j + b))."""
    image = maybe_normalize(anchors, normalize)
    text = maybe_normalize(positives, normalize)
    logits = image @ text.T * torch.exp(log_temperature) + bias
    n = logits.shape[0]
    signs = 2 * torch.eye(n, dtype=logits.dtype) - torch.ones(n, n, dtype=logits.dtype)
    rows = -F.logsigmoid(signs * logits).sum(dim=1)
    return reduce_rows(rows, reduction)


def hcl(anchors, positives, temperature, beta, tau_plus, normalize, reduction):
    """HCL (Robinson et al. 2021, "Contrastive Learning with Hard Negative Samples", the 'hard' estimator of their
    code, two views): rows z = [a; p], negatives of row i are all rows but i and its positive (M = 2N - 2),
    importance exp(beta s), R = sum(imp * neg) / mean(imp), Ng = max((R - tau_plus M pos) / (1 - tau_plus),
    M exp(-1 / T)), l = -log(pos / (pos + Ng)). Plain exponentials, as the paper's code (finite in float64 for
    the cases' temperatures). Returns (reduced rows, the relative gap of the debiased sum to the clamp)."""
    z = maybe_normalize(torch.cat([anchors, positives], dim=0), normalize)
    total_rows = z.shape[0]
    n = total_rows // 2
    m = total_rows - 2
    exponentials = torch.exp(z @ z.T / temperature)
    rows = torch.arange(total_rows)
    partner = (rows + n) % total_rows
    keep = ~torch.eye(total_rows, dtype=torch.bool)
    keep[rows, partner] = False
    negatives = exponentials[keep].view(total_rows, m)
    positive = exponentials[rows, partner]
    importance = negatives ** beta
    reweighted = (importance * negatives).sum(dim=1) / importance.mean(dim=1)
    debiased = (-tau_plus * m * positive + reweighted) / (1 - tau_plus)
    floor = m * math.exp(-1 / temperature)
    negative_term = torch.where(debiased > floor, debiased, torch.full_like(debiased, floor))
    values = -torch.log(positive / (positive + negative_term))
    gap = ((debiased - floor) / floor).detach()
    return reduce_rows(values, reduction), gap
