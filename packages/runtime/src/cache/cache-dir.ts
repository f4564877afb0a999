// Where the code cache lives by default: where other tools on Linux put theirs, following
// the XDG Base Directory specification ($XDG_CACHE_HOME, else ~/.cache), in a directory
// of wasmjit's own.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** $XDG_CACHE_HOME/wasmjit when that is an absolute path (the spec ignores a relative one), else ~/.cache/wasmjit. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && xdg !== '' && isAbsolute(xdg)) return join(xdg, 'wasmjit');
  return join(homedir(), '.cache', 'wasmjit');
}
