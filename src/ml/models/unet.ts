/**
 * @module ml/models/unet — the U-Net family, declared once: encoder blocks [3×3 conv → BatchNorm → ReLU]×2 with
 * 2×2 max-pool between them, decoder blocks of 2×2 stride-2 ConvTranspose + skip concat + the same block, and a
 * 1×1 conv head (issue 3, §3).
 */
import { NetworkBuilder } from '../graph/index.ts';
import type { Network, TensorHandle } from '../graph/index.ts';
import type { ModelSpec } from './model-spec.ts';

/**
 * [3×3 conv (no bias: the BatchNorm after it cancels one) → BatchNorm → ReLU] × 2.
 * @param name - block prefix (`enc1`, `dec2`, ...)
 */
function convBlock(net: NetworkBuilder, name: string, x: TensorHandle, channels: number): TensorHandle {
  let h = x;
  for (const i of [1, 2]) {
    h = net.conv(`${name}.conv${i}`, h, { channels, kernel: 3, bias: false });
    h = net.batchNorm(`${name}.bn${i}`, h);
    h = net.relu(h, `${name}.relu${i}`);
  }
  return h;
}

/**
 * Declares the U-Net of a spec: levels = widths.length; the deepest encoder level is the bottleneck.
 * Layer names: `enc<l>.conv<i>`, `enc<l>.bn<i>`, `pool<l>`, `dec<l>.up`, `dec<l>.concat`, `dec<l>.conv<i>`,
 * `dec<l>.bn<i>`, `head`. Encoder layers (`enc*`) are marked for `--freeze-encoder`.
 * @param spec - validated model spec
 * @returns the network, logits [classes, size, size]
 */
export function declareUnet(spec: ModelSpec): Network {
  const net = new NetworkBuilder(spec.name, [spec.inChannels, spec.inputSize, spec.inputSize]);
  const { widths } = spec;
  const levels = widths.length;
  net.encoder = true;
  let x = net.input;
  const skips: TensorHandle[] = [];
  for (let level = 1; level <= levels; level++) {
    x = convBlock(net, `enc${level}`, x, widths[level - 1] as number);
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
    x = convBlock(net, `dec${level}`, merged, channels);
  }
  const logits = net.conv('head', x, { channels: spec.classes, kernel: 1, bias: true });
  return net.build(logits);
}
