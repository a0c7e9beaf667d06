/**
 * Build-time loader: Markdown written by other parts of the repository, rendered to HTML for the pages that
 * include it when it exists — the packages' READMEs (backend pages) and the benchmark tables in
 * apps/bench/results/ (benchmarks page). Missing files are simply absent from the result, and pages say how to
 * produce them.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMarkdownRenderer, defineLoader } from 'vitepress';

export interface IncludedMarkdown {
  /** Rendered HTML by repository path, e.g. `packages/tfjs/README.md`. */
  readonly files: Readonly<Record<string, string>>;
}

declare const data: IncludedMarkdown;
export { data };

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

export default defineLoader({
  watch: ['../../../packages/*/README.md', '../../../apps/bench/results/*.md'],
  async load(watchedFiles: string[]): Promise<IncludedMarkdown> {
    const markdown = await createMarkdownRenderer(fileURLToPath(new URL('../../', import.meta.url)));
    const files: Record<string, string> = {};
    for (const file of [...watchedFiles].sort()) {
      const path = relative(repositoryRoot, file).split('\\').join('/');
      // Headings are demoted one level so an included README sits under the page's own title.
      const source = readFileSync(file, 'utf8').replace(/^(#{1,5}) /gm, '#$1 ');
      files[path] = markdown.render(source);
    }
    return { files };
  },
});
