// Public surface of the validator.
export { validateModule } from './module.js';
export { validateFunction, validateFunctions } from './function.js';
export { validateConstExpr } from './const-expr.js';
