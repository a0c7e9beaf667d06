/**
 * Every loss of core's registry has its docs page and its sidebar entry: the sidebar is built from the pages in
 * losses/ (see .vitepress/config.ts), so a registry loss without a page fails here, and no hand-kept list of losses
 * can drift from the registry. Each page states the loss's exact definition (architecture/loss-definitions.md holds
 * only what all losses share).
 */
import { losses } from '@contrastive/core';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import config from '../.vitepress/config.ts';

type SidebarItem = { text?: string; link?: string; items?: SidebarItem[] };

function sidebarLinks(items: readonly SidebarItem[]): string[] {
  return items.flatMap((item) => [...(item.link ? [item.link] : []), ...sidebarLinks(item.items ?? [])]);
}

const sidebar = (config.themeConfig?.sidebar as Record<string, SidebarItem[]>)['/']!;
const configSource = readFileSync(new URL('../.vitepress/config.ts', import.meta.url), 'utf8');

describe('loss pages', () => {
  it.each(Object.values(losses).map((loss) => loss.name))('%s has a docs page and a sidebar entry', (name) => {
    expect(existsSync(new URL(`../losses/${name}.md`, import.meta.url)), `docs/losses/${name}.md`).toBe(true);
    expect(sidebarLinks(sidebar)).toContain(`/losses/${name}`);
  });

  it.each(Object.values(losses).map((loss) => loss.name))('%s states its exact definition on its page', (name) => {
    const page = readFileSync(new URL(`../losses/${name}.md`, import.meta.url), 'utf8');
    expect(page, `docs/losses/${name}.md: a "## Exact definition" section (see adding-a-loss.md)`).toMatch(/^## Exact definition$/m);
  });

  it('the sidebar names no loss by hand (it lists the pages in losses/)', () => {
    for (const loss of Object.values(losses)) expect(configSource).not.toContain(`'${loss.name}'`);
  });
});
