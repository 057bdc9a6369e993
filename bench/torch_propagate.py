#!/usr/bin/python3
"""PyTorch side of bench/run_propagate_bench.sh: what `initlab propagate --model file:resnet18.pt`
measures, written the way a PyTorch user would with hooks: torchvision's resnet18 (eval mode),
kaiming_normal_ (fan_in, relu) on every Conv2d / Linear weight and zero biases, a forward pass on
N(0, 1) inputs with a forward hook on every Conv2d / Linear (the output kept, its gradient
retained) and on every BatchNorm / ReLU that follows one (the output cloned before the in-place
ReLU can change it), a backward pass from a random N(0, 1) cotangent, then per layer: the output's
mean and variance, the activation's mean, std and dead fraction, the std of the module output's gradient
and of the weight's gradient. Prints one JSON line: the median seconds of REPS timed runs (after
one warm-up) and the last run's layer count.
Usage: torch_propagate.py THREADS BATCH SIZE REPS"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torchvision

threads, batch, size, reps = (int(a) for a in sys.argv[1:5])
torch.set_num_threads(threads)
model = torchvision.models.resnet18(weights=None).eval()
weighted = [(n, m) for n, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def one_run(seed):
    torch.manual_seed(seed)
    with torch.no_grad():
        for _, m in weighted:
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            if m.bias is not None:
                m.bias.zero_()
    layers = []  # [name, pre, act, the module's own output (its gradient retained)]
    last = {"layer": None}

    def on_weighted(name):
        def hook(module, inputs, output):
            layers.append([name, output, output, output])
            last["layer"] = output
            output.retain_grad()
        return hook

    def on_follower(module, inputs, output):
        if layers and inputs[0] is last["layer"]:
            copy = output.clone()
            if isinstance(module, nn.ReLU):
                layers[-1][2] = copy
            else:
                layers[-1][1] = layers[-1][2] = copy
            last["layer"] = output
    hooks = [m.register_forward_hook(on_weighted(n)) for n, m in weighted]
    hooks += [m.register_forward_hook(on_follower) for m in model.modules() if isinstance(m, (nn.BatchNorm2d, nn.ReLU))]
    model.zero_grad(set_to_none=True)
    x = torch.randn(batch, 3, size, size)
    out = model(x)
    out.backward(torch.randn_like(out))
    stats = []
    with torch.no_grad():
        for (name, pre, act, own), (_, m) in zip(layers, weighted):
            a = act.flatten(1)
            stats.append([pre.mean().item(), pre.var().item(), act.mean().item(), act.std().item(),
                          (a.abs().amax(0) == 0).double().mean().item(),
                          own.grad.std().item(),
                          m.weight.grad.std().item()])
    for h in hooks:
        h.remove()
    return len(stats)


one_run(0)
times = []
for r in range(reps):
    start = time.perf_counter()
    n = one_run(r + 1)
    times.append(time.perf_counter() - start)
print(json.dumps({"run_s": statistics.median(times), "runs": times, "layers": n}))
