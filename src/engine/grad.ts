/** Switching autograd recording off for a block. */
import { native } from "./native.js";

/** Runs fn with autograd recording disabled (inference, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  const prev = native.setGradEnabled(false);
  try {
    return fn();
  } finally {
    native.setGradEnabled(prev);
  }
}

/** Whether autograd is currently recording. */
export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}
