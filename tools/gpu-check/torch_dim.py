"""DIM(L) with the JSD bound, the model and step of @infomax/objectives' default
`{ kind: 'dim', inputShape: [28, 28, 1] }`, timed in PyTorch (CUDA where there is one).

Encoder: conv 64 4x4 s2 (pad 1) -> ReLU -> conv 128 4x4 s2 -> ReLU (the 7x7x128 local
map) -> fc 1024 -> ReLU -> fc 64 (the code). Heads: local 128 -> 256 -> ReLU -> 256 and
global 64 -> 256 -> ReLU -> 256, each plus a linear shortcut from input to output.
Scores s[i, k, l] = g_i . l_{k,l} / sqrt(256) for every image pair and each of the 49
locations; JSD loss E_pos softplus(-s) + E_neg softplus(s) (positives i == k). Adam 1e-4.

Usage: python3 tools/gpu-check/torch_dim.py [batch 64] [steps 50] [device cuda|cpu]
Prints one JSON line: img/s running freely and reading the loss back every step, device, torch version.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

batch = int(sys.argv[1]) if len(sys.argv) > 1 else 64
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 50
device = sys.argv[3] if len(sys.argv) > 3 else ('cuda' if torch.cuda.is_available() else 'cpu')
torch.manual_seed(0)


class Head(nn.Module):
    def __init__(self, d, u):
        super().__init__()
        self.a, self.b, self.skip = nn.Linear(d, u), nn.Linear(u, u), nn.Linear(d, u, bias=False)

    def forward(self, x):
        return self.b(F.relu(self.a(x))) + self.skip(x)


class Dim(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(1, 64, 4, 2, 1), nn.Conv2d(64, 128, 4, 2, 1)
        self.fc, self.code = nn.Linear(7 * 7 * 128, 1024), nn.Linear(1024, 64)
        self.local_head, self.global_head = Head(128, 256), Head(64, 256)

    def forward(self, x):
        local = F.relu(self.c2(F.relu(self.c1(x))))  # [B, 128, 7, 7]
        code = self.code(F.relu(self.fc(local.flatten(1))))
        b = x.shape[0]
        lf = self.local_head(local.permute(0, 2, 3, 1).reshape(b * 49, 128))  # [B*49, 256]
        g = self.global_head(code)  # [B, 256]
        s = (g @ lf.T / 16.0).reshape(b, b, 49)
        pos = torch.eye(b, device=x.device, dtype=torch.bool)[:, :, None].expand(b, b, 49)
        return F.softplus(-s[pos]).mean() + F.softplus(s[~pos]).mean()


model = Dim().to(device)
opt = torch.optim.Adam(model.parameters(), lr=1e-4)
x = torch.rand(batch, 1, 28, 28, device=device)


def step():
    opt.zero_grad(set_to_none=True)
    loss = model(x)
    loss.backward()
    opt.step()
    return loss


def timed(read_each_step):
    """Seconds for `steps` steps; with read_each_step the loss is read back every step, as
    infomax's trainStep does with its metrics (the GPU cannot run ahead of the host)."""
    if device == 'cuda':
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(steps):
        loss = step()
        if read_each_step:
            loss.item()
    loss.item()
    return time.perf_counter() - t0


for _ in range(5):
    step()
free_running = timed(False)
synced = timed(True)
print(json.dumps({"steps": steps, "batch": batch, "img_per_s": steps * batch / free_running,
                  "img_per_s_read_each_step": steps * batch / synced, "device": device,
                  "gpu": torch.cuda.get_device_name(0) if device == 'cuda' else None, "torch": torch.__version__}))
