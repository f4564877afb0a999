// Public surface of the validator.
export { validateModule, validateModuleStructure } from './module.js';
export { validateFunction, validateFunctions } from './function.js';
export { validateConstExpr } from './const-expr.js';
export { validateFunctionsInParallel, startValidateWorkers, validateThreads, bodyRanges, lastValidateStats, PARALLEL_VALIDATE_MIN_BYTES, type ValidateTuning } from './parallel.js';
