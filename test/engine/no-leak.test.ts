/**
 * A tiny network trained for a few hundred steps inside tidy() with an optimiser must neither leak
 * tensors nor keep creating GPU buffers: after warm-up, live bytes and the pool's `created` count stay
 * exactly flat. Built from element-wise ops (mul/add/relu/sub/sum) on parameter tensors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gpu } from '../helpers/gpu.js';
import { engine } from '../../src/engine/engine.js';
import { Tensor } from '../../src/engine/tensor.js';
import { tidy } from '../../src/engine/scope.js';
import { add, mul, relu, sub, mean } from '../../src/autograd/index.js';
import { backward } from '../../src/autograd/backward.js';
import { Adam, SGD, type Optimizer } from '../../src/optim/index.js';
import { mulberry32 } from '../../src/reference/random.js';

const N = 96;
const STEPS = 300;
const WARMUP = 10;

beforeAll(async () => {
  await gpu();
});

function train(makeOpt: (params: Tensor[]) => Optimizer) {
  return async () => {
    const e = engine();
    await e.sync();
    const before = e.memory();
    const rand = mulberry32(11);
    const r = (n: number, s = 1) => Array.from({ length: n }, () => s * (2 * rand() - 1));
    const [w1, b1, w2, b2] = [r(N, 0.5), r(N, 0.1), r(N, 0.5), r(N, 0.1)].map((d) => Tensor.from(d, [N]).keep());
    const params = [w1, b1, w2, b2];
    const opt = makeOpt(params);
    const samples = Array.from({ length: 4 }, () => r(N));
    let atWarmup: ReturnType<typeof e.memory> | undefined;
    const losses: number[] = [];
    for (let step = 0; step < STEPS; step++) {
      const loss = tidy(() => {
        const x = Tensor.from(samples[step % samples.length], [N]);
        const target = Tensor.from(samples[step % samples.length].map((v) => Math.max(0, v) * 0.5), [N]);
        const h = relu(add(mul(x, w1), b1));
        const y = add(mul(h, w2), b2);
        const d = sub(y, target);
        const l = mean(mul(d, d));
        opt.zeroGrad();
        backward(l);
        opt.step();
        return l;
      });
      losses.push((await loss.read())[0]);
      loss.dispose();
      if (step === WARMUP) atWarmup = e.memory();
    }
    const atEnd = e.memory();
    expect(atEnd.liveBytes, 'live bytes grew after warm-up').toBe(atWarmup!.liveBytes);
    expect(atEnd.liveBuffers).toBe(atWarmup!.liveBuffers);
    expect(atEnd.created, 'the pool kept creating buffers').toBe(atWarmup!.created);
    // It trained: the loss went down.
    expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.5);
    // Live memory is the parameters, their last gradients and the optimiser state, nothing else.
    opt.zeroGrad();
    opt.disposeState();
    for (const p of params) p.dispose();
    expect(e.memory().liveBytes).toBe(before.liveBytes);
  };
}

describe('no leaks over a training loop', () => {
  it(`Adam, ${STEPS} steps: live bytes and created buffers flat after step ${WARMUP}`, train((p) => new Adam(p, { lr: 0.01 })));
  it(`SGD with momentum, ${STEPS} steps: flat too`, train((p) => new SGD(p, { lr: 0.05, momentum: 0.9, weightDecay: 1e-4 })));
});
