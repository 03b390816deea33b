import type { DemoBrand } from "./brand";
import { createRng, type Rng } from "./rng";

/**
 * How a platform module adds its behaviour to the demo brand (orders, check-ins, referrals, …).
 *
 * `generate` receives the finished brand (read it, never mutate it) and a stream forked for this
 * module alone: `createRng(brand.seed).fork("modules").fork(name)`. Whatever it draws cannot shift
 * the numbers of the brand or of any other module, so modules can be added, removed or reordered
 * freely. Fork further per member (`rng.fork(member.key)`) to keep each member's history
 * independent of the others.
 */
export interface DemoModule<TOutput = unknown> {
  /** Unique, lower-case kebab-case: "loyalty", "ingestion", "community-groups". */
  readonly name: string;
  generate?(brand: DemoBrand, rng: Rng): TOutput;
}

/** Identity helper that keeps the module's output type for `runDemoModule`. */
export function defineDemoModule<TOutput>(module: DemoModule<TOutput>): DemoModule<TOutput> {
  assertModuleName(module.name);
  return module;
}

/** The stream a module receives: a function of the seed and the module name only. */
export function demoModuleRng(seed: number, name: string): Rng {
  return createRng(seed).fork("modules").fork(name);
}

/** Runs one module on its own stream; `undefined` when it has no generator. */
export function runDemoModule<TOutput>(brand: DemoBrand, module: DemoModule<TOutput>): TOutput | undefined {
  return module.generate?.(brand, demoModuleRng(brand.seed, module.name));
}

export interface DemoModuleRegistry {
  /** Adds a module; throws if the name is taken or malformed. */
  register(module: DemoModule): DemoModuleRegistry;
  /** Registered modules in registration order. */
  list(): readonly DemoModule[];
  /** Outputs keyed by module name; modules without a generator are left out. */
  run(brand: DemoBrand): Record<string, unknown>;
}

export function createDemoModuleRegistry(modules: readonly DemoModule[] = []): DemoModuleRegistry {
  const registered = new Map<string, DemoModule>();
  const registry: DemoModuleRegistry = {
    register(module) {
      assertModuleName(module.name);
      if (registered.has(module.name)) throw new Error(`demo module "${module.name}" is already registered`);
      registered.set(module.name, module);
      return registry;
    },
    list: () => [...registered.values()],
    run(brand) {
      const outputs: Record<string, unknown> = {};
      for (const module of registered.values()) {
        if (module.generate) outputs[module.name] = runDemoModule(brand, module);
      }
      return outputs;
    },
  };
  for (const module of modules) registry.register(module);
  return registry;
}

const MODULE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

function assertModuleName(name: string): void {
  if (!MODULE_NAME.test(name)) {
    throw new Error(`demo module name must be lower-case kebab-case (e.g. "loyalty"), got "${name}"`);
  }
}
