/**
 * The deployed functions: each name maps to the module that defines it. A function's instance loads
 * only its own module: the Cloud Functions runtime (and each worker of the functions emulator) sets
 * FUNCTION_TARGET to the function's name. Discovery (FUNCTIONS_CONTROL_API, at deploy and when the
 * emulator lists the functions) and any other load without a known target export every function.
 */
import { registry } from "./registry.js";

function selectedNames(env: NodeJS.ProcessEnv): string[] {
  const target = env.FUNCTION_TARGET;
  if (env.FUNCTIONS_CONTROL_API === "true" || !target || !Object.hasOwn(registry, target)) return Object.keys(registry);
  return [target];
}

const functions: Record<string, unknown> = {};
for (const name of selectedNames(process.env)) {
  functions[name] = (require(registry[name] as string) as Record<string, unknown>)[name];
}

export = functions;
