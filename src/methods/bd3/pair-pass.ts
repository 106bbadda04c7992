/** BD3-LM's vectorised pass: one forward over [x_t ; x_0] gives every block's prediction from its own noisy tokens and the clean earlier blocks. */
import { cat, keep, tidy, zeros, type Tensor } from "../../engine/index.js";
import type { DiT } from "../../models/dit.js";
import { pairMask } from "./mask.js";

/** The pass of one network at one block size; it keeps the mask of the last sequence length it saw. */
export class PairPass {
  private cached: { L: number; device: string; mask: Tensor; positions: number[] } | null = null;

  constructor(readonly network: DiT, readonly blockSize: number) {}

  /**
   * z: noisy tokens int64 [B, L]; x: clean tokens int64 [B, L]; t: per-token times float [B, L] (the time of each
   * token's block; read only by time-conditioned networks, the clean half getting t = 0) -> logits of the noisy half [B, L, C].
   * Both halves share rotary positions 0..L−1. A latent-conditioned network takes a latent per noisy token [B, L, K]
   * (the clean half gets the zero latent).
   */
  logits(z: Tensor, x: Tensor, t: Tensor, latent?: Tensor): Tensor {
    const [B, L] = z.shape as [number, number];
    const { mask, positions } = this.view(L, z.device);
    return tidy(() => {
      const time = this.network.timeConditioned ? cat([t.to("float32"), zeros([B, L], { device: z.device })], 1) : zeros([B], { device: z.device });
      const both = latent && cat([latent, zeros(latent.shape, { dtype: latent.dtype, device: latent.device })], 1);
      return this.network.pass(cat([z, x], 1), time, { positions, mask }, both).logits.slice(1, 0, L);
    });
  }

  /** The mask and shared positions for sequences of L tokens (rebuilt when L or the device changes). */
  private view(L: number, device: string): { mask: Tensor; positions: number[] } {
    const c = this.cached;
    if (c && c.L === L && c.device === device) return c;
    c?.mask.dispose();
    const positions = Array.from({ length: 2 * L }, (_, p) => p % L);
    this.cached = { L, device, mask: keep(pairMask(L, this.blockSize, device)), positions };
    return this.cached;
  }
}
