"""PyTorch reference timings for apps/bench (a benchmark, not project code).

NT-Xent written with logsumexp, float32, forward+backward by autograd, median of `runs` timed runs after
`warmup` untimed ones. Prints one JSON object: {"ok", "medianMs", "timesMs", "peakRssBytes", "threads", ...}.

Usage: python3 nt_xent_bench.py --n 1024 --d 128 [--runs 5] [--warmup 1] [--threads 2] [--temperature 0.1]
"""
import argparse
import json
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def nt_xent(anchors, positives, temperature):
    """l_i = -s_{i,p(i)} + logsumexp_{k != i} s_ik over z = normalize([anchors; positives]), s = z z^T / T."""
    z = F.normalize(torch.cat([anchors, positives], dim=0), dim=1)
    rows = z.shape[0]
    n = rows // 2
    s = (z @ z.T) / temperature
    s = s.masked_fill(torch.eye(rows, dtype=torch.bool), float("-inf"))
    positive_index = torch.cat([torch.arange(n, rows), torch.arange(0, n)])
    positive = s[torch.arange(rows), positive_index]
    return (torch.logsumexp(s, dim=1) - positive).mean()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, required=True, help="pairs N (the matrix is 2N x 2N)")
    parser.add_argument("--d", type=int, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--temperature", type=float, default=0.1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    anchors = torch.randn(args.n, args.d, dtype=torch.float32, requires_grad=True)
    positives = torch.randn(args.n, args.d, dtype=torch.float32, requires_grad=True)
    times = []
    for i in range(args.warmup + args.runs):
        anchors.grad = None
        positives.grad = None
        start = time.perf_counter()
        loss = nt_xent(anchors, positives, args.temperature)
        loss.backward()
        elapsed = (time.perf_counter() - start) * 1000
        if i >= args.warmup:
            times.append(elapsed)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
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
        "loss": float(loss.detach()),
    }, sys.stdout)


if __name__ == "__main__":
    main()
