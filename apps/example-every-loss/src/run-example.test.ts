import { createReferenceBackend, losses } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { runExample } from './run-example.js';

describe('every-loss example', () => {
  it('prints a finite loss and gradients for every loss in the registry', async () => {
    const lines = await runExample(createReferenceBackend());
    for (const name of Object.keys(losses)) expect(lines.some((line) => line.startsWith(`${name} `))).toBe(true);
    const numbers = lines.join('\n').match(/-?\d+\.\d+(e[-+]\d+)?|NaN|Infinity/g) ?? [];
    expect(numbers.length).toBeGreaterThan(50);
    expect(numbers.filter((n) => n === 'NaN' || n === 'Infinity')).toEqual([]);
  });

  it('says under every negative loss value why it may be negative', async () => {
    const lines = await runExample(createReferenceBackend());
    const negative = lines.flatMap((line, i) => (/^ {2}loss = -/.test(line) ? [lines[i - 1]!.split(' ')[0]!] : []));
    // On this example the decoupled losses (positive left out of the denominator) and uniformity are below 0.
    expect(negative).toEqual(expect.arrayContaining(['contrastiveLoss', 'dcl', 'uniformity']));
    for (const name of negative) {
      const at = lines.findIndex((line) => line.startsWith(`${name} `));
      expect(lines[at + 2], `${name} is negative without a note`).toMatch(/^ {4}\(/);
    }
    for (const name of ['contrastiveLoss', 'dcl']) {
      const at = lines.findIndex((line) => line.startsWith(`${name} `));
      expect(lines[at + 2]).toMatch(/^ {4}\(below 0 is expected: .*positive out of the denominator/);
    }
  });
});
