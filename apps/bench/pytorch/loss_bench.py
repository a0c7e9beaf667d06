"""PyTorch reference timings for apps/bench (a benchmark, not project code).

Every benchmarked loss in its numerically stable form (logsumexp, log-softmax, softplus), float32, forward and
backward by autograd (the gradient of every input, learned scales included), median of `runs` timed runs after
`warmup` untimed ones. The formulas follow the TSDoc headers of packages/core/src/losses/*.ts.

Prints one JSON object: {"ok", "medianMs", "timesMs", "peakRssBytes", "threads", "blas", "allocator", ...}, where
"blas" and "allocator" are read from /proc/self/maps (what the process actually loaded).

Usage: python3 loss_bench.py --loss nt-xent --n 1024 --d 128 --temperature 0.5 [--runs 5] [--warmup 1] [--threads 2]
       python3 loss_bench.py --verify cases.json
The second form computes each case's loss on given inputs ([{"loss", "temperature", "inputs": {name: {"values",
"shape"}}}], float64) and prints [{"loss", "temperature", "lossValue"}]: src/pytorch-formulas.test.ts checks these
formulas against core's reference backend with it.
"""
import argparse
import json
import math
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F

PAIRED_NEGATIVES = 16  # apps/bench/src/loss-specs.ts pairedNegatives


def self_logits(z, temperature):
    """S = z z^T / T with the diagonal removed from every row (-inf), z already normalised."""
    s = (z @ z.T) / temperature
    return s.masked_fill(torch.eye(z.shape[0], dtype=torch.bool), float("-inf"))


def partner(rows):
    n = rows // 2
    return torch.cat([torch.arange(n, rows), torch.arange(0, n)])


def nt_xent(x, t):
    z = F.normalize(torch.cat([x["anchors"], x["positives"]]), dim=1)
    s = self_logits(z, t)
    rows = z.shape[0]
    return (torch.logsumexp(s, dim=1) - s[torch.arange(rows), partner(rows)]).mean()


def sup_con(x, t):
    """L_out, 2 views, mean over anchors with a positive (core's default)."""
    z = F.normalize(x["embeddings"], dim=1)
    labels = x["labels"].repeat(2)
    s = self_logits(z, t)
    log_prob = s - torch.logsumexp(s, dim=1, keepdim=True)
    positives = (labels[:, None] == labels[None, :]) & ~torch.eye(z.shape[0], dtype=torch.bool)
    count = positives.sum(1)
    mean_log_prob = torch.where(positives, log_prob, torch.zeros_like(log_prob)).sum(1) / count.clamp(min=1)
    has = count > 0
    return -(mean_log_prob[has]).sum() / has.sum().clamp(min=1)


def simclr_info_nce(x, t):
    """SimCLR n-view with V = 2: every other view of the sample is a positive (here: NT-Xent on stacked views)."""
    z = F.normalize(x["embeddings"], dim=1)
    s = self_logits(z, t)
    rows = z.shape[0]
    return (torch.logsumexp(s, dim=1) - s[torch.arange(rows), partner(rows)]).mean()


def dcl(x, t):
    """Symmetric DCL: NT-Xent without the positive in the denominator."""
    z = F.normalize(torch.cat([x["anchors"], x["positives"]]), dim=1)
    rows = z.shape[0]
    s = self_logits(z, t)
    index = partner(rows)
    positive = s[torch.arange(rows), index]
    negatives = s.masked_fill(F.one_hot(index, rows).bool(), float("-inf"))
    return (torch.logsumexp(negatives, dim=1) - positive).mean()


def clip(x, t):
    a = F.normalize(x["anchors"], dim=1)
    p = F.normalize(x["positives"], dim=1)
    s = x["logitScale"].clamp(max=100) * (a @ p.T)
    target = torch.arange(a.shape[0])
    return (F.cross_entropy(s, target) + F.cross_entropy(s.T, target)) / 2


def info_nce(x, t):
    a = F.normalize(x["anchors"], dim=1)
    p = F.normalize(x["positives"], dim=1)
    return F.cross_entropy((a @ p.T) / t, torch.arange(a.shape[0]))


def info_nce_queue(x, t):
    a = F.normalize(x["anchors"], dim=1)
    p = F.normalize(x["positives"], dim=1)
    n = F.normalize(x["negatives"], dim=1)
    logits = torch.cat([(a * p).sum(1, keepdim=True), a @ n.T], dim=1) / t
    return F.cross_entropy(logits, torch.zeros(a.shape[0], dtype=torch.long))


def info_nce_paired(x, t):
    a = F.normalize(x["anchors"], dim=1)
    p = F.normalize(x["positives"], dim=1)
    n = F.normalize(x["negatives"], dim=2)
    logits = torch.cat([(a * p).sum(1, keepdim=True), torch.einsum("nd,nmd->nm", a, n)], dim=1) / t
    return F.cross_entropy(logits, torch.zeros(a.shape[0], dtype=torch.long))


def contrastive_loss(x, t):
    """The origin contrastive_loss: cross-view, the positive left out of the denominator."""
    a = F.normalize(x["anchors"], dim=1)
    p = F.normalize(x["positives"], dim=1)
    s = (a @ p.T) / t
    diagonal = torch.eye(a.shape[0], dtype=torch.bool)
    return (torch.logsumexp(s.masked_fill(diagonal, float("-inf")), dim=1) - s.diagonal()).mean()


def sig_lip(x, t):
    a = F.normalize(x["anchors"], dim=1)
    p = F.normalize(x["positives"], dim=1)
    logits = x["logTemperature"].exp() * (a @ p.T) + x["bias"]
    labels = 2 * torch.eye(a.shape[0]) - 1
    return F.softplus(-labels * logits).sum(1).mean()


LOSSES = {
    "nt-xent": nt_xent, "sup-con": sup_con, "simclr-info-nce": simclr_info_nce, "dcl": dcl, "clip": clip,
    "info-nce": info_nce, "info-nce-queue": info_nce_queue, "info-nce-paired": info_nce_paired,
    "contrastive-loss": contrastive_loss, "sig-lip": sig_lip,
}


def inputs(loss, n, d, t):
    """Leaf tensors by core input name (the same shapes as apps/bench/src/loss-specs.ts lossInputs)."""
    leaf = lambda *shape: torch.randn(*shape, dtype=torch.float32, requires_grad=True)
    scalar = lambda value: torch.tensor(value, dtype=torch.float32, requires_grad=True)
    if loss == "sup-con":
        return {"embeddings": leaf(2 * n, d), "labels": torch.randint(0, max(1, n // 8), (n,))}
    if loss == "simclr-info-nce":
        return {"embeddings": leaf(2 * n, d)}
    x = {"anchors": leaf(n, d), "positives": leaf(n, d)}
    if loss == "clip":
        x["logitScale"] = scalar(1 / t)
    elif loss == "sig-lip":
        x["logTemperature"] = scalar(math.log(1 / t))
        x["bias"] = scalar(-10.0)
    elif loss == "info-nce-queue":
        x["negatives"] = leaf(n, d)
    elif loss == "info-nce-paired":
        x["negatives"] = leaf(n, PAIRED_NEGATIVES, d)
    return x


def verify(path):
    """The loss value of every case in `path` on its given inputs, in float64."""
    with open(path) as source:
        cases = json.load(source)
    results = []
    for case in cases:
        x = {}
        for name, tensor in case["inputs"].items():
            values = torch.tensor(tensor["values"], dtype=torch.float64).reshape(tensor["shape"])
            x[name] = values.long() if name == "labels" else values
        value = LOSSES[case["loss"]](x, case["temperature"])
        results.append({"loss": case["loss"], "temperature": case["temperature"], "lossValue": float(value)})
    json.dump(results, sys.stdout)


def loaded(patterns):
    """Shared objects of this process whose path contains one of `patterns` (from /proc/self/maps)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "/" in line}
    except OSError:
        return []
    return sorted(p for p in paths if any(k in p for k in patterns))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--verify", help="a JSON file of cases: print their loss values instead of timing")
    parser.add_argument("--loss", choices=sorted(LOSSES))
    parser.add_argument("--n", type=int, help="pairs N")
    parser.add_argument("--d", type=int)
    parser.add_argument("--temperature", type=float)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if args.verify:
        return verify(args.verify)
    if args.loss is None or args.n is None or args.d is None or args.temperature is None:
        parser.error("--loss, --n, --d and --temperature are required (or --verify)")
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    x = inputs(args.loss, args.n, args.d, args.temperature)
    leaves = [v for v in x.values() if v.requires_grad]
    loss_fn = LOSSES[args.loss]
    times = []
    for i in range(args.warmup + args.runs):
        for leaf in leaves:
            leaf.grad = None
        start = time.perf_counter()
        loss = loss_fn(x, args.temperature)
        loss.backward()
        elapsed = (time.perf_counter() - start) * 1000
        if i >= args.warmup:
            times.append(elapsed)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    blas = loaded(["libblas", "openblas", "libmkl", "blis"])
    json.dump({
        "ok": True,
        "medianMs": statistics.median(times),
        "timesMs": times,
        "runs": args.runs,
        "warmup": args.warmup,
        "peakRssBytes": peak,
        "rssDeltaBytes": peak - rss_before,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "blas": blas,
        "allocator": "jemalloc" if loaded(["jemalloc"]) else "glibc malloc",
        "lossValue": float(loss.detach()),
    }, sys.stdout)


if __name__ == "__main__":
    main()
