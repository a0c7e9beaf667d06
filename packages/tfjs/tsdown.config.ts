import { defineConfig } from 'tsdown';
import { sharedConfig } from '../../tsdown.base.ts';

export default defineConfig(sharedConfig);
