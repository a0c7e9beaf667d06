/** What a result depends on: the machine, its load, and the versions of every engine. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly totalMemoryBytes: number;
  readonly platform: string;
  readonly node: string;
  readonly loadAverageAtStart: readonly number[];
  readonly versions: Readonly<Record<string, string>>;
  /** Where `libblas.so.3` points (the BLAS Debian's python3-torch uses). */
  readonly blas: string;
}

/** A dependency's version from its package.json (found next to the bench's node_modules link). */
function packageVersion(name: string): string {
  try {
    const path = fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url));
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The active `libblas.so.3` alternative, e.g. `/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3`. */
export function activeBlas(): string {
  try {
    const text = execFileSync('update-alternatives', ['--display', 'libblas.so.3-x86_64-linux-gnu'], { encoding: 'utf8' });
    return text.match(/link currently points to (\S+)/)?.[1] ?? 'unknown';
  } catch {
    return 'unknown (update-alternatives failed)';
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cpuCount: os.cpus().length,
    totalMemoryBytes: os.totalmem(),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg(),
    versions: {
      '@tensorflow/tfjs-core': packageVersion('@tensorflow/tfjs-core'),
      '@tensorflow/tfjs-backend-wasm': packageVersion('@tensorflow/tfjs-backend-wasm'),
      'onnxruntime-node': packageVersion('onnxruntime-node'),
      'onnxruntime-web': packageVersion('onnxruntime-web'),
    },
    blas: activeBlas(),
  };
}
