/** Learning-rate schedules. */

/** Linear warm-up to peak over `warmup` steps, then cosine decay to `min` at `total` steps (constant after). */
export function warmupCosine(step: number, o: { peak: number; warmup: number; total: number; min?: number }): number {
  const min = o.min ?? 0;
  if (o.warmup > 0 && step < o.warmup) return (o.peak * (step + 1)) / o.warmup;
  if (o.total <= o.warmup) return o.peak;
  const p = Math.min(1, (step - o.warmup) / (o.total - o.warmup));
  return min + 0.5 * (o.peak - min) * (1 + Math.cos(Math.PI * p));
}
