// Dead code (after br, return, unreachable) still has to be decoded to find the matching
// else/end; its operators emit nothing. The decoder's own immediate reader skips them.
export { readImmediates as skipOperatorImmediates } from '../wasm/body-scan.js';
