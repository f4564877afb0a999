// The spec's assert_trap / assert_exhaustion messages → the trap codes RuntimeError#trap
// reports.
//
// The reference interpreter checks that its message *starts with* the expected text (e.g.
// "uninitialized element 2"), so messages match by prefix. Some messages cover more than one
// engine-level cause: memory.init / table.init report plain "out of bounds ... access" whether
// the memory/table or the segment side is out of range, so the segment code is accepted too.

const TRAP_CODES: [prefix: string, codes: string[]][] = [
  ['unreachable', ['unreachable']],
  ['integer divide by zero', ['integer_divide_by_zero']],
  ['integer overflow', ['integer_overflow']],
  ['invalid conversion to integer', ['bad_conversion_to_integer']],
  ['out of bounds memory access', ['out_of_bounds_memory', 'out_of_bounds_data_or_elem']],
  ['out of bounds table access', ['out_of_bounds_table', 'out_of_bounds_data_or_elem']],
  // call_indirect with an index past the end of the table.
  ['undefined element', ['out_of_bounds_table']],
  // call_indirect through a null table entry.
  ['uninitialized element', ['indirect_call_to_null', 'uninitialized_element']],
  ['indirect call type mismatch', ['bad_signature']],
  ['call stack exhausted', ['stack_overflow']],
  ['null reference', ['null_reference']],
  ['null function reference', ['null_reference']],
  // The threads proposal's atomics.
  ['unaligned atomic', ['unaligned_atomic']],
  ['expected shared memory', ['expected_shared_memory']],
];

/** Acceptable trap codes for an expected message, or undefined if unknown. */
export function trapCodesFor(message: string): string[] | undefined {
  for (const [prefix, codes] of TRAP_CODES) if (message.startsWith(prefix)) return codes;
  return undefined;
}
