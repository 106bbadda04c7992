/** The project's PyTorch peer (bench/torch_peer.py) as the tests use it: skipped with a reason when torch is missing, failed under CI. */
import { peerUnavailable } from "../../bench/peer.js";

export { installTorch, peerScript, peerUnavailable, runPeer, torchPython } from "../../bench/peer.js";

/**
 * node:test `skip` option for a test that needs the peer: the reason (with the install command) when
 * torch is missing, or false. Under CI ($CI set) it is always false, so the test runs and fails instead.
 */
export function skipWithoutPeer(): string | false {
  const missing = peerUnavailable();
  return missing && !process.env.CI ? missing : false;
}
