/**
 * Argument checks for the simulation layer. A bad argument here is a programmer error, not bad
 * input, so it throws RangeError rather than a TraceError.
 */

/**
 * Returns `value` if it is a safe integer in [min, max], otherwise throws a RangeError naming
 * `name`. Defaults: min = 0, max = Number.MAX_SAFE_INTEGER.
 */
export function requireInt(
  name: string,
  value: number,
  min = 0,
  max: number = Number.MAX_SAFE_INTEGER,
): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}
