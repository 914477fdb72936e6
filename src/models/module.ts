/**
 * Modules and parameters: just enough to write a network in a few lines.
 * A parameter is a kept Tensor with requiresGrad; buffers (BatchNorm running statistics) are kept
 * tensors without gradients. Both are found by name for saving and loading.
 */
import { Tensor } from '../engine/tensor.js';
import { mulberry32 } from '../reference/random.js';

export abstract class Module {
  training = true;
  protected children = new Map<string, Module>();
  protected params = new Map<string, Tensor>();
  protected buffers = new Map<string, Tensor>();

  abstract forward(x: Tensor): Tensor;

  protected child<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  protected param(name: string, t: Tensor): Tensor {
    t.requiresGrad = true;
    t.keep();
    this.params.set(name, t);
    return t;
  }

  protected buffer(name: string, t: Tensor): Tensor {
    t.keep();
    this.buffers.set(name, t);
    return t;
  }

  /** Parameters with dotted names (`features.0.weight`), in a stable order. */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [...this.params].map(([n, t]) => [prefix + n, t]);
    for (const [n, c] of this.children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [...this.buffers].map(([n, t]) => [prefix + n, t]);
    for (const [n, c] of this.children) out.push(...c.namedBuffers(`${prefix}${n}.`));
    return out;
  }

  /** Everything that is saved: parameters, then buffers. */
  namedTensors(): [string, Tensor][] {
    return [...this.namedParameters(), ...this.namedBuffers()];
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  train(on = true): this {
    this.training = on;
    for (const c of this.children.values()) c.train(on);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  dispose(): void {
    for (const [, t] of this.namedTensors()) {
      t.grad?.dispose();
      t.dispose();
    }
  }
}

/**
 * Seeded initialisers. `torchDefault` is PyTorch's default for conv and linear layers (what torchvision's
 * AlexNet trains with): kaiming_uniform with a = √5, i.e. U(±1/√fanIn). Full He init, U(±√(6/fanIn)),
 * is 2.45× larger; without BatchNorm it compounds over AlexNet's eight layers into huge initial logits,
 * and the network dies in its first Adam steps (measured here: stuck at chance for epochs).
 */
export class Init {
  private rand: () => number;
  constructor(seed: number) {
    this.rand = mulberry32(seed);
  }
  uniform(shape: number[], bound: number): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = (2 * this.rand() - 1) * bound;
    return Tensor.from(data, shape);
  }
  /** He/Kaiming-uniform: bound = sqrt(6 / fanIn). */
  kaiming(shape: number[], fanIn: number): Tensor {
    return this.uniform(shape, Math.sqrt(6 / fanIn));
  }
  /** PyTorch's default for conv/linear weights and biases: bound = 1 / sqrt(fanIn). */
  torchDefault(shape: number[], fanIn: number): Tensor {
    return this.uniform(shape, 1 / Math.sqrt(fanIn));
  }
  constant(shape: number[], v: number): Tensor {
    return Tensor.from(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(v), shape);
  }
}
