#!/usr/bin/python3
"""Generate the golden fixtures of @contrastive/conformance (packages/conformance/fixtures/*.json).

Run with Debian's system interpreter, which has python3-torch (1.13):

    /usr/bin/python3 packages/conformance/fixtures-generator/generate.py

It is the independent reference for every loss in docs/architecture/loss-definitions.md: PyTorch float64,
written from the papers and that contract (never from the TypeScript sources), gradients by float64 autograd of
`loss.sum()`. The origin document's `contrastive_loss` and `info_nce_loss` run exactly as written wherever they
are finite (cases tagged `origin`), and are asserted to agree with the stable forms. Inputs are float32 values
from a fixed seed, widened to float64. The output is deterministic; fixtures are never edited by hand.
"""

import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from cases_hard_negatives import hcl_cases  # noqa: E402
from cases_metrics import alignment_cases, top_k_accuracy_cases, triplet_margin_cases, uniformity_cases  # noqa
from cases_pairwise import (clip_cases, contrastive_loss_cases, dcl_cases, info_nce_cases,  # noqa: E402
                            nt_xent_cases, sig_lip_cases)
from cases_views import simclr_info_nce_cases, simclr_info_nce_logits_cases, sup_con_cases  # noqa: E402
from fixture_builder import InputRng, write_fixture_file  # noqa: E402
from loss_specs import SPECS  # noqa: E402

SEED = 20261128
MAX_FILE_BYTES = 300 * 1024
OUTPUT_DIRECTORY = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures')

CASES = {
    'contrastive-loss': contrastive_loss_cases,
    'simclr-info-nce': simclr_info_nce_cases,
    'simclr-info-nce-logits': simclr_info_nce_logits_cases,
    'nt-xent': nt_xent_cases,
    'info-nce': info_nce_cases,
    'sup-con': sup_con_cases,
    'clip': clip_cases,
    'dcl': dcl_cases,
    'sig-lip': sig_lip_cases,
    'triplet-margin': triplet_margin_cases,
    'hcl': hcl_cases,
    'alignment': alignment_cases,
    'uniformity': uniformity_cases,
    'top-k-accuracy': top_k_accuracy_cases,
}


def main():
    torch.set_num_threads(1)  # deterministic reductions, and a small footprint on shared machines
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUTPUT_DIRECTORY, exist_ok=True)
    assert [spec.name for spec in SPECS] == list(CASES), 'one case list per loss spec, same order'
    total_bytes = 0
    total_cases = 0
    for spec in SPECS:
        cases = CASES[spec.name](spec, InputRng(SEED, spec.name))
        path = os.path.join(OUTPUT_DIRECTORY, f'{spec.name}.json')
        size = write_fixture_file(path, spec.name, SEED, torch.__version__, cases)
        assert size <= MAX_FILE_BYTES, f'{spec.name}: {size} bytes is over the {MAX_FILE_BYTES} byte budget'
        origin = sum(1 for case in cases if 'origin' in case['tags'])
        adversarial = sum(1 for case in cases if 'adversarial' in case['tags'])
        print(f'{spec.name + ".json":28} {len(cases):3} cases ({adversarial:2} adversarial, {origin:2} origin) '
              f'{size / 1024:7.1f} KiB')
        total_bytes += size
        total_cases += len(cases)
    print(f'{"total":28} {total_cases:3} cases {total_bytes / 1024:26.1f} KiB')


if __name__ == '__main__':
    main()
