/**
 * Launches Debian's Chromium (never a downloaded browser) headless with the flags that keep WebGL and WebGPU on
 * SwiftShader working (see shared ENVIRONMENT.md). `CHROMIUM_PATH` overrides the executable.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright';
import { chromiumArgs, chromiumPath } from '../../../vitest.shared.ts';

export { chromiumArgs, chromiumPath };

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: run scripts/setup-system.sh (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}
