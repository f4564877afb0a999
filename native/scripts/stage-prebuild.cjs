'use strict';
// Copies the binary node-gyp just built (build/Release) to prebuilds/linux-x64-glibc/, where
// the packed package ships it and index.cjs finds it when no build/ directory exists (in an
// installed package). Run by this package's `build` script and again by the repository's
// scripts/pack.mjs, so a tarball always carries the binary of the last build.
const fs = require('node:fs');
const path = require('node:path');
const { PREBUILD_TAG, currentHost, unsupportedReason } = require('../platform.cjs');

const root = path.dirname(__dirname);
const FILE = 'wasmjit_native.node';
const built = path.join(root, 'build', 'Release', FILE);
const target = path.join(root, 'prebuilds', PREBUILD_TAG, FILE);

// The prebuilt must be what its directory says: refuse to label another host's build.
const reason = unsupportedReason(currentHost(true), 'prebuilt');
if (reason !== null) {
  console.error(`stage-prebuild: not staging a ${PREBUILD_TAG} prebuilt on this host: ${reason}`);
  process.exit(1);
}
if (!fs.existsSync(built)) {
  console.error(`stage-prebuild: ${built} is missing: build the add-on first (node-gyp rebuild)`);
  process.exit(1);
}
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.copyFileSync(built, target);
