/**
 * Where the site links to the repository: the `repository` URL of packages/core/package.json (the packages all
 * name the same one), as a plain https URL, and the version shown in the navigation.
 */
import { readFileSync } from 'node:fs';

interface PackageJson {
  readonly version: string;
  readonly repository?: string | { readonly url: string };
}

const core = JSON.parse(readFileSync(new URL('../../packages/core/package.json', import.meta.url), 'utf8')) as PackageJson;
const declared = typeof core.repository === 'string' ? core.repository : core.repository?.url;

/** e.g. `https://github.com/contrastive/contrastive` (from `git+https://github.com/contrastive/contrastive.git`). */
export const repositoryUrl = declared
  ? declared.replace(/^git\+/, '').replace(/^git:\/\//, 'https://').replace(/\.git$/, '')
  : 'https://github.com/contrastive-js/contrastive';

/** The branch the site's repository links point at. */
export const repositoryBranch = 'main';

/** The version of `@contrastive/core`, shown in the navigation. */
export const coreVersion = core.version;

/** A link to a file or folder of the repository (a path from its root, e.g. `packages/conformance/FIXTURES.md`). */
export function repositoryBlobUrl(path: string): string {
  return `${repositoryUrl}/blob/${repositoryBranch}/${path.split('/').map(encodeURIComponent).join('/')}`;
}
