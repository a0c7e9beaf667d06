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
});
