"""PyTorch side-by-side for the Gaussian MI staircase (tools/bench/mi-gaussian), the
first two stages only: is a separable critic's NWJ / DV bias ours or the protocol's?

Same protocol as run.js: X, Y in R^20 with every coordinate pair correlated so that
I(X; Y) = 2 then 4 nats; batch 64; fresh batches every step; one critic trained through
both stages; Adam 5e-4; critics with two hidden layers of 256 ReLU units (separable: two
such MLPs to 32-d embeddings and a dot product; concat: one MLP on [x, y] for all 64x64
pairs). NWJ uses the e^(T-1) form (optimum T = 1 + log ratio), DV the log-mean-exp of the
off-diagonal pairs. Prints, per stage, the median and mean of the per-batch estimates over
the last half of its steps (the statistics of run.js). 1 thread.

Usage: /usr/bin/python3 tools/bench/mi-gaussian/reference.py <nwj|dv> <separable|concat> [seed] [steps per stage]
"""
import math, sys, torch, numpy as np
torch.set_num_threads(1)
torch.manual_seed(int(sys.argv[3]) if len(sys.argv) > 3 else 0)
D, B = 20, 64
def mlp(i, o): return torch.nn.Sequential(torch.nn.Linear(i,256), torch.nn.ReLU(), torch.nn.Linear(256,256), torch.nn.ReLU(), torch.nn.Linear(256,o))
class Sep(torch.nn.Module):
    def __init__(s): super().__init__(); s.g = mlp(D,32); s.h = mlp(D,32)
    def forward(s, x, y): return s.g(x) @ s.h(y).T   # scores[i,k] = T(x_i, y_k)
class Cat(torch.nn.Module):
    def __init__(s): super().__init__(); s.f = mlp(2*D,1)
    def forward(s, x, y):
        xx = x[:,None,:].expand(B,B,D); yy = y[None,:,:].expand(B,B,D)
        return s.f(torch.cat([xx,yy],-1))[...,0]
def offdiag(s): return s[~torch.eye(B, dtype=torch.bool)]
def nwj(s):
    return s.diag().mean() - torch.exp(offdiag(s) - 1).mean()
def dv(s):
    return s.diag().mean() - (torch.logsumexp(offdiag(s), 0) - math.log(B*(B-1)))
est = {'nwj': nwj, 'dv': dv}[sys.argv[1]]
crit = Sep() if sys.argv[2] == 'separable' else Cat()
opt = torch.optim.Adam(crit.parameters(), lr=5e-4)
steps = int(sys.argv[4]) if len(sys.argv) > 4 else 4000
for mi in [2, 4]:
    rho = math.sqrt(1 - math.exp(-2 * mi / D))
    vals = []
    for t in range(steps):
        x = torch.randn(B, D); y = rho * x + math.sqrt(1 - rho*rho) * torch.randn(B, D)
        e = est(crit(x, y)); opt.zero_grad(); (-e).backward(); opt.step(); vals.append(e.item())
    h = np.array(vals[steps//2:])
    print(f'{sys.argv[2]} {sys.argv[1]} {mi} nats: median {np.median(h):.3f} (error {np.median(h)-mi:+.3f}), mean {h.mean():.3f}', flush=True)
