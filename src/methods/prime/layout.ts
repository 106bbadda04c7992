/** The state layout of MDM-Prime: each of the C classes written as ℓ digits of the smallest integer base b with b^ℓ ≥ C. */
import { digitLayout, type StateLayout } from "../../diffusion/state-layout.js";
import { digitBase } from "./digits.js";

/** The sub-token layout for C classes and ℓ digits per token. */
export function primeLayout(classes: number, ell: number): StateLayout {
  return digitLayout(classes, digitBase(classes, ell), ell);
}
