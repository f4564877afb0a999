'use strict';
// Loads the add-on and hands it wasmjit's C API table (see docs/native-api.md).
const addon = require('./build/Release/sample_addon.node');

/** Gives the add-on the table; call once per thread, with require('@wasmjit/runtime').nativeApi(). */
function init(nativeApi) {
  addon.init(nativeApi);
  return addon;
}

module.exports = { init, addon };
