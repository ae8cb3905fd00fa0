#!/usr/bin/python3
"""End-to-end peer for `./run bench e2e` (bench/E2e): a plain PyTorch GRPO loop on the same Llama
decoder, prompts and token ids as our pipeline, structured the way TRL's GRPOTrainer runs a step:

  generate   all prompts x group rows in one batched call, left-padded prompts, a KV cache,
             temperature sampling, rows stop at a stop id (later tokens masked), up to N new tokens
  score      exact-answer reward on the decoded completion, group mean/std advantages
  train      one pass (num_iterations = 1, so old log-probs are the detached current ones),
             micro-batches with gradient accumulation, PPO-clip per-token loss normalised by the
             step's completion tokens (token-mean), gradient clipping, AdamW

Reads the prompts as token ids (exported by the C# harness from our task generator and tokenizer,
so both sides see the same ids) and prints one JSON object on stdout with per-step timings and
lengths, the peak RSS and the torch version. Run with /usr/bin/python3 (python3-torch).
"""
import argparse
import json
import os
import random
import re
import resource
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from policy_peer import Llama  # noqa: E402  the same decoder definition as the generation peer


class TrainableLlama(Llama):
    """policy_peer's Llama with every weight (norms included) trainable."""

    def __init__(self, c):
        super().__init__(c, torch.float32)
        for p in self.layers:
            p["n1"], p["n2"] = torch.nn.Parameter(p["n1"]), torch.nn.Parameter(p["n2"])
        self.norm = torch.nn.Parameter(self.norm)

    def params(self):
        ps = [self.embed, self.norm]
        for p in self.layers:
            ps.extend(p.values())
        if self.head is not self.embed:
            ps.append(self.head)
        return ps


def attention_mask(valid, T, start):
    """Additive (B, 1, T, S) mask: causal over S = start + T keys, pad keys hidden, each key sees itself (no empty rows)."""
    S = start + T
    q = torch.arange(start, S)[:, None]
    k = torch.arange(S)[None, :]
    allowed = (k <= q)[None] & valid[:, None, :S]
    allowed = allowed | (k == q)[None]
    return torch.zeros(allowed.shape).masked_fill(~allowed, float("-inf"))[:, None]


@torch.no_grad()
def generate(m, prompts, pad, stops, max_new, temperature, gen):
    """Batched sampling with a preallocated KV cache; returns (B, N) tokens and the (B, N) completion mask."""
    B, P = len(prompts), max(len(p) for p in prompts)
    ids = torch.full((B, P), pad, dtype=torch.long)
    valid = torch.zeros(B, P + max_new, dtype=torch.bool)
    for b, p in enumerate(prompts):
        ids[b, P - len(p):] = torch.tensor(p)
        valid[b, P - len(p):] = True
    pos = (valid[:, :P].long().cumsum(-1) - 1).clamp(min=0)
    cap = P + max_new
    L = m.c["num_hidden_layers"]
    kc = [torch.zeros(B, m.nkv, cap, m.hs) for _ in range(L)]
    vc = [torch.zeros(B, m.nkv, cap, m.hs) for _ in range(L)]
    logits = m.logits(ids, pos, attention_mask(valid, P, 0), kc, vc, 0)[:, -1]
    out = torch.full((B, max_new), pad, dtype=torch.long)
    done = torch.zeros(B, dtype=torch.bool)
    stop = torch.tensor(stops, dtype=torch.long)
    n = 0
    for s in range(max_new):
        tok = torch.multinomial((logits / temperature).softmax(-1), 1, generator=gen)[:, 0]
        out[:, s] = torch.where(done, torch.full_like(tok, pad), tok)
        n = s + 1
        done = done | torch.isin(tok, stop)
        if bool(done.all()) or s + 1 == max_new:
            break
        pos = pos[:, -1:] + 1
        logits = m.logits(tok[:, None], pos, attention_mask(valid, 1, P + s), kc, vc, P + s)[:, -1]
    out = out[:, :n]
    # Completion mask: every token up to and including the first stop id.
    is_stop = torch.isin(out, stop)
    after = (is_stop.long().cumsum(-1) - is_stop.long()) > 0
    return out, ~after


def reward(text, answer):
    found = re.findall(r"<answer>(.*?)</answer>", text, flags=re.S)
    return 1.0 if found and found[-1].strip() == answer else 0.0


def train_step(m, opt, prompts, completions, cmask, adv, pad, micro, temperature, clip_low, clip_high, grad_clip):
    B = len(prompts)
    total_tokens = max(int(cmask.sum()), 1)
    opt.zero_grad(set_to_none=True)
    for s0 in range(0, B, micro):
        rows = range(s0, min(B, s0 + micro))
        P = max(len(prompts[r]) for r in rows)
        C = int(cmask[list(rows)].sum(-1).max())
        C = max(C, 1)
        ids = torch.full((len(rows), P + C), pad, dtype=torch.long)
        valid = torch.zeros(len(rows), P + C, dtype=torch.bool)
        for j, r in enumerate(rows):
            ids[j, P - len(prompts[r]):P] = torch.tensor(prompts[r])
            valid[j, P - len(prompts[r]):P] = True
            ids[j, P:] = completions[r, :C]
            valid[j, P:] = cmask[r, :C]
        pos = (valid.long().cumsum(-1) - 1).clamp(min=0)
        # Logits of the positions that predict the completion only, as TRL's logits_to_keep does.
        logits = m.logits(ids, pos, attention_mask(valid, P + C, 0), keep=C + 1)[:, :-1] / temperature
        logp = logits.log_softmax(-1).gather(-1, ids[:, P:, None])[..., 0]
        old = logp.detach()
        ratio = (logp - old).exp()
        a = adv[list(rows)][:, None]
        per_token = -torch.min(ratio * a, ratio.clamp(1 - clip_low, 1 + clip_high) * a)
        mask = cmask[list(rows), :C].float()
        loss = (per_token * mask).sum() / total_tokens
        loss.backward()
    torch.nn.utils.clip_grad_norm_(m.params(), grad_clip)
    opt.step()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True, help="JSON of Hugging Face config keys")
    ap.add_argument("--problems", required=True, help="JSON: vocab, pad_id, stop_ids, problems [{ids, answer}]")
    ap.add_argument("--steps", type=int, required=True)
    ap.add_argument("--group-size", type=int, required=True)
    ap.add_argument("--prompts-per-step", type=int, required=True)
    ap.add_argument("--max-new-tokens", type=int, required=True)
    ap.add_argument("--temperature", type=float, default=1.0)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--micro-batch", type=int, default=8)
    ap.add_argument("--clip-low", type=float, default=0.2)
    ap.add_argument("--clip-high", type=float, default=0.2)
    ap.add_argument("--grad-clip", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    with open(a.problems, encoding="utf-8") as f:
        spec = json.load(f)
    vocab, pad, stops, problems = spec["vocab"], spec["pad_id"], spec["stop_ids"], spec["problems"]
    m = TrainableLlama(json.loads(a.config))
    opt = torch.optim.AdamW(m.params(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    rng = random.Random(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    steps = []
    for step in range(1, a.steps + 1):
        t0 = time.perf_counter()
        chosen = [problems[rng.randrange(len(problems))] for _ in range(a.prompts_per_step)]
        prompts = [p["ids"] for p in chosen for _ in range(a.group_size)]
        completions, cmask = generate(m, prompts, pad, stops, a.max_new_tokens, a.temperature, gen)
        t1 = time.perf_counter()
        lengths = cmask.sum(-1).tolist()
        rows = completions.tolist()
        rewards = torch.tensor([reward("".join(vocab[t] for t in rows[i][:lengths[i]]), chosen[i // a.group_size]["answer"])
                                for i in range(len(prompts))])
        grouped = rewards.view(-1, a.group_size)
        adv = ((grouped - grouped.mean(-1, keepdim=True)) / (grouped.std(-1, keepdim=True) + 1e-4)).view(-1)
        t2 = time.perf_counter()
        train_step(m, opt, prompts, completions, cmask, adv, pad, a.micro_batch, a.temperature, a.clip_low, a.clip_high, a.grad_clip)
        t3 = time.perf_counter()
        steps.append(dict(step=step, generate_s=t1 - t0, score_s=t2 - t1, train_s=t3 - t2, step_s=t3 - t0,
                          reward=float(rewards.mean()), lengths=[[len(p), int(c)] for p, c in zip(prompts, lengths)]))
    print(json.dumps(dict(steps=steps, peak_rss_kib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                          torch=torch.__version__, threads=torch.get_num_threads())))


if __name__ == "__main__":
    main()
