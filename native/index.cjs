'use strict';
// Loads the add-on. A binary built from source here (build/Release: `node-gyp rebuild` in
// this directory, or the repository's `pnpm build`) wins; otherwise the prebuilt one shipped
// in the package (prebuilds/linux-x64-glibc). It is a Node-API module, so one binary serves
// every Node.js version from platform.cjs's MIN_NODE on, with no rebuild.
// The add-on is context-aware: each worker_thread that requires this gets its own state.
const fs = require('node:fs');
const path = require('node:path');
const { PREBUILD_TAG, currentHost, unsupportedReason, unsupportedError } = require('./platform.cjs');

const FILE = 'wasmjit_native.node';
const fromSource = path.join(__dirname, 'build', 'Release', FILE);
const prebuilt = path.join(__dirname, 'prebuilds', PREBUILD_TAG, FILE);

const kind = fs.existsSync(fromSource) ? 'source' : 'prebuilt';
const reason = unsupportedReason(currentHost(kind === 'prebuilt'), kind);
if (reason !== null) throw unsupportedError(reason);

const binary = kind === 'source' ? fromSource : prebuilt;
if (!fs.existsSync(binary)) {
  throw new Error(
    `@wasmjit/native: the add-on binary is missing (looked for ${fromSource} and ${prebuilt}); ` +
      'reinstall the package, or build it from source (see the @wasmjit/native README)',
  );
}
module.exports = require(binary);
