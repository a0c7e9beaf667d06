import { checkFixtureFile, describeConformance } from '@contrastive/conformance';
import { commands } from 'vitest/browser';
import { createWebGpuBackend } from './index.js';

declare module 'vitest/browser' {
  interface BrowserCommands {
    readConformanceFixtures: () => Promise<Array<{ name: string; text: string }>>;
  }
}

// The shared conformance suite in headless Chromium's WebGPU (SwiftShader), fixtures read through a vitest command.
const fixtures = (await commands.readConformanceFixtures()).map(({ name, text }) => checkFixtureFile(JSON.parse(text), name));

describeConformance('webgpu (chromium)', () => createWebGpuBackend(), { fixtures, expectedFailures: [] });
