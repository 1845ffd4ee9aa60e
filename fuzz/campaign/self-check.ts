/**
 * The standing self-consistency check (`npm run self-check -- [--seconds S] [--workers N]
 * [--out DIR] [--only model,...]`): a campaign on each model's fixed variant, one after the
 * other, that must raise no finding of the model failing itself: no invariant, accounting, crash
 * or timeout finding. Every other finding is printed for triage against the kernel source (a
 * hang the kernel has by contract, a spurious failure the kernel shares). Exit 1 when a
 * self-finding was raised, 0 otherwise. Run outside the unit tests: its budget is minutes per
 * model (the issue that asked for it sets 30).
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runCampaign } from "./campaign.js";

/** Each model's fixed variant: the one where no known bug of the model should fire. */
export const FIXED_VARIANTS: readonly { target: string; variant: string }[] = [
  { target: "iova", variant: "v6.7" },
  { target: "swiotlb", variant: "v6.9" },
  { target: "pagealloc", variant: "v6.8" },
  { target: "noncontig", variant: "upstream@v6.8" },
  { target: "dmapool", variant: "has-managed-dma" },
  { target: "cma", variant: "fail-fast" },
];

/** Finding kinds that mean the model failed itself, whatever the kernel does. */
export const SELF_FINDING_KINDS: readonly string[] = [
  "invariant",
  "accounting",
  "crash",
  "timeout",
];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "1800" },
      workers: { type: "string", default: "2" },
      out: { type: "string", default: join("reports", "self-check") },
      only: { type: "string" },
      seed: { type: "string", default: "1" },
    },
  });
  const seconds = Number(values.seconds);
  const workers = Number(values.workers);
  const only = values.only?.split(",");
  const root = resolve(values.out);
  let failed = 0;
  const rows: string[] = [];
  for (const { target, variant } of FIXED_VARIANTS) {
    if (only !== undefined && !only.includes(target)) continue;
    const outDir = join(root, `${target}@${variant}`.replace(/[^A-Za-z0-9._@-]/g, "_"));
    const { stats } = await runCampaign({
      target,
      variant,
      workers,
      seed: Number(values.seed),
      outDir,
      resume: true,
      feedback: "full",
      maxTimeMs: seconds * 1000,
      log: () => {},
    });
    const session = stats.sessions.at(-1)!;
    const self = stats.findings.filter((f) => SELF_FINDING_KINDS.includes(f.kind));
    failed += self.length;
    const line =
      `${target}@${variant}: ${session.execs} execs this session (${stats.execPerSec} exec/s), ` +
      `corpus ${stats.corpusSize}, ${stats.findings.length} findings, ${self.length} of the model itself`;
    console.log(line);
    rows.push(line);
    for (const f of stats.findings) {
      const mark = SELF_FINDING_KINDS.includes(f.kind) ? "SELF" : "triage";
      console.log(
        `  ${mark} ${f.signature}: ${f.message.replace(/\s*\n\s*/g, " ")} -> ${join(outDir, f.dir)}`,
      );
    }
  }
  console.log(failed === 0 ? "self-check: ok" : `self-check: ${failed} self-findings`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
