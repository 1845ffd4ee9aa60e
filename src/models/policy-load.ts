/**
 * Loads users' policy modules (`--policy FILE`): plain JavaScript (.js or .mjs) that exports a
 * policy as `default` or as `policy`. Each thread that runs models (the CLI, every campaign and
 * benchmark worker) loads the same files, so a policy's name is a variant everywhere.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { TraceError } from "../sim/jsonl.js";
import { registerPolicyModule } from "./policies.js";
import type { UserPolicy } from "./policy.js";

/**
 * Loads and registers the policy modules `files` (paths, resolved against the working
 * directory). A file that cannot be read, does not load or lacks the exports is bad input: a
 * TraceError naming the file and the reason.
 */
export async function loadPolicyFiles(files: readonly string[]): Promise<UserPolicy[]> {
  const loaded: UserPolicy[] = [];
  for (const file of files) {
    const path = resolve(file);
    if (!/\.(m?js)$/.test(path))
      throw new TraceError(file, 0, "a policy must be a JavaScript module (.js or .mjs)");
    if (!existsSync(path)) throw new TraceError(file, 0, "no such file");
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new TraceError(
        file,
        lineOf(error, path),
        `the module does not load: ${message.split("\n")[0]}`,
      );
    }
    const exported = module.default ?? module.policy;
    const policy = registerPolicyModule(exported, path);
    if (typeof policy === "string") throw new TraceError(file, 0, policy);
    if (loaded.some((p) => p.name === policy.name && p.model === policy.model))
      throw new TraceError(file, 0, `a second ${policy.model} policy called ${policy.name}`);
    loaded.push(policy);
  }
  return loaded;
}

/** The line in `path` a load error points at (a syntax error's stack names it), else 0. */
function lineOf(error: unknown, path: string): number {
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  const at = new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+)`).exec(stack);
  return at ? Number(at[1]) : 0;
}
