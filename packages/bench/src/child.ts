// Parent side: run one job in a fresh node process with the given flags and read back its
// result. A crash, a signal or a timeout becomes an error message, never a hang.
import { spawn } from 'node:child_process';
import { RESULT_PREFIX, type Job } from './jobs.js';
import { WORKER } from './paths.js';

export type JobOutcome<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Every worker may collect garbage between warm-up and timing (worker-exec.ts), so the
 * garbage of compiling and warming up is not collected inside a timed repetition.
 */
const WORKER_FLAGS = ['--expose-gc'];

export function runJob<T>(flags: readonly string[], job: Job, timeoutMs: number): Promise<JobOutcome<T>> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...WORKER_FLAGS, ...flags, WORKER, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (line && code === 0) {
        resolve({ ok: true, value: JSON.parse(line.slice(RESULT_PREFIX.length)) as T });
        return;
      }
      const lastErr = errorLine(stderr);
      const why = timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s`
        : signal ? `worker killed by ${signal}` : `worker exited with code ${code}`;
      resolve({ ok: false, message: lastErr ? `${why}: ${lastErr}` : why });
    });
  });
}

/** The line of a worker's stderr that says what went wrong (node prints the error after the
 * source excerpt and before the stack). */
export function errorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.find((l) => /^[A-Za-z]*Error\b/.test(l)) ?? lines.slice(-2).join(' / ');
}
