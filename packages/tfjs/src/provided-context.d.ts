import type { FixtureFile } from '@contrastive/conformance';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The conformance fixture files, read by vitest.browser.config.ts in Node (pages cannot list directories). */
    conformanceFixtures: FixtureFile[];
  }
}
