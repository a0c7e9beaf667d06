import { ContrastiveInputError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { createDemoBackend } from './backends.js';
import { defaultDemoOptions, parseDemoArgs } from './cli.js';

const errorOf = (fn: () => unknown): ContrastiveInputError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContrastiveInputError) return error;
    throw error;
  }
  throw new Error('expected a ContrastiveInputError');
};

describe('parseDemoArgs', () => {
  it('returns the defaults with no arguments', () => {
    expect(parseDemoArgs([], '/somewhere')).toEqual({ ...defaultDemoOptions, help: false });
  });

  it('reads every option and resolves --out against the given working directory', () => {
    const argv = ['--backend', 'reference', '--loss', 'dcl', '--epochs', '3', '--batch-size', '64', '--temperature', '0.1', '--learning-rate', '0.01', '--out', 'r/report.html', '--seed', '9'];
    expect(parseDemoArgs(argv, '/work/here')).toEqual({
      backend: 'reference', loss: 'dcl', epochs: 3, batchSize: 64, temperature: 0.1, learningRate: 0.01, out: '/work/here/r/report.html', seed: 9, help: false,
    });
  });

  it.each([
    [['--epochs', '0'], '--epochs', 'an integer >= 1'],
    [['--epochs', '2.5'], '--epochs', 'an integer >= 1'],
    [['--batch-size', '1'], '--batch-size', 'an integer >= 2'],
    [['--temperature=-1'], '--temperature', 'a finite number > 0'],
    [['--temperature', '0'], '--temperature', 'a finite number > 0'],
    [['--temperature', 'abc'], '--temperature', 'a finite number > 0'],
    [['--loss', 'sup-con'], '--loss', 'one of nt-xent, info-nce, dcl, contrastive-loss'],
    [['--frobnicate'], 'arguments', 'options among'],
    [['--backend', 'tfjs-wasm'], '--backend', 'one of reference'],
  ])('rejects %j naming %s', (argv, argument, expected) => {
    const error = errorOf(() => parseDemoArgs(argv));
    expect(error.argument).toBe(argument);
    expect(error.expected).toContain(expected);
  });

  it('rejects an unknown backend, listing the available ones', async () => {
    await expect(createDemoBackend('tfjs-wasm')).rejects.toThrow('--backend: expected one of reference, got "tfjs-wasm"');
    expect((await createDemoBackend('reference')).name).toBe('reference');
  });
});
