// Builds dist/ once before the test files run: the CLI, jsfuzz and engine tests execute the
// built JavaScript, and building from each file in parallel would race.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  execFileSync(npm, ["run", "build", "--silent"], { stdio: "inherit" });
}
