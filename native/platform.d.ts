// Types of platform.cjs: which hosts the add-on runs on.

export interface Host {
  platform: string;
  arch: string;
  /** process.versions.node */
  node: string;
  /** The running glibc's version, or undefined when the C library is not glibc (musl). */
  glibc: string | undefined;
}

export type BinaryKind = 'prebuilt' | 'source';

export declare const MIN_NODE: string;
export declare const MIN_GLIBC: string;
export declare const PREBUILD_TAG: string;
export declare function versionAtLeast(have: string, want: string): boolean;
/** Why the add-on cannot run on `host`, or null when it can. */
export declare function unsupportedReason(host: Host, binary: BinaryKind): string | null;
/** This process's facts; `glibc` is only read when `withLibc` (it costs a few ms). */
export declare function currentHost(withLibc: boolean): Host;
export declare function unsupportedError(reason: string): Error & { code: 'ERR_WASMJIT_UNSUPPORTED_PLATFORM' };
