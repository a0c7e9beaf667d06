/**
 * Link crawl of the built documentation site: starting from `/` (and every `.html` file of the build, so pages no
 * link reaches are visited too), fetches each page from the served site and checks every internal reference —
 * `<a href>` to a page (it must be served) and its `#anchor` (an element with that id must be on the target page),
 * and `href`/`src` of stylesheets, scripts, images and icons (the asset must be served). Links to this repository on
 * GitHub (`repositoryUrl`/blob|tree/main/<path>) must name a file or folder that exists in the working tree. Other
 * external links are counted, not fetched (the test machines have no network).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface BrokenLink {
  /** The page the reference is on (site path). */
  readonly page: string;
  /** The reference as written in the HTML. */
  readonly href: string;
  readonly reason: string;
}

export interface CrawlResult {
  /** Site paths of every page visited (HTML responses). */
  readonly pages: readonly string[];
  /** Internal references checked (page links, anchors and assets), counted once per page and reference. */
  readonly internalLinks: number;
  /** Links to this repository's files on GitHub, checked against the working tree. */
  readonly repositoryLinks: number;
  /** External links seen (not fetched). */
  readonly externalLinks: number;
  readonly broken: readonly BrokenLink[];
}

export interface CrawlOptions {
  /** Base URL of the served site, e.g. `http://127.0.0.1:4173`. */
  readonly site: string;
  /** The build output folder (every `.html` file in it is visited). */
  readonly distDirectory: string;
  /** The repository's GitHub URL (`https://github.com/owner/name`) and the local checkout it points at. */
  readonly repositoryUrl?: string;
  readonly repositoryRoot?: string;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", apos: "'" };
const unescapeHtml = (value: string) => value.replace(/&(amp|lt|gt|quot|#39|#x27|apos);/g, (_, name: string) => entities[name]!);

/** Every `id` on the page (and the legacy `name` anchors). */
export function anchorIds(html: string): Set<string> {
  const ids = new Set<string>();
  for (const match of html.matchAll(/\s(?:id|name)="([^"]*)"/g)) ids.add(unescapeHtml(match[1]!));
  return ids;
}

interface Reference {
  readonly value: string;
  /** A navigation link (`<a>`), as opposed to an asset the page loads. */
  readonly navigation: boolean;
}

/** `<a href>`, `<link href>`, `<img|script|source|iframe src>` of a page, outside `<code>`/`<pre>` text. */
export function references(html: string): Reference[] {
  const found: Reference[] = [];
  for (const match of html.matchAll(/<(a|link|img|script|source|iframe|image|use)\b([^>]*)>/gi)) {
    const tag = match[1]!.toLowerCase();
    const attributes = match[2]!;
    for (const attribute of attributes.matchAll(/\s(href|src|xlink:href)="([^"]*)"/gi)) {
      const value = unescapeHtml(attribute[2]!);
      if (tag === 'link' && /\srel="(?:preconnect|dns-prefetch)"/.test(attributes)) continue;
      found.push({ value, navigation: tag === 'a' });
    }
  }
  return found;
}

function htmlFiles(directory: string, root = directory): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...htmlFiles(path, root));
    else if (entry.name.endsWith('.html')) files.push(relative(root, path).split('\\').join('/'));
  }
  return files;
}

/** The site path a built `.html` file is served at with VitePress `cleanUrls`. */
export function sitePathOf(file: string): string {
  if (file === 'index.html') return '/';
  if (file.endsWith('/index.html')) return `/${file.slice(0, -'index.html'.length)}`;
  return `/${file.slice(0, -'.html'.length)}`;
}

/**
 * `fetch` that retries a request whose kept-alive socket the server closed as it was reused (ECONNRESET: the
 * server's keep-alive timeout racing the next request, seen on loaded machines), up to twice. Other errors throw.
 */
async function fetchReusingSockets(url: string): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url);
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (code !== 'ECONNRESET' || attempt >= 2) throw error;
    }
  }
}

export async function crawlSite(options: CrawlOptions): Promise<CrawlResult> {
  const origin = new URL(options.site).origin;
  const queue: string[] = ['/', ...htmlFiles(options.distDirectory).filter((f) => f !== '404.html').map(sitePathOf)];
  const visited = new Set<string>();
  const pageIds = new Map<string, Set<string> | undefined>(); // site path -> ids (undefined: not an HTML page)
  const status = new Map<string, number>();
  const broken: BrokenLink[] = [];
  const pending: { page: string; href: string; path: string; hash: string }[] = [];
  let internalLinks = 0;
  let repositoryLinks = 0;
  let externalLinks = 0;

  const load = async (path: string): Promise<number> => {
    const known = status.get(path);
    if (known !== undefined) return known;
    const response = await fetchReusingSockets(origin + path);
    status.set(path, response.status);
    const type = response.headers.get('content-type') ?? '';
    if (response.ok && type.startsWith('text/html')) {
      const html = await response.text();
      pageIds.set(path, anchorIds(html));
      if (!visited.has(path)) {
        visited.add(path);
        scan(path, html);
      }
    } else {
      await response.arrayBuffer();
      pageIds.set(path, undefined);
    }
    return response.status;
  };

  const scan = (page: string, html: string) => {
    const base = new URL(page, origin);
    const seen = new Set<string>();
    for (const { value, navigation } of references(html)) {
      if (seen.has(value)) continue;
      seen.add(value);
      if (/^(mailto|tel|javascript|data):/i.test(value)) continue;
      const url = new URL(value, base);
      if (url.origin !== origin) {
        const repository = options.repositoryUrl;
        if (repository && options.repositoryRoot && url.href.startsWith(`${repository}/`)) {
          repositoryLinks += 1;
          const rest = url.href.slice(repository.length + 1).split('#')[0]!;
          const file = /^(?:blob|tree)\/[^/]+\/(.*)$/.exec(rest);
          if (file && !existsSync(join(options.repositoryRoot, decodeURIComponent(file[1]!)))) {
            broken.push({ page, href: value, reason: `no ${file[1]} in the repository` });
          }
        } else externalLinks += 1;
        continue;
      }
      internalLinks += 1;
      const hash = navigation ? decodeURIComponent(url.hash.slice(1)) : '';
      pending.push({ page, href: value, path: url.pathname, hash });
      if (navigation) queue.push(url.pathname);
    }
  };

  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    if (!visited.has(path)) await load(path);
  }
  for (const { page, href, path, hash } of pending) {
    const code = await load(path);
    if (code !== 200) {
      broken.push({ page, href, reason: `HTTP ${code}` });
      continue;
    }
    if (hash && !pageIds.get(path)?.has(hash)) broken.push({ page, href, reason: `no id "${hash}" on ${path}` });
  }
  // Every page the build wrote was visited; make sure the dist folder itself was not empty.
  if (!statSync(options.distDirectory).isDirectory()) throw new Error(`${options.distDirectory} is not a folder`);
  return { pages: [...visited].sort(), internalLinks, repositoryLinks, externalLinks, broken };
}
