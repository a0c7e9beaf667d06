import { describe, expect, it } from 'vitest';
import { handMadeNtXent, writeFixtureDirectory } from '../test/hand-made-fixtures.js';
import { checkFixtureFile, loadFixtures } from './load-fixtures.js';

describe('loadFixtures', () => {
  it('reads every JSON file of a directory, sorted by name, and ignores other files', async () => {
    const file = handMadeNtXent();
    const directory = writeFixtureDirectory({ 'nt-xent.json': file, 'notes.txt': 'not a fixture' });
    const files = await loadFixtures(directory);
    expect(files.map((f) => f.loss)).toEqual(['nt-xent']);
    expect(files[0]!.cases.map((c) => c.id)).toEqual(['nt-xent/hand-made-n3-d3']);
  });

  it('reads a loss split over parts (nt-xent.json, nt-xent.2.json) and rejects an id repeated across them', async () => {
    const file = handMadeNtXent();
    const second = { ...file, cases: file.cases.map((c) => ({ ...c, id: `${c.id}-part-2` })) };
    const files = await loadFixtures(writeFixtureDirectory({ 'nt-xent.json': file, 'nt-xent.2.json': second }));
    expect(files.map((f) => f.cases[0]!.id)).toEqual(['nt-xent/hand-made-n3-d3-part-2', 'nt-xent/hand-made-n3-d3']);
    await expect(loadFixtures(writeFixtureDirectory({ 'nt-xent.json': file, 'nt-xent.2.json': file }))).rejects.toThrow(
      /nt-xent\.json: case id "nt-xent\/hand-made-n3-d3" also appears in nt-xent\.2\.json/,
    );
  });

  it('rejects a missing directory', async () => {
    await expect(loadFixtures('/nonexistent/contrastive-fixtures')).rejects.toThrow(/ENOENT/);
  });
});

describe('checkFixtureFile', () => {
  const valid = handMadeNtXent();
  const firstCase = valid.cases[0]!;

  it('accepts a well-formed file', () => {
    expect(checkFixtureFile(valid, 'nt-xent.json')).toBe(valid);
  });
  it('rejects another format tag', () => {
    expect(() => checkFixtureFile({ ...valid, format: 'v0' }, 'nt-xent.json')).toThrow(/format is "v0"/);
  });
  it('rejects a loss name that does not match the file name', () => {
    expect(() => checkFixtureFile(valid, 'clip.json')).toThrow(/loss "nt-xent" does not match the file name/);
  });
  it('accepts a further part (<loss>.<k>.json, k from 2) and rejects other suffixes', () => {
    for (const name of ['nt-xent.2.json', 'nt-xent.12.json', 'fixtures/nt-xent.3.json']) expect(checkFixtureFile(valid, name)).toBe(valid);
    for (const name of ['nt-xent.1.json', 'nt-xent.02.json', 'nt-xent.b.json', 'nt-xent..json', 'my-nt-xent.json', 'clip.2.json']) {
      expect(() => checkFixtureFile(valid, name), name).toThrow(/does not match the file name/);
    }
  });
  it('rejects duplicate case ids', () => {
    expect(() => checkFixtureFile({ ...valid, cases: [firstCase, firstCase] }, 'nt-xent.json')).toThrow(/appears twice/);
  });
  it('rejects a tensor whose values do not fill its shape', () => {
    const broken = { ...firstCase, inputs: { ...firstCase.inputs, anchors: { shape: [3, 3], values: [1, 2] } } };
    expect(() => checkFixtureFile({ ...valid, cases: [broken] }, 'nt-xent.json')).toThrow(/inputs.anchors has 2 values for shape \[3, 3\]/);
  });
  it('rejects a malformed expected gradient', () => {
    const broken = { ...firstCase, expected: { ...firstCase.expected, gradients: { anchors: { shape: [3] } } } };
    expect(() => checkFixtureFile({ ...valid, cases: [broken] }, 'nt-xent.json')).toThrow(/gradients.anchors is not/);
  });
});
