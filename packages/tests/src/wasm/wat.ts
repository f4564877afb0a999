// Text → binary for tests, through wabt.js (which validates nothing unless asked).

import wabtInit from 'wabt';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Promise<Wabt> | undefined;

const FEATURES = {
  mutable_globals: true,
  sat_float_to_int: true,
  sign_extension: true,
  multi_value: true,
  bulk_memory: true,
  reference_types: true,
  extended_const: true,
};

export function loadWabt(): Promise<Wabt> {
  wabt ??= wabtInit();
  return wabt;
}

/** Encodes a text module; with debugNames, wabt also writes a name section. */
export async function wat(text: string, debugNames = false): Promise<Uint8Array> {
  const w = await loadWabt();
  const m = w.parseWat('test.wat', text, FEATURES);
  try {
    return new Uint8Array(m.toBinary({ write_debug_names: debugNames }).buffer);
  } finally {
    m.destroy();
  }
}

/** wabt's own verdict on a binary module: undefined if valid, else its error text. */
export async function wabtValidate(bytes: Uint8Array): Promise<string | undefined> {
  const w = await loadWabt();
  let m;
  try {
    m = w.readWasm(bytes, { readDebugNames: false, ...FEATURES });
    m.validate();
    return undefined;
  } catch (e) {
    return String((e as Error).message);
  } finally {
    m?.destroy();
  }
}
