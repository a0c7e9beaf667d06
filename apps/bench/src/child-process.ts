/** Runs a cell in its own Node process (or PyTorch in python3) and returns its JSON result or its failure. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resultMarker, type CellRequest } from './cell-request.js';

export type ChildOutcome = { readonly ok: true; readonly result: Record<string, unknown> } | { readonly ok: false; readonly error: string };

const benchRoot = fileURLToPath(new URL('..', import.meta.url));

/** The last meaningful line of a crash: the error message, without emscripten's one-line module source. */
export function summarizeFailure(stderr: string, code: number | null, signal: string | null): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line.length > 0 && line.length < 400 && !line.startsWith('at ') && !line.startsWith('Node.js v'));
  const message = lines.filter((line) => /error|abort|out of memory|memory access/i.test(line)).pop() ?? lines.pop() ?? '';
  const how = signal ? `killed by ${signal}` : `exit code ${code}`;
  return message ? `${message} (${how})` : how;
}

export function runProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ stdout: string; stderr: string; code: number | null; signal: string | null; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: benchRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-200_000)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, signal, timedOut });
    });
  });
}

/** One cell in a fresh `node --conditions=@contrastive/source --import tsx` process with `env` (`nodeCellEnvironment`). */
export async function runCellProcess(request: CellRequest, timeoutMs: number, env: NodeJS.ProcessEnv): Promise<ChildOutcome> {
  const args = ['--conditions=@contrastive/source', '--import', 'tsx', 'src/run-cell.ts', JSON.stringify(request)];
  const out = await runProcess(process.execPath, args, env, timeoutMs);
  if (out.timedOut) return { ok: false, error: `timed out after ${(timeoutMs / 1000).toFixed(0)} s` };
  const line = out.stdout.split('\n').find((l) => l.startsWith(resultMarker));
  if (out.code === 0 && line) return { ok: true, result: JSON.parse(line.slice(resultMarker.length)) as Record<string, unknown> };
  return { ok: false, error: summarizeFailure(out.stderr, out.code, out.signal) };
}

/** Whether `/usr/bin/python3 -c "import torch"` works, with the reason when it does not. */
export async function pytorchAvailable(): Promise<{ available: boolean; detail: string }> {
  try {
    const out = await runProcess('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], process.env, 60_000);
    return out.code === 0 ? { available: true, detail: out.stdout.trim() } : { available: false, detail: summarizeFailure(out.stderr, out.code, out.signal) };
  } catch (error) {
    return { available: false, detail: (error as Error).message };
  }
}
