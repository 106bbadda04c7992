/** Base-b sub-tokenisation helpers of MDM-Prime (§3.2). */

/** The smallest integer b with b^ℓ ≥ C, by an integer loop (floating-point roots overshoot exact powers). */
export function digitBase(classes: number, ell: number): number {
  if (!Number.isInteger(classes) || classes < 1) throw new Error(`digitBase: class count must be a positive integer, got ${classes}`);
  if (!Number.isInteger(ell) || ell < 1) throw new Error(`digitBase: ℓ must be a positive integer, got ${ell}`);
  let b = 1;
  while (b ** ell < classes) b++;
  return Math.max(b, 2);
}
