import { defineConfig } from 'tsdown';
import { sharedConfig } from '../../tsdown.base.ts';

/**
 * The public types name WebGPU's globals (`GPUDevice`, `GPUBuffer`, ...), which TypeScript's libs do not declare:
 * the declaration files reference `@webgpu/types` (a dependency) so that they compile in a user's project too.
 */
export default defineConfig({ ...sharedConfig, banner: { dts: '/// <reference types="@webgpu/types" />' } });
