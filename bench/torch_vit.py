#!/usr/bin/python3
"""PyTorch side of bench/run_vit_bench.sh: initlab's vit:DIM-LAYERS-HEADS (pre-LN) on Fashion-MNIST,
written the way a PyTorch user would: 7x7 patches (16 tokens) through a Linear embedding, a class
token and learned position embeddings, blocks x + attn(LN(x)), x + mlp(LN(x)) with attention from
four Linear layers (q, k, v, o; softmax(q k^T / sqrt(d)) v per head) and a GELU MLP of 4 x DIM, a
final LayerNorm and a Linear head on the class token. Adam lr 0.001, batch 64, shuffled each
epoch; then the 10,000 test images are evaluated, as initlab's epoch does.
Usage: torch_vit.py THREADS EPOCHS DIM LAYERS HEADS"""
import sys

import torch
import torch.nn as nn

from torch_loop import standardized_fashion_mnist, timed_epochs

threads, epochs, dim, layers, heads = (int(a) for a in sys.argv[1:6])
torch.set_num_threads(threads)
torch.manual_seed(0)
x, y, xt, yt = standardized_fashion_mnist()
x, xt = x.unsqueeze(1), xt.unsqueeze(1)
PATCH = 7


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(dim, dim) for _ in range(4))
        self.scale = (dim // heads) ** -0.5

    def forward(self, h):
        n, t, d = h.shape
        split = lambda z: z.view(n, t, heads, d // heads).transpose(1, 2)
        q, k, v = split(self.q(h)), split(self.k(h)), split(self.v(h))
        a = torch.softmax(q @ k.transpose(-2, -1) * self.scale, dim=-1)
        return self.o((a @ v).transpose(1, 2).reshape(n, t, d))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = Attention()
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, h):
        h = h + self.attn(self.norm1(h))
        return h + self.mlp(self.norm2(h))


class Vit(nn.Module):
    def __init__(self):
        super().__init__()
        tokens = (28 // PATCH) ** 2
        self.proj = nn.Linear(PATCH * PATCH, dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embedding = nn.Parameter(torch.randn(1, tokens + 1, dim) * 0.02)
        self.blocks = nn.Sequential(*(Block() for _ in range(layers)))
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, 10)

    def forward(self, img):
        n = img.shape[0]
        g = 28 // PATCH
        patches = img.reshape(n, 1, g, PATCH, g, PATCH).permute(0, 2, 4, 1, 3, 5).reshape(n, g * g, PATCH * PATCH)
        h = torch.cat([self.cls_token.expand(n, 1, dim), self.proj(patches)], 1) + self.pos_embedding
        return self.head(self.norm(self.blocks(h)[:, 0]))


print(timed_epochs(Vit(), x, y, xt, yt, epochs))
