#!/usr/bin/env python3
"""PyTorch CUDA peer of the GPU check (scripts/gpu-check.sh): AlexNet and AlexNet-M-SE exactly as
src/models/alexnet.ts builds them, one training step (forward, softmax cross-entropy, backward, SGD with
momentum 0.9, lr 0.01) and one eval-mode forward at batch 16 on 3x224x224, in fp32 with TF32 off and
with TF32 on, cudnn.benchmark on; and the bench's kernel rows (GEMM 1024^3-8192^3, AlexNet's convolutions
forward / backward-data / backward-weights at batch 16 @224) plus a device-to-device copy, as ceilings.

Timed as bench/cases/common.ts times ecgpu and tfjs: warm-up steps first (cudnn.benchmark picks its
algorithms there), then each timed step is wall-clock from its start until torch.cuda.synchronize()
returns (so the device is idle after every step, as for the others); the median is reported, with the
CUDA-event time of the same steps. GFLOP/s counts conv + FC multiply-adds x2 per image, a training step
as 3x the forward (bench/cases/models.ts's count). Dropout is p = 0, as in the bench's rows.

Before timing, a correctness check: the loss and conv1's weight gradient on the GPU (TF32 off) against
the same network in float64 on the CPU, on 2 images, as max |gpu - ref| / max |ref|.

Writes one JSON file (--out). Without torch or without a CUDA device it writes why and exits 0, so the
rest of the check goes on.
"""
import argparse
import json
import math
import statistics
import sys
import time

FEATURES = (96, 256, 384, 384, 256)


def js_round(x):
    """Math.round of JavaScript (halves up), which src/models/alexnet.ts uses for the channel counts."""
    return int(math.floor(x + 0.5))


def conv_out(size, k, s, p):
    return (size + 2 * p - k) // s + 1


def build(nn, torch, arch, width, fc_width, input_size, classes=10, in_channels=3, se_reduction=16):
    """The network of src/models/alexnet.ts (same layers, same order, same defaults)."""
    bn = arch == "alexnet-m-se"
    ch = [max(4, js_round(n * width)) for n in FEATURES]
    layers = []
    shape = [in_channels, input_size]
    flops = 0  # conv + linear multiply-adds x2 per image, as bench/cases/models.ts flopsOf

    def conv(i, k, s, p):
        nonlocal flops
        cin, h = shape
        o = conv_out(h, k, s, p)
        layers.append(nn.Conv2d(cin, ch[i], k, stride=s, padding=p, bias=not bn))
        flops += 2 * ch[i] * o * o * cin * k * k
        if bn:
            layers.append(nn.BatchNorm2d(ch[i], eps=1e-5, momentum=0.1))
        layers.append(nn.ReLU(inplace=False))
        shape[:] = [ch[i], o]

    def norm():
        if not bn:
            # PyTorch's convention a / (k + alpha/n * sum a^2)^beta is the one src/kernels/lrn.wgsl implements.
            layers.append(nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0))

    def pool():
        layers.append(nn.MaxPool2d(3, 2))
        shape[1] = max(1, conv_out(shape[1], 3, 2, 0))

    conv(0, 11, 4, 2); norm(); pool()
    conv(1, 5, 1, 2); norm(); pool()
    conv(2, 3, 1, 1)
    conv(3, 3, 1, 1)
    conv(4, 3, 1, 1)
    pool()
    if bn:
        layers.append(SqueezeExcite(nn, torch, shape[0], se_reduction))
    p = min(6, shape[1])
    layers.append(nn.AdaptiveAvgPool2d((p, p)))
    flat = shape[0] * p * p
    head = [nn.Flatten()]
    w = flat
    for _ in range(2):
        head += [nn.Linear(w, fc_width), nn.ReLU(inplace=False), nn.Dropout(0.0)]
        flops += 2 * w * fc_width
        w = fc_width
    head.append(nn.Linear(w, classes))
    flops += 2 * w * classes
    return nn.Sequential(*layers, *head), flops


def SqueezeExcite(nn, torch, channels, reduction):
    """src/models/layers.ts SqueezeExcite: global average -> FC -> ReLU -> FC -> sigmoid -> channel scale."""
    hidden = max(1, js_round(channels / reduction))

    class SE(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(channels, hidden)
            self.fc2 = nn.Linear(hidden, channels)

        def forward(self, x):
            s = torch.sigmoid(self.fc2(torch.relu(self.fc1(x.mean(dim=(2, 3))))))
            return x * s[:, :, None, None]

    return SE()


def batch(torch, n, input_size, device, dtype):
    g = torch.Generator().manual_seed(51)
    x = (torch.rand((n, 3, input_size, input_size), generator=g, dtype=torch.float64) * 2 - 1).to(device=device, dtype=dtype)
    labels = torch.tensor([(i * 7 + 3) % 10 for i in range(n)], device=device)
    return x, labels


def correctness(torch, nn, arch, a):
    """Loss and conv1's weight gradient on the GPU in fp32 (TF32 off) vs float64 on the CPU, 2 images."""
    torch.manual_seed(1)
    model, _ = build(nn, torch, arch, a.width, a.fc, a.input)
    ref = build(nn, torch, arch, a.width, a.fc, a.input)[0].double()
    ref.load_state_dict({k: v.double() for k, v in model.state_dict().items()})
    model = model.cuda().train()
    ref.train()
    x, y = batch(torch, 2, a.input, "cpu", torch.float64)
    out = {}
    for name, m, xx, yy in (("gpu", model, x.float().cuda(), y.cuda()), ("ref", ref, x, y)):
        m.zero_grad(set_to_none=True)
        loss = nn.functional.cross_entropy(m(xx), yy)
        loss.backward()
        out[name] = (float(loss), next(m.parameters()).grad.detach().double().cpu())
    (lg, gg), (lr, gr) = out["gpu"], out["ref"]
    scale = float(gr.abs().max()) or 1.0
    return {"lossGpu": lg, "lossRef": lr, "lossAbsErr": abs(lg - lr), "conv1GradMaxRel": float((gg - gr).abs().max()) / scale}


def time_steps(torch, fn, warmup, runs, budget_s):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    wall, event = [], []
    start = time.perf_counter()
    for _ in range(runs):
        e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        t0 = time.perf_counter()
        e0.record()
        fn()
        e1.record()
        torch.cuda.synchronize()
        wall.append((time.perf_counter() - t0) * 1e3)
        event.append(e0.elapsed_time(e1))
        if time.perf_counter() - start > budget_s:
            break
    return {"medianMs": statistics.median(wall), "minMs": min(wall), "eventMedianMs": statistics.median(event), "runs": len(wall)}


def measure(torch, nn, arch, tf32, a):
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cudnn.benchmark = True
    torch.manual_seed(1)
    model, flops = build(nn, torch, arch, a.width, a.fc, a.input)
    model = model.cuda()
    x, y = batch(torch, a.batch, a.input, "cuda", torch.float32)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    def train_step():
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        opt.step()

    def forward():
        with torch.no_grad():
            model(x)

    rows = []
    for kind, fn, mode, mult in (("train step", train_step, model.train, 3), ("forward", forward, model.eval, 1)):
        mode()
        torch.cuda.reset_peak_memory_stats()
        t = time_steps(torch, fn, a.warmup, a.runs, a.budget)
        ms = t["medianMs"]
        rows.append({
            "arch": arch, "kind": kind, "tf32": tf32, "batch": a.batch, "input": a.input, **t,
            "imagesPerSecond": a.batch / ms * 1e3,
            "gflops": flops * a.batch * mult / ms / 1e6,
            "peakBytes": torch.cuda.max_memory_allocated(),
        })
    del model, opt, x, y
    torch.cuda.empty_cache()
    return rows


def alexnet_convs(batch, width, input_size):
    """AlexNet's five convolutions as bench/cases/kernels.ts alexnetConvs: (name, n, cin, cout, k, stride, pad, h)."""
    ch = [max(4, js_round(n * width)) for n in FEATURES]
    pool = lambda h: conv_out(h, 3, 2, 0)
    s2 = pool(conv_out(input_size, 11, 4, 2))
    s3 = pool(conv_out(s2, 5, 1, 2))
    return [
        ("conv1", batch, 3, ch[0], 11, 4, 2, input_size),
        ("conv2", batch, ch[0], ch[1], 5, 1, 2, s2),
        ("conv3", batch, ch[1], ch[2], 3, 1, 1, s3),
        ("conv4", batch, ch[2], ch[3], 3, 1, 1, s3),
        ("conv5", batch, ch[3], ch[4], 3, 1, 1, s3),
    ]


def kernel_rows(torch, a, tf32):
    """The bench's kernel rows in PyTorch, named as the bench names them: GEMM n^3 and conv fwd/bwd."""
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cudnn.benchmark = True
    g = torch.Generator(device="cuda").manual_seed(7)
    rand = lambda *shape: torch.rand(shape, device="cuda", generator=g) * 2 - 1
    rows = []

    def add(name, flops, fn):
        t = time_steps(torch, fn, a.warmup, a.runs, a.budget / 4)
        rows.append({"name": name, "tf32": tf32, "flops": flops, **t, "gflops": flops / t["medianMs"] / 1e6})

    for n in a.gemm:
        x, y = rand(n, n), rand(n, n)
        add(f"GEMM {n}\u00b3", 2 * n ** 3, lambda: torch.mm(x, y))
        del x, y
    aten = torch.ops.aten
    for name, n, cin, cout, k, st, p, h in alexnet_convs(a.batch, a.width, a.input):
        o = conv_out(h, k, st, p)
        x, w, b, dy = rand(n, cin, h, h), rand(cout, cin, k, k), rand(cout), rand(n, cout, o, o)
        flops = 2 * n * cout * o * o * cin * k * k
        conv_args = ([st, st], [p, p], [1, 1], False, [0, 0], 1)
        add(f"{name} forward", flops, lambda: torch.nn.functional.conv2d(x, w, b, st, p))
        add(f"{name} backward-data", flops, lambda: aten.convolution_backward(dy, x, w, None, *conv_args, [True, False, False]))
        add(f"{name} backward-weights", flops, lambda: aten.convolution_backward(dy, x, w, None, *conv_args, [False, True, False]))
        del x, w, b, dy
    return rows


def copy_bandwidth(torch):
    """Device-to-device copy of 1 GiB, bytes read + written per second: the memory ceiling (METHOD.md)."""
    src = torch.empty(2 ** 28, device="cuda")
    dst = torch.empty_like(src)
    t = time_steps(torch, lambda: dst.copy_(src), 3, 10, 5.0)
    gbs = 2 * src.numel() * 4 / t["eventMedianMs"] / 1e6
    del src, dst
    return {"bytes": 2 ** 30, "eventMedianMs": t["eventMedianMs"], "gbPerS": gbs}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True, help="JSON file to write")
    p.add_argument("--archs", default="alexnet,alexnet-m-se")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--input", type=int, default=224)
    p.add_argument("--width", type=float, default=1.0)
    p.add_argument("--fc", type=int, default=4096)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--budget", type=float, default=10.0, help="seconds of timed steps per row at most")
    p.add_argument("--gemm", default="1024,2048,4096,8192", help="GEMM sizes of the kernel rows")
    p.add_argument("--tiny", action="store_true", help="batch 2, width 1/8, 67x67, FC 64, GEMM 64 (the bench's tiny size)")
    a = p.parse_args()
    if a.tiny:
        a.batch, a.input, a.width, a.fc, a.warmup, a.runs, a.budget, a.gemm = 2, 67, 0.125, 64, 1, 2, 2.0, "64"
    a.gemm = [int(n) for n in str(a.gemm).split(",") if n]
    result = {"status": "ok", "config": vars(a), "rows": [], "kernels": [], "checks": {}}

    def write():
        with open(a.out, "w") as f:
            json.dump(result, f, indent=1)

    try:
        import torch
        from torch import nn
    except ImportError as e:
        result.update(status="unavailable", reason=f"PyTorch is not installed here ({e})")
        write()
        print(f"torch: {result['reason']}")
        return 0
    result["torch"] = torch.__version__
    if not torch.cuda.is_available():
        result.update(status="unavailable", reason=f"torch {torch.__version__} sees no CUDA device")
        write()
        print(f"torch: {result['reason']}")
        return 0
    result["device"] = torch.cuda.get_device_name(0)
    result["cuda"] = torch.version.cuda
    result["cudnn"] = torch.backends.cudnn.version()
    print(f"torch {torch.__version__} on {result['device']} (CUDA {result['cuda']}, cuDNN {result['cudnn']})", flush=True)
    result["copy"] = copy_bandwidth(torch)
    print(f"  device-to-device copy: {result['copy']['gbPerS']:.0f} GB/s (read + write)", flush=True)
    for tf32 in (False, True):
        for r in kernel_rows(torch, a, tf32):
            result["kernels"].append(r)
            print(f"  {r['name']:24} TF32 {'on ' if tf32 else 'off'} {r['medianMs']:8.3f} ms {r['gflops']:9.0f} GFLOP/s", flush=True)
        write()
    for arch in a.archs.split(","):
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        result["checks"][arch] = correctness(torch, nn, arch, a)
        print(f"  {arch}: check vs float64 {json.dumps(result['checks'][arch])}", flush=True)
        write()
        for tf32 in (False, True):
            for r in measure(torch, nn, arch, tf32, a):
                result["rows"].append(r)
                print(f"  {arch:13} {r['kind']:10} TF32 {'on ' if tf32 else 'off'} {r['medianMs']:8.2f} ms "
                      f"{r['imagesPerSecond']:8.0f} img/s {r['gflops']:9.0f} GFLOP/s peak {r['peakBytes'] / 1e9:.2f} GB", flush=True)
                write()
    write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
