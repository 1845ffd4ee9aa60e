#!/usr/bin/env node
/**
 * The `dmafuzz` executable: builds the real context (registered models, environment, package
 * location) and wires {@link runCli} to the process. Everything else lives in the commands.
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { models } from "../models/registry.js";
import { findPackage } from "../paths.js";
import type { CommandResult } from "./command.js";
import { errorResult, runCli } from "./run.js";

async function main(): Promise<CommandResult> {
  try {
    const pkg = findPackage(dirname(fileURLToPath(import.meta.url)));
    const context = {
      registry: models,
      env: process.env,
      packageRoot: pkg.root,
      version: pkg.version,
    };
    return await runCli(process.argv.slice(2), context);
  } catch (error) {
    return errorResult(error);
  }
}

// A closed pipe (`dmafuzz replay ... | head`) is not an error worth a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

const result = await main();
if (result.stdout.length > 0) process.stdout.write(`${result.stdout.join("\n")}\n`);
if (result.stderr.length > 0) process.stderr.write(`${result.stderr.join("\n")}\n`);
process.exitCode = result.exitCode;
