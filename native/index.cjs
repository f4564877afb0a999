'use strict';
// Loads the compiled add-on (`npx node-gyp rebuild` in this directory builds it).
// The add-on is context-aware: each worker_thread that requires this gets its own state.
const path = require('node:path');

module.exports = require(path.join(__dirname, 'build', 'Release', 'wasmjit_native.node'));
