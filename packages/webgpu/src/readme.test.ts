// The `ts` examples of README.md, run the way a reader runs them: each in a plain `node` process of a scratch
// project that imports '@contrastive/webgpu', with garbage collected after every statement (Dawn aborts Node,
// exit 134, when the GPU object is collected while in use), and type-checked as a reader's project would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  finishedMarker,
  instrument,
  readme,
  runNode,
  scratchProject,
  typeCheckArgs,
  typeScriptBlocks,
  typeScriptNodeArgs,
} from '../test/readme-examples.js';

const examples = typeScriptBlocks(readme());
/** Each example runs in about 1-2 s on llvmpipe; the child is killed before vitest's 30 s test timeout. */
const runLimitMs = 25_000;
let project: ReturnType<typeof scratchProject>;
beforeAll(() => {
  project = scratchProject();
});
afterAll(() => project.remove());

describe('README examples', () => {
  it('has the browser, Node and GPU-resident examples', () => {
    expect(examples.map((example) => example.heading)).toEqual(['In a browser', 'In Node (Dawn)', 'GPU-resident buffers']);
  });

  it.each(examples.map((example, index) => [example.heading, index] as const))('runs "%s" to the end and exits with 0', async (_, index) => {
    const { source, collections } = instrument(examples[index]!.code);
    expect(collections).toBeGreaterThanOrEqual(5);
    const result = await runNode(typeScriptNodeArgs(project.write(`example-${index}.ts`, source)), project.directory, runLimitMs);
    expect({ code: result.code, signal: result.signal }, result.output).toEqual({ code: 0, signal: null });
    expect(result.output).toContain(finishedMarker);
  });

  // tsc checks core's and this package's sources too (the source condition): it states its own timeout.
  it('type-check as a reader project (strict, NodeNext)', { timeout: 120_000 }, async () => {
    examples.forEach((example, index) => project.write(`example-${index}.ts`, instrument(example.code).source));
    const result = await runNode(typeCheckArgs(), project.directory, 110_000);
    expect(result.code, result.output).toBe(0);
  });

  it('control: the same harness sees Dawn crash when nothing holds the GPU object', async () => {
    const unheld = [
      "import { create } from 'webgpu';",
      'const device = await (await create([]).requestAdapter())!.requestDevice();',
      'const buffer = device.createBuffer({ size: 16, usage: 0x08 | 0x80 });',
      'device.queue.writeBuffer(buffer, 0, new Float32Array(4));',
      'await device.queue.onSubmittedWorkDone();',
    ].join('\n');
    const result = await runNode(typeScriptNodeArgs(project.write('unheld.ts', instrument(unheld).source)), project.directory, runLimitMs);
    expect(result.output).not.toContain(finishedMarker);
    // An abort (134: a futex assertion) or a segmentation fault (139), depending on where the collection lands; on a
    // loaded machine the collected device can also leave the process hanging until the harness kills it at its limit.
    expect(['SIGABRT', 'SIGSEGV', 'SIGKILL'], result.output).toContain(result.signal);
    expect(result.code, result.output).not.toBe(0);
  });
});
