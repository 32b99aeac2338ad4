/** @module ml/graph/network-builder — declares a network layer by layer, checking and inferring shapes as it goes. */
import { invalid } from '../../shared/index.ts';
import { INPUT_ID, parametersOf, validateNetwork } from './network.ts';
import type { Layer, Network, Shape3, TensorHandle } from './network.ts';

type Distribute<T> = T extends unknown ? Omit<T, 'output' | 'encoder'> : never;
type LayerSpec = Distribute<Layer>;

function checkPositiveInt(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) invalid(`${what} must be a positive integer, got ${value}`);
}

/**
 * Declares a network: each method appends a layer and returns its output tensor. Layers declared while
 * `encoder` is true are marked as encoder layers (frozen by `--freeze-encoder`).
 * @example
 * const net = new NetworkBuilder('tiny', [3, 32, 32]);
 * const h = net.relu(net.conv('c1', net.input, { channels: 8 }));
 * const network = net.build(net.conv('head', h, { channels: 1, kernel: 1 }));
 */
export class NetworkBuilder {
  readonly #name: string;
  readonly #inputShape: Shape3;
  readonly #layers: Layer[] = [];
  readonly #names = new Set<string>([INPUT_ID]);
  #auto = 0;
  /** Whether the layers declared next belong to the encoder (default false). */
  encoder = false;

  /**
   * @param name - network name
   * @param inputShape - per-sample input shape [channels, height, width]
   * @throws AppError when a dimension is not a positive integer
   */
  constructor(name: string, inputShape: Shape3) {
    inputShape.forEach((d, i) => checkPositiveInt(d, `input dimension ${i}`));
    this.#name = name;
    this.#inputShape = inputShape;
  }

  /** The network input tensor (id `input`). */
  get input(): TensorHandle {
    return { id: INPUT_ID, shape: this.#inputShape };
  }

  #push(spec: LayerSpec): TensorHandle {
    if (this.#names.has(spec.name)) invalid(`layer name ${spec.name} is used twice in network ${this.#name}`);
    this.#names.add(spec.name);
    const layer = { ...spec, output: spec.name, encoder: this.encoder } as Layer;
    this.#layers.push(layer);
    return { id: layer.output, shape: layer.outputShape };
  }

  #autoName(kind: string): string {
    let name = `${kind}_${this.#auto++}`;
    while (this.#names.has(name)) name = `${kind}_${this.#auto++}`;
    return name;
  }

  /**
   * Fixed input scaling `(x·scale − mean[c]) / std[c]`.
   * @throws AppError when mean/std do not have one entry per channel or a std is not positive
   */
  normalize(
    x: TensorHandle,
    options: { scale: number; mean: readonly number[]; std: readonly number[] },
  ): TensorHandle {
    const c = x.shape[0];
    if (options.mean.length !== c || options.std.length !== c)
      invalid(
        `normalize needs ${c} mean and std values, got ${options.mean.length} and ${options.std.length}`,
      );
    if (options.std.some((s) => !(s > 0)))
      invalid(`normalize std values must be positive, got ${options.std.join(',')}`);
    return this.#push({
      kind: 'normalize',
      name: this.#autoName('normalize'),
      inputs: [x.id],
      outputShape: x.shape,
      ...options,
    });
  }

  /**
   * k×k convolution with 'same' padding.
   * @param options - channels out; kernel (odd, default 3); stride (1 or 2, default 1); bias (default true)
   * @throws AppError for an even kernel, another stride, or a spatial size the stride does not divide
   */
  conv(
    name: string,
    x: TensorHandle,
    options: { channels: number; kernel?: number; stride?: 1 | 2; bias?: boolean },
  ): TensorHandle {
    const kernel = options.kernel ?? 3;
    const stride = options.stride ?? 1;
    checkPositiveInt(options.channels, `conv ${name} channels`);
    if (!Number.isInteger(kernel) || kernel < 1 || kernel % 2 === 0)
      invalid(`conv ${name} kernel must be odd for 'same' padding, got ${kernel}`);
    if (stride !== 1 && stride !== 2) invalid(`conv ${name} stride must be 1 or 2, got ${String(stride)}`);
    const [ci, h, w] = x.shape;
    if (h % stride !== 0 || w % stride !== 0)
      invalid(`conv ${name} stride ${stride} does not divide ${h}×${w}`);
    return this.#push({
      kind: 'conv',
      name,
      inputs: [x.id],
      outputShape: [options.channels, h / stride, w / stride],
      inChannels: ci,
      outChannels: options.channels,
      kernel,
      stride,
      bias: options.bias ?? true,
    });
  }

  /**
   * Transposed convolution with kernel == stride (k× upsampling).
   * @param options - channels out; kernel (= stride, default 2); bias (default true)
   */
  convTranspose(
    name: string,
    x: TensorHandle,
    options: { channels: number; kernel?: number; bias?: boolean },
  ): TensorHandle {
    const kernel = options.kernel ?? 2;
    checkPositiveInt(options.channels, `conv-transpose ${name} channels`);
    checkPositiveInt(kernel, `conv-transpose ${name} kernel`);
    const [ci, h, w] = x.shape;
    return this.#push({
      kind: 'conv-transpose',
      name,
      inputs: [x.id],
      outputShape: [options.channels, h * kernel, w * kernel],
      inChannels: ci,
      outChannels: options.channels,
      kernel,
      bias: options.bias ?? true,
    });
  }

  /**
   * Batch normalisation over channels.
   * @param options - epsilon (default 1e-5), momentum of the running statistics (default 0.1)
   */
  batchNorm(
    name: string,
    x: TensorHandle,
    options: { epsilon?: number; momentum?: number } = {},
  ): TensorHandle {
    const epsilon = options.epsilon ?? 1e-5;
    const momentum = options.momentum ?? 0.1;
    if (!(epsilon > 0)) invalid(`batch-norm ${name} epsilon must be positive, got ${epsilon}`);
    if (!(momentum >= 0 && momentum <= 1))
      invalid(`batch-norm ${name} momentum must be in [0, 1], got ${momentum}`);
    return this.#push({
      kind: 'batch-norm',
      name,
      inputs: [x.id],
      outputShape: x.shape,
      channels: x.shape[0],
      epsilon,
      momentum,
    });
  }

  /** ReLU. */
  relu(x: TensorHandle, name = this.#autoName('relu')): TensorHandle {
    return this.#push({ kind: 'relu', name, inputs: [x.id], outputShape: x.shape });
  }

  /** Leaky ReLU with slope `alpha` (default 0.01) for negative inputs. */
  leakyRelu(x: TensorHandle, alpha = 0.01, name = this.#autoName('leaky_relu')): TensorHandle {
    if (!(alpha >= 0 && alpha < 1)) invalid(`leaky-relu alpha must be in [0, 1), got ${alpha}`);
    return this.#push({ kind: 'leaky-relu', name, inputs: [x.id], outputShape: x.shape, alpha });
  }

  /**
   * 2×2 max pooling, stride 2.
   * @throws AppError when height or width is odd
   */
  maxPool(x: TensorHandle, name = this.#autoName('max_pool')): TensorHandle {
    const [c, h, w] = x.shape;
    if (h % 2 !== 0 || w % 2 !== 0) invalid(`max-pool ${name} needs even height and width, got ${h}×${w}`);
    return this.#push({ kind: 'max-pool', name, inputs: [x.id], outputShape: [c, h / 2, w / 2] });
  }

  /**
   * Element-wise sum.
   * @throws AppError when the shapes differ
   */
  add(a: TensorHandle, b: TensorHandle, name = this.#autoName('add')): TensorHandle {
    if (a.shape.join() !== b.shape.join())
      invalid(`add ${name} shapes differ: ${a.shape.join('×')} and ${b.shape.join('×')}`);
    return this.#push({ kind: 'add', name, inputs: [a.id, b.id], outputShape: a.shape });
  }

  /**
   * Concatenation along channels.
   * @throws AppError when fewer than two tensors are given or their spatial sizes differ
   */
  concat(parts: readonly TensorHandle[], name = this.#autoName('concat')): TensorHandle {
    const first = parts[0];
    if (first === undefined || parts.length < 2) invalid(`concat ${name} needs at least two tensors`);
    const [, h, w] = first.shape;
    for (const p of parts)
      if (p.shape[1] !== h || p.shape[2] !== w)
        invalid(`concat ${name} spatial sizes differ: ${h}×${w} and ${p.shape[1]}×${p.shape[2]}`);
    const channels = parts.reduce((sum, p) => sum + p.shape[0], 0);
    return this.#push({
      kind: 'concat',
      name,
      inputs: parts.map((p) => p.id),
      outputShape: [channels, h, w],
    });
  }

  /**
   * Dropout with drop probability `ratio` while training.
   * @param seed - seed of onnxruntime's mask generator (default 0)
   * @throws AppError when ratio is outside [0, 1)
   */
  dropout(x: TensorHandle, ratio: number, seed = 0, name = this.#autoName('dropout')): TensorHandle {
    if (!(ratio >= 0 && ratio < 1)) invalid(`dropout ${name} ratio must be in [0, 1), got ${ratio}`);
    return this.#push({ kind: 'dropout', name, inputs: [x.id], outputShape: x.shape, ratio, seed });
  }

  /**
   * Finishes the network with `output` as its logits.
   * @throws AppError when the network has no layers or is malformed
   */
  build(output: TensorHandle): Network {
    if (this.#layers.length === 0) invalid(`network ${this.#name} has no layers`);
    const network: Network = {
      name: this.#name,
      inputShape: this.#inputShape,
      layers: [...this.#layers],
      output: output.id,
      outputShape: output.shape,
      parameters: this.#layers.flatMap(parametersOf),
    };
    validateNetwork(network);
    return network;
  }
}
