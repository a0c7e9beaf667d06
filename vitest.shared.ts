/**
 * Shared vitest settings: tests run from TypeScript sources through the `@contrastive/source` export condition.
 * Node tests run in Vite's server (ssr) environment, which has its own resolver conditions: both must list the
 * source condition, or a package imported by name resolves to its (possibly stale) dist/. The other entries are
 * Vite's defaults for each environment.
 */
export const sourceConditions = ['@contrastive/source'];
export const serverConditions = [...sourceConditions, 'module', 'node', 'development|production'];
export const browserConditions = [...sourceConditions, 'module', 'browser', 'development|production'];

/** `resolve` and `ssr` settings for a Node test project. */
export const nodeSourceResolution = {
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: serverConditions } },
};
