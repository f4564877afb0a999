'use strict';
// Which hosts the wasmjit add-on runs on, decided before its binary is loaded, so that an
// unsupported host gets one clear Error instead of a failed dlopen (or a glibc binary half
// working under musl). The decision is a pure function of the host's facts so it can be
// tested for hosts we cannot run on.

/**
 * The oldest Node.js whose Node-API runs an add-on's finalizers synchronously from the GC
 * when it is built with NAPI_EXPERIMENTAL (node_api_post_finalizer arrived with that change
 * in v20.10.0): native/src/memory.c relies on it to unmap memory inside synchronous loops.
 */
const MIN_NODE = '20.10.0';

/**
 * The newest glibc symbol version the prebuilt binary needs (GLIBC_2.34: pthread functions
 * moved into libc.so.6). packages/tests/src/pack/prebuilt.test.ts reads the binary's
 * version needs and fails when this stops matching them.
 */
const MIN_GLIBC = '2.34';

/** The prebuilt's directory under prebuilds/: the one platform wasmjit supports. */
const PREBUILD_TAG = 'linux-x64-glibc';

const BUILD_FROM_SOURCE = 'see "Building from source" in the @wasmjit/native README';

/** true when dotted version `have` is `want` or later (missing parts count as 0). */
function versionAtLeast(have, want) {
  const a = String(have).replace(/^v/, '').split('.').map((s) => parseInt(s, 10) || 0);
  const b = String(want).split('.').map((s) => parseInt(s, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/**
 * Why the add-on cannot run on `host`, or null when it can.
 *   host.platform, host.arch: process.platform and process.arch
 *   host.node:  process.versions.node
 *   host.glibc: the running glibc's version ('2.36'), or undefined when the C library is not
 *               glibc (musl); only read for the prebuilt binary
 *   binary:     'prebuilt' (shipped, linked against glibc) or 'source' (built on this host)
 */
function unsupportedReason(host, binary) {
  const where = `${host.platform}-${host.arch}`;
  if (host.platform !== 'linux' || host.arch !== 'x64') {
    return `wasmjit runs only on Linux x64 (it emits x86-64 machine code and relies on Linux ` +
      `signals and memory mappings); this host is ${where}`;
  }
  if (!versionAtLeast(host.node, MIN_NODE)) {
    return `wasmjit needs Node.js ${MIN_NODE} or later; this is Node.js ${host.node}`;
  }
  if (binary !== 'prebuilt') return null;
  if (host.glibc === undefined) {
    return `the prebuilt wasmjit add-on (${PREBUILD_TAG}) needs glibc, and this Linux uses ` +
      `another C library (musl, as on Alpine): ${BUILD_FROM_SOURCE}`;
  }
  if (!versionAtLeast(host.glibc, MIN_GLIBC)) {
    return `the prebuilt wasmjit add-on (${PREBUILD_TAG}) needs glibc ${MIN_GLIBC} or later; ` +
      `this system has glibc ${host.glibc}: ${BUILD_FROM_SOURCE}`;
  }
  return null;
}

/**
 * This process's host facts. The glibc version comes from the diagnostic report's header
 * (undefined under musl); it costs a few milliseconds, so it is only read when asked for.
 */
function currentHost(withLibc) {
  const host = { platform: process.platform, arch: process.arch, node: process.versions.node, glibc: undefined };
  if (withLibc && process.platform === 'linux') {
    const header = process.report && process.report.getReport().header;
    host.glibc = header ? header.glibcVersionRuntime : undefined;
  }
  return host;
}

/** An Error for an unsupported host; `code` lets callers tell it from other load failures. */
function unsupportedError(reason) {
  const e = new Error(`@wasmjit/native: ${reason}`);
  e.code = 'ERR_WASMJIT_UNSUPPORTED_PLATFORM';
  return e;
}

exports.MIN_NODE = MIN_NODE;
exports.MIN_GLIBC = MIN_GLIBC;
exports.PREBUILD_TAG = PREBUILD_TAG;
exports.versionAtLeast = versionAtLeast;
exports.unsupportedReason = unsupportedReason;
exports.currentHost = currentHost;
exports.unsupportedError = unsupportedError;
