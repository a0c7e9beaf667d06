"""The origin document's two functions, implemented exactly as written there.

Source: /work/shared/seed/origin-contrastive-learning-python.txt (omegaxyz.com, "对比学习Python实现", 2022,
code under Apache 2.0). `info_nce_loss` is the SimCLR repository's method (sthalles/SimCLR, `simclr.py`), and
the loss is `torch.nn.CrossEntropyLoss()` of its logits and labels.

The bodies below are copied verbatim; only the scaffolding needed to call them is added (`torch`/`F`
imports, a `self` carrying `args`, and `contrastive_loss_rows`, the same lines without the final `.mean()`, so
the `sum`/`none` reductions can be checked against the original too). They are used as the fixture reference
wherever they are finite; `generate.py` asserts that they agree with the stable float64 forms in
`loss_references.py`.
"""

from types import SimpleNamespace

import torch
import torch.nn.functional as F


def contrastive_loss(x, x_aug, T):
    """
    :param x: the hidden vectors of original data
    :param x_aug: the positive vector of the auged data
    :param T: temperature
    :return: loss
    """
    batch_size, _ = x.size()
    x_abs = x.norm(dim=1)
    x_aug_abs = x_aug.norm(dim=1)

    sim_matrix = torch.einsum('ik,jk->ij', x, x_aug) / torch.einsum('i,j->ij', x_abs, x_aug_abs)
    sim_matrix = torch.exp(sim_matrix / T)
    pos_sim = sim_matrix[range(batch_size), range(batch_size)]
    loss = pos_sim / (sim_matrix.sum(dim=1) - pos_sim)
    loss = - torch.log(loss).mean()
    return loss


def contrastive_loss_rows(x, x_aug, T):
    """`contrastive_loss` line for line, stopping before `.mean()`: the per-row values, [N]."""
    batch_size, _ = x.size()
    x_abs = x.norm(dim=1)
    x_aug_abs = x_aug.norm(dim=1)

    sim_matrix = torch.einsum('ik,jk->ij', x, x_aug) / torch.einsum('i,j->ij', x_abs, x_aug_abs)
    sim_matrix = torch.exp(sim_matrix / T)
    pos_sim = sim_matrix[range(batch_size), range(batch_size)]
    loss = pos_sim / (sim_matrix.sum(dim=1) - pos_sim)
    loss = - torch.log(loss)
    return loss


class OriginSimCLR:
    """The minimal `self` the original method reads: `self.args.{batch_size,n_views,device,temperature}`."""

    def __init__(self, batch_size, n_views, temperature):
        self.args = SimpleNamespace(
            batch_size=batch_size, n_views=n_views, temperature=temperature, device=torch.device('cpu'))
        self.criterion = torch.nn.CrossEntropyLoss()

    def info_nce_loss(self, features):
        labels = torch.cat([torch.arange(self.args.batch_size) for i in range(self.args.n_views)], dim=0)
        labels = (labels.unsqueeze(0) == labels.unsqueeze(1)).float()
        labels = labels.to(self.args.device)

        features = F.normalize(features, dim=1)

        similarity_matrix = torch.matmul(features, features.T)
        # assert similarity_matrix.shape == (
        #     self.args.n_views * self.args.batch_size, self.args.n_views * self.args.batch_size)
        # assert similarity_matrix.shape == labels.shape

        # discard the main diagonal from both: labels and similarities matrix
        mask = torch.eye(labels.shape[0], dtype=torch.bool).to(self.args.device)
        labels = labels[~mask].view(labels.shape[0], -1)
        similarity_matrix = similarity_matrix[~mask].view(similarity_matrix.shape[0], -1)
        # assert similarity_matrix.shape == labels.shape

        # select and combine multiple positives
        positives = similarity_matrix[labels.bool()].view(labels.shape[0], -1)

        # select only the negatives the negatives
        negatives = similarity_matrix[~labels.bool()].view(similarity_matrix.shape[0], -1)

        logits = torch.cat([positives, negatives], dim=1)
        labels = torch.zeros(logits.shape[0], dtype=torch.long).to(self.args.device)

        logits = logits / self.args.temperature
        return logits, labels


def origin_simclr_loss(features, batch_size, n_views, temperature, reduction='mean'):
    """`self.criterion(logits, labels)` after `info_nce_loss`; `reduction` other than mean uses the same
    criterion class with that reduction (`torch.nn.CrossEntropyLoss(reduction=...)`)."""
    model = OriginSimCLR(batch_size, n_views, temperature)
    logits, labels = model.info_nce_loss(features)
    if reduction == 'mean':
        loss = model.criterion(logits, labels)
    else:
        loss = torch.nn.CrossEntropyLoss(reduction=reduction)(logits, labels)
    return loss
