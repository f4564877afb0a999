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

export async function wat(text: string): Promise<Uint8Array> {
  wabt ??= wabtInit();
  const w = await wabt;
  const m = w.parseWat('test.wat', text, FEATURES);
  try {
    return new Uint8Array(m.toBinary({}).buffer);
  } finally {
    m.destroy();
  }
}
