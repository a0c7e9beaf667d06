/** Shared vitest settings: tests run from TypeScript sources through the `@contrastive/source` export condition. */
export const sourceConditions = ['@contrastive/source'];
