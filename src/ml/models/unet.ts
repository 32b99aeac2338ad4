/**
 * @module ml/models/unet — the U-Net family, declared once: encoder blocks [3×3 conv → BatchNorm → ReLU]×2 with
 * 2×2 max-pool between them, decoder blocks of 2×2 stride-2 ConvTranspose + skip concat + the same block, and a
 * 1×1 conv head (issue 3, §3); the same topology without BatchNorm for reference benchmarks.
 */
import { NetworkBuilder } from '../graph/index.ts';
import type { Network, TensorHandle } from '../graph/index.ts';
import type { ModelSpec } from './model-spec.ts';

/**
 * [3×3 conv → BatchNorm → ReLU] × 2, the conv without bias (the BatchNorm after it cancels one); without BatchNorm
 * [3×3 conv with bias → ReLU] × 2.
 * @param name - block prefix (`enc1`, `dec2`, ...)
 */
function convBlock(
  net: NetworkBuilder,
  name: string,
  x: TensorHandle,
  channels: number,
  batchNorm: boolean,
): TensorHandle {
  let h = x;
  for (const i of [1, 2]) {
    h = net.conv(`${name}.conv${i}`, h, { channels, kernel: 3, bias: !batchNorm });
    if (batchNorm) h = net.batchNorm(`${name}.bn${i}`, h);
    h = net.relu(h, `${name}.relu${i}`);
  }
  return h;
}

/** The shape of a U-Net: what {@link unetNetwork} builds. */
export type UnetShape = {
  name: string;
  inChannels: number;
  inputSize: number;
  /** Channels per level, shallowest first; the deepest level is the bottleneck. */
  widths: readonly number[];
  classes: number;
  /** BatchNorm after every 3×3 conv (the built-in models), or none (conv biases instead). */
  batchNorm: boolean;
};

/**
 * A U-Net: encoder blocks with 2×2 max-pool between levels, decoder blocks of 2×2 stride-2 ConvTranspose + skip
 * concat + the same block, 1×1 conv head. Layer names: `enc<l>.conv<i>`, `enc<l>.bn<i>`, `pool<l>`, `dec<l>.up`,
 * `dec<l>.concat`, `dec<l>.conv<i>`, `dec<l>.bn<i>`, `head`. Encoder layers (`enc*`) are marked for
 * `--freeze-encoder`.
 * @returns the network, logits [classes, size, size]
 * @example
 * // The network docs/onnx-training.md was measured on (117,041 parameters), timed by bench:train --net doc-probe.
 * unetNetwork({ name: 'doc-probe', inChannels: 3, inputSize: 256, widths: [16, 32, 64], classes: 1, batchNorm: false });
 */
export function unetNetwork(shape: UnetShape): Network {
  const net = new NetworkBuilder(shape.name, [shape.inChannels, shape.inputSize, shape.inputSize]);
  const { widths, batchNorm } = shape;
  const levels = widths.length;
  net.encoder = true;
  let x = net.input;
  const skips: TensorHandle[] = [];
  for (let level = 1; level <= levels; level++) {
    x = convBlock(net, `enc${level}`, x, widths[level - 1] as number, batchNorm);
    if (level < levels) {
      skips.push(x);
      x = net.maxPool(x, `pool${level}`);
    }
  }
  net.encoder = false;
  for (let level = levels - 1; level >= 1; level--) {
    const channels = widths[level - 1] as number;
    const up = net.convTranspose(`dec${level}.up`, x, { channels, kernel: 2 });
    const merged = net.concat([up, skips[level - 1] as TensorHandle], `dec${level}.concat`);
    x = convBlock(net, `dec${level}`, merged, channels, batchNorm);
  }
  const logits = net.conv('head', x, { channels: shape.classes, kernel: 1, bias: true });
  return net.build(logits);
}

/**
 * Declares the U-Net of a spec, with BatchNorm (see {@link unetNetwork} for the layers and their names).
 * @param spec - validated model spec
 * @returns the network, logits [classes, size, size]
 */
export function declareUnet(spec: ModelSpec): Network {
  const { name, inChannels, inputSize, widths, classes } = spec;
  return unetNetwork({ name, inChannels, inputSize, widths, classes, batchNorm: true });
}
