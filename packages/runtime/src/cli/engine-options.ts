// The code generator's options for the CLI's tools that compile without an Engine's module
// (`explore`, `compile`): an Engine resolves the user's options, so its defaults (e.g.
// guard-page bounds checks) are the tools' defaults too and live in engine.ts only.
import type { CompileOptions } from '@wasmjit/codegen';
import { Engine, type EngineOptions } from '../engine.js';
import { compileOptions, engineCodeSettings } from '../module.js';

/** The engine options the tools can vary; everything else is the Engine's default. */
export type ToolEngineOptions = Pick<EngineOptions, 'boundsChecks' | 'epochInterruption' | 'consumeFuel' | 'features'>;

/**
 * What `new Engine(options)` compiles with, and its decode features. One difference: the
 * engine's epoch cell address is not compiled in (epoch checks read it from the vmctx,
 * EpochPtr), so that listings hold no absolute address.
 */
export function toolCompileOptions(options: ToolEngineOptions, parallelCompile?: boolean): {
  compile: CompileOptions;
  features: NonNullable<EngineOptions['features']>;
} {
  const settings = engineCodeSettings(new Engine(options));
  return { compile: compileOptions({ ...settings, epochAddress: undefined }, parallelCompile), features: settings.features };
}
