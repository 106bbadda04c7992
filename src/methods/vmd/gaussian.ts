/** The diagonal-Gaussian pieces of VMD's objective as tensor functions (autograd through mean and log-variance). */
import { randn, tidy, type Tensor } from "../../engine/index.js";

/** KL(N(mean, diag e^logVar) ‖ N(0, I)) per dimension [B, dim]: ½(m² + e^lv − 1 − lv). */
export function klPerDimension(mean: Tensor, logVar: Tensor): Tensor {
  return tidy(() => mean.square().add(logVar.exp()).sub(1).sub(logVar).mul(0.5));
}

/** z = mean + e^(lv/2)·ε with ε given (the reparameterisation), or drawn from libtorch's generator. */
export function reparameterize(mean: Tensor, logVar: Tensor, noise?: Tensor): Tensor {
  return tidy(() => mean.add(logVar.mul(0.5).exp().mul(noise ?? randn(mean.shape))));
}
