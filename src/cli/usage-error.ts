/** The error for bad command-line input: reported as one `dmafuzz: <message>` line, exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
