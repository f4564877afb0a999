// placeholder
import type { LazyCode } from '../lazy-code.js';
export function startBackgroundCompile(lazy: LazyCode): void {
  void lazy;
}
