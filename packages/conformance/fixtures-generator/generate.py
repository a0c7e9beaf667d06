#!/usr/bin/python3
"""Generate the golden fixtures of @contrastive/conformance (packages/conformance/fixtures/*.json).

Run with Debian's system interpreter, which has python3-torch (1.13):

    /usr/bin/python3 packages/conformance/fixtures-generator/generate.py [--only <loss> ...]

`--only <loss>` (repeatable; the fixture name, e.g. `hcl`) rewrites that loss's file alone, so adding or changing
one loss on a machine whose BLAS differs in the last bits leaves every other file untouched.

It is the independent reference for every loss with a page in docs/losses/: PyTorch float64, written from the
papers and the "Exact definition" section of each page (never from the TypeScript sources), gradients by float64
autograd of `loss.sum()`. The origin document's `contrastive_loss` and `info_nce_loss` run exactly as written
wherever they are finite (cases tagged `origin`), and are asserted to agree with the stable forms. Inputs are
float32 values from a fixed seed, widened to float64. The output is deterministic; fixtures are never edited by hand.
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import glob  # noqa: E402
import importlib  # noqa: E402

import torch  # noqa: E402

from fixture_builder import InputRng, LossSpec, write_fixture_files  # noqa: E402
from loss_specs import SPECS as LISTED_SPECS  # noqa: E402

SEED = 20261128
MAX_FILE_BYTES = 300 * 1024
HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT_DIRECTORY = os.path.join(HERE, '..', 'fixtures')


def discover():
    """Every loss spec and its case list, found by convention, so that no list here names a loss: the specs of
    loss_specs.SPECS plus any module-level LossSpec of a `cases_*.py` module (a loss may live in one such file:
    reference, spec and cases), and for the loss `kebab-name` the function `kebab_name_cases` of a `cases_*.py`
    module."""
    specs = list(LISTED_SPECS)
    cases = {}
    for path in sorted(glob.glob(os.path.join(HERE, 'cases_*.py'))):
        module = importlib.import_module(os.path.basename(path)[:-3])
        specs += [value for value in vars(module).values() if isinstance(value, LossSpec) and value not in specs]
        for name, value in vars(module).items():
            if name.endswith('_cases') and callable(value) and getattr(value, '__module__', None) == module.__name__:
                cases[name[:-len('_cases')].replace('_', '-')] = value
    names = [spec.name for spec in specs]
    assert len(set(names)) == len(names), f'a loss spec is declared twice: {names}'
    missing = [name for name in names if name not in cases]
    assert not missing, f'no case list for {missing}: define <snake_name>_cases(spec, rng) in a cases_*.py module'
    return specs, cases


SPECS, CASES = discover()


def selected_specs(argv):
    """The loss specs to write: all of them, or those named by `--only` (an unknown name is an error)."""
    parser = argparse.ArgumentParser(description='Write the golden fixtures (packages/conformance/fixtures).')
    parser.add_argument('--only', action='append', metavar='LOSS', choices=[spec.name for spec in SPECS],
                        help='write only this loss\'s fixture file (repeatable); default: every loss')
    only = parser.parse_args(argv).only
    return [spec for spec in SPECS if only is None or spec.name in only]


def main(argv=None):
    specs = selected_specs(argv)
    torch.set_num_threads(1)  # deterministic reductions, and a small footprint on shared machines
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUTPUT_DIRECTORY, exist_ok=True)
    total_bytes = 0
    total_cases = 0
    for spec in specs:
        cases = CASES[spec.name](spec, InputRng(SEED, spec.name))
        written = write_fixture_files(OUTPUT_DIRECTORY, spec.name, SEED, torch.__version__, cases, MAX_FILE_BYTES)
        size = sum(part_bytes for _, part_bytes, _ in written)
        origin = sum(1 for case in cases if 'origin' in case['tags'])
        adversarial = sum(1 for case in cases if 'adversarial' in case['tags'])
        for name, part_bytes, count in written:
            print(f'{name:28} {count:3} cases ({adversarial:2} adversarial, {origin:2} origin in the loss) '
                  f'{part_bytes / 1024:7.1f} KiB')
        total_bytes += size
        total_cases += len(cases)
    print(f'{"total":28} {total_cases:3} cases {total_bytes / 1024:26.1f} KiB')


if __name__ == '__main__':
    main()
