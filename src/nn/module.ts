/** Module: a tree of named parameters and sub-modules with state dicts and a train/eval flag. */
import { keep, noGrad, tidy, type Tensor } from "../engine/index.js";

/** Base class of every layer and model. */
export class Module {
  /** Whether dropout and other training-only behaviour is on. */
  training = true;
  private readonly params = new Map<string, Tensor>();
  private readonly children: [string, Module][] = [];

  /** Registers a trainable tensor under name; it is kept (outside tidy) and requires grad. */
  protected param(name: string, t: Tensor): Tensor {
    keep(t);
    t.requiresGrad = true;
    this.params.set(name, t);
    return t;
  }

  /** Registers a sub-module under name ('' puts its parameters at this module's level). */
  protected module<M extends Module>(name: string, m: M): M {
    this.children.push([name, m]);
    return m;
  }

  /** Every parameter with its dotted path, in registration order; throws if two parameters share a path. */
  namedParameters(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, p] of this.params) out.push([prefix + n, p]);
    for (const [n, m] of this.children) out.push(...m.namedParameters(n === "" ? prefix : `${prefix}${n}.`));
    const seen = new Set<string>();
    for (const [n] of out) {
      if (seen.has(n)) throw new Error(`module ${this.constructor.name}: two parameters are named '${n}'`);
      seen.add(n);
    }
    return out;
  }

  /** Every parameter tensor. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Total number of parameter elements. */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Sets training mode on this module and all sub-modules. */
  train(on = true): this {
    this.training = on;
    for (const [, m] of this.children) m.train(on);
    return this;
  }

  /** Switches to evaluation mode. */
  eval(): this {
    return this.train(false);
  }

  /** Parameters by dotted name (the live tensors, not copies). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.namedParameters());
  }

  /**
   * Copies values from a state dict into the parameters. Every name must be present with the
   * same shape; extra entries are an error unless strict is false. Checks everything before
   * copying anything.
   */
  loadStateDict(sd: Record<string, Tensor>, strict = true): void {
    const own = this.namedParameters();
    const problems: string[] = [];
    for (const [n, p] of own) {
      const src = sd[n];
      if (!src) problems.push(`missing '${n}' (shape [${p.shape.join(", ")}])`);
      else if (src.shape.join() !== p.shape.join())
        problems.push(`'${n}' has shape [${src.shape.join(", ")}], expected [${p.shape.join(", ")}]`);
    }
    if (strict) {
      const names = new Set(own.map(([n]) => n));
      for (const n of Object.keys(sd)) if (!names.has(n)) problems.push(`unexpected '${n}'`);
    }
    if (problems.length) throw new Error(`state dict does not match the model: ${problems.join("; ")}`);
    noGrad(() => tidy(() => own.forEach(([n, p]) => p.copyInPlace(sd[n]!))));
  }
}
