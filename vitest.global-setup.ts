// Builds dist/ once before the test files run: the CLI, jsfuzz and engine tests execute the
// built JavaScript, and building from each file in parallel would race.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  // For quick iterations on tests that do not run built code: DMAFUZZ_SKIP_BUILD=1 npx vitest ...
  if (process.env.DMAFUZZ_SKIP_BUILD) return;
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  execFileSync(npm, ["run", "build", "--silent"], { stdio: "inherit" });
}
