/**
 * Build-time loader: Markdown written by other parts of the repository, rendered to HTML for the pages that
 * include it when it exists — the packages' READMEs (backend pages, whole) and the benchmark results in
 * apps/bench/results/ (benchmarks page, by `## ` section, without the section's heading: the page writes its own).
 * Missing files and sections are simply absent from the result, and pages say how to produce them.
 */
import { readFileSync } from 'node:fs';
import { posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMarkdownRenderer, defineLoader } from 'vitepress';
import { repositoryBlobUrl } from '../repository.ts';

export interface IncludedMarkdown {
  /** Rendered HTML by repository path, e.g. `packages/tfjs/README.md`. */
  readonly files: Readonly<Record<string, string>>;
  /**
   * Rendered HTML of each `## ` section of the benchmark results, by `<path>#<heading>`, e.g.
   * `apps/bench/results/latest.md#Every row`; `<path>#` is the text before the first section. Headings lose any
   * parenthesised suffix (`## Targets (issue 7)` is `Targets`).
   */
  readonly sections: Readonly<Record<string, string>>;
}

declare const data: IncludedMarkdown;
export { data };

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * A relative link in an included file points next to that file in the repository, not next to the page that
 * includes it: links to a page of this site (`docs/<page>.md`) become site links, every other relative link becomes
 * a link to the file on GitHub (the site does not publish repository files). Absolute URLs and anchors stay.
 */
export function rewriteRelativeLinks(source: string, path: string): string {
  const directory = posix.dirname(path);
  const target = (href: string): string => {
    if (/^([a-z][a-z0-9+.-]*:|#|\/)/i.test(href)) return href;
    const [file = '', hash] = href.split('#', 2);
    const resolved = posix.normalize(posix.join(directory, file));
    const page = /^docs\/(.+)\.md$/.exec(resolved);
    if (page) return `/${page[1]!.replace(/(^|\/)index$/, '$1')}${hash ? `#${hash}` : ''}`;
    return repositoryBlobUrl(resolved) + (hash ? `#${hash}` : '');
  };
  return source
    .replace(/(\]\()([^)\s]+)((?:\s+"[^"]*")?\))/g, (_, open: string, href: string, close: string) => open + target(href) + close)
    .replace(/^(\[[^\]]+\]:\s*)(\S+)/gm, (_, label: string, href: string) => label + target(href));
}

/** Demotes every ATX heading one level, leaving lines inside fenced code (shell comments) alone. */
export function demoteHeadings(source: string): string {
  let fence: string | undefined;
  return source
    .split('\n')
    .map((line) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (marker && (fence === undefined || marker.startsWith(fence))) fence = fence === undefined ? marker : undefined;
      else if (fence === undefined) return line.replace(/^(#{1,5}) /, '#$1 ');
      return line;
    })
    .join('\n');
}

/** `## ` sections of a results file (the `# ` title dropped), headings without a trailing `(...)`. */
export function splitSections(source: string): [string, string][] {
  const sections: [string, string][] = [['', '']];
  for (const line of source.split('\n')) {
    const heading = /^## (.*?)(?:\s*\([^)]*\))?\s*$/.exec(line);
    if (heading) sections.push([heading[1]!, '']);
    else if (!/^# /.test(line)) sections[sections.length - 1]![1] += `${line}\n`;
  }
  return sections;
}

export default defineLoader({
  watch: ['../../../packages/*/README.md', '../../../apps/bench/results/*.md'],
  async load(watchedFiles: string[]): Promise<IncludedMarkdown> {
    const markdown = await createMarkdownRenderer(fileURLToPath(new URL('../../', import.meta.url)));
    const files: Record<string, string> = {};
    const sections: Record<string, string> = {};
    for (const file of [...watchedFiles].sort()) {
      const path = relative(repositoryRoot, file).split('\\').join('/');
      if (path.startsWith('apps/bench/results/')) {
        for (const [heading, body] of splitSections(readFileSync(file, 'utf8'))) {
          sections[`${path}#${heading}`] = markdown.render(rewriteRelativeLinks(body, path));
        }
        continue;
      }
      // Headings are demoted one level so an included README sits under the page's own title.
      const source = demoteHeadings(rewriteRelativeLinks(readFileSync(file, 'utf8'), path));
      files[path] = markdown.render(source);
    }
    return { files, sections };
  },
});
