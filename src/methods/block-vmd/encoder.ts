/**
 * Block-wise VMD's encoder q(z_b | x0_{<b}, x0_b, mask pattern of block b) for every block in one pass (our architecture):
 * VMD's encoder network run as bd3's pair pass over [x0 with mask flags ; x0], so block b's flagged tokens attend to
 * themselves and to the clean earlier blocks, then mean-pooled over each block's positions.
 */
import { tensor, tidy, zeros, type Tensor } from "../../engine/index.js";
import { blockCount } from "../bd3/mask.js";
import { PairPass } from "../bd3/pair-pass.js";
import type { LatentEncoder } from "../vmd/encoder.js";

/** Averages over each block's positions: [N_B, L] with 1/|block| inside block j's columns (a short last block included). */
function blockPooling(L: number, blockSize: number, device: string): Tensor {
  const nb = blockCount(L, blockSize);
  const w = new Float32Array(nb * L);
  for (let i = 0; i < L; i++) {
    const j = Math.floor(i / blockSize);
    w[j * L + i] = 1 / (Math.min(L, (j + 1) * blockSize) - j * blockSize);
  }
  return tensor(w, [nb, L], { device });
}

/** The diagonal Gaussians of every block's latent, from a (time-agnostic) VMD encoder's network. */
export class BlockEncoder {
  private readonly pass: PairPass;

  constructor(readonly encoder: LatentEncoder, readonly blockSize: number) {
    if (encoder.net.timeConditioned) throw new Error("block encoder: the encoder network must ignore time");
    this.pass = new PairPass(encoder.net, blockSize);
  }

  /** x int64 [B, L] clean tokens, masked bool [B, L] -> mean and log-variance [B, N_B, dim]. */
  forward(x: Tensor, masked: Tensor): { mean: Tensor; logVar: Tensor } {
    const [B, L] = x.shape as [number, number];
    const { classes, dim } = this.encoder;
    return tidy(() => {
      const flagged = x.add(masked.to("int64").mul(classes));
      const pooled = blockPooling(L, this.blockSize, x.device).matmul(this.pass.logits(flagged, x, zeros([B, L], { device: x.device })));
      return { mean: pooled.slice(2, 0, dim), logVar: pooled.slice(2, dim).clamp(-10, 10) };
    });
  }
}
