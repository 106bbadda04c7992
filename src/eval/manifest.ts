/**
 * The manifest of a results row: what decides its number, recorded with it, so that two tables can be compared without
 * guessing. Every field is present in every row (null where it does not apply: a bench row has no checkpoint).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { BoundSpec } from "../diffusion/bounds.js";
import { packageVersion } from "../train/version.js";

/** How an estimate relates to −log p: a certified upper bound, a truncated continuous form, or a paper's objective (not a bound). */
export type EstimatorLabel = "certified" | "truncated" | "paper form";

/** What decides a results row's number. */
export interface ResultManifest {
  /** The checkpoint's method (md4, genmd4, prime, vmd, bd3), or null. */
  method: string | null;
  /** The estimator's name (a bound's machine name, or "samples" for scores of drawn sequences), or null. */
  estimator: string | null;
  /** Its label, or null where the row is not a likelihood estimate. */
  estimator_label: EstimatorLabel | null;
  /** [t_min, t_max] of the times the number integrates or samples over, or null. */
  t_range: [number, number] | null;
  /** Canonical sampler spec, or null. */
  sampler: string | null;
  /** Nucleus mass (1: off) and its variant, or null. */
  top_p: number | null;
  top_p_variant: string | null;
  /** dtype of the random draws (uniforms, categorical inverse-CDF draws): float64 throughout maskdiff. */
  draw_dtype: "float64";
  /** Sequences (or repetitions) the number averages over, or null. */
  n: number | null;
  /** The seed of the run, or null. */
  seed: number | null;
  /** sha256 of the checkpoint file, or null. */
  checkpoint_sha256: string | null;
  /** maskdiff's package version. */
  version: string;
}

/** The fields a caller gives; absent ones are recorded as null. */
export type ManifestFields = Partial<Omit<ResultManifest, "draw_dtype" | "version" | "checkpoint_sha256">> & {
  /** Path of the checkpoint file, hashed once per process. */
  checkpoint?: string;
};

const hashes = new Map<string, string>();

/** sha256 (hex) of a file's bytes, cached per path for the life of the process. */
export function fileSha256(path: string): string {
  let h = hashes.get(path);
  if (h === undefined) {
    h = createHash("sha256").update(readFileSync(path)).digest("hex");
    hashes.set(path, h);
  }
  return h;
}

/** The label of a bound: certified, the paper's form (its label says "paper form"), or truncated. */
export function estimatorLabel(bound: Pick<BoundSpec, "certified" | "label">, options: Parameters<BoundSpec["label"]>[0]): EstimatorLabel {
  if (bound.certified) return "certified";
  return bound.label(options).includes("paper form") ? "paper form" : "truncated";
}

/** A complete manifest from the given fields (the rest null), with the checkpoint's hash and the package version. */
export function resultManifest(f: ManifestFields): ResultManifest {
  return {
    method: f.method ?? null,
    estimator: f.estimator ?? null,
    estimator_label: f.estimator_label ?? null,
    t_range: f.t_range ?? null,
    sampler: f.sampler ?? null,
    top_p: f.top_p ?? null,
    top_p_variant: f.top_p_variant ?? null,
    draw_dtype: "float64",
    n: f.n ?? null,
    seed: f.seed ?? null,
    checkpoint_sha256: f.checkpoint === undefined ? null : fileSha256(f.checkpoint),
    version: packageVersion(),
  };
}
