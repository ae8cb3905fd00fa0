// Scoring completions (Scorer.Score) for float32 Llama models on the CPU in one native call, with
// a hand-written backward registered as a libtorch autograd function: the op-by-op path
// (model/Policy/LlamaModel.cs + Scorer.cs, which this is tested against) records ~45 ops per
// layer in the autograd graph and replays them backwards, and at the small sizes trained here
// the per-op costs (dispatch, graph nodes, allocations, .NET handles) are a large part of a step.
// Here each matrix product is one BLAS call on contiguous buffers and everything else is a plain
// loop or one ATen call over a whole block.
//
// Input layout (Scorer's): B rows of P + Tc slots; row b's prompt is left-padded to P (pad[b]
// leading pad slots), its completion of clen[b] tokens starts at slot P and is right-padded to
// Tc; slot P-1+i predicts completion token i. Inside, rows are packed without their padding, and
// rows whose prompts hold the same tokens (a GRPO group's completions) share one packed copy of
// it: each distinct prompt once, at positions 0 .. plen-1, then for each of its rows a segment of
// all but its last completion token (which predicts nothing scored) at positions plen, plen+1, ...
// A prompt token attends causally within the prompt; a completion token attends to the whole
// prompt and causally within its own segment: the same context as in the unshared row, so the
// results do not change, but the prompt's activations and K/V are computed once, and in the
// backward its K/V gradients from every completion are summed before going back through the
// prompt's layers once. The prompt's last token predicts each row's first completion token (its
// hidden state is shared; each row scores it against its own target). No work goes to padding,
// and a row without completion tokens keeps nothing (nor does a prompt that only such rows use).
#include "kernel_loops.h"
#include "tensor_abi.h"

#include <torch/csrc/autograd/custom_function.h>

#include <cmath>
#include <map>
#include <memory>
#include <vector>

using pt::T;

namespace {
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Per-layer weight slots, in the order LlamaModel's FusedWeightNames lists them.
enum Slot { kInNorm, kQ, kQb, kK, kKb, kV, kVb, kO, kOb, kPostNorm, kGate, kGateb, kUp, kUpb, kDown, kDownb, kSlots };

struct Dims {
  int64_t B, Tc;  // output shape
  int64_t M, R;   // packed tokens, scored positions
  int64_t C, nh, nkv, hs, I, V, L;
  float eps, temp;
  int64_t nq() const { return nh * hs; }
  int64_t nk() const { return nkv * hs; }
};

// Activations of one layer that the backward reads. q and k are after rotary.
struct LayerSaved {
  at::Tensor x, r1, h1, q, k, v, probs, y, x2, r2, h2, gate, up, act;
};

// n packed tokens from `start` that attend to the plen tokens of a shared prompt packed from
// pstart (plen 0: a prompt itself) and causally to each other. Their keys, in order: the prompt's
// plen, then their own n. Attention weights (nh, n, plen + n) start at poff in probs.
struct Segment {
  int64_t start, n, pstart, plen, poff;
  int64_t keys() const { return plen + n; }
  int64_t key_row(int64_t s) const { return s < plen ? pstart + s : start + s - plen; }
};

// Everything one call computes and its backward needs, owned by the autograd node.
struct State {
  Dims d{};
  std::vector<at::Tensor> w;       // by slot: L * kSlots, then embedding, final norm, lm_head; undefined where absent
  std::vector<int64_t> ids;        // (M) packed token ids
  std::vector<Segment> segs;       // a prompt's segment, then its completions' segments, prompt by prompt
  std::vector<int64_t> groups;     // first segment of each prompt's group, then segs.size()
  int64_t probs_size = 0;
  std::vector<int64_t> rows, targets, out;  // (R) predicting packed token, its target id, index into (B, Tc)
  std::vector<float> cos, sin;     // (M, hs/2)
  std::vector<LayerSaved> layers;
  at::Tensor xf, rf, hf, logp, prob, ent;  // final norm in/out (R, C), log-softmax and softmax (R, V), entropies (R)
  const at::Tensor& embed() const { return w[d.L * kSlots]; }
  const at::Tensor& final_norm() const { return w[d.L * kSlots + 1]; }
  const at::Tensor& head() const { return w[d.L * kSlots + 2].defined() ? w[d.L * kSlots + 2] : embed(); }
  const at::Tensor& lw(int64_t l, int s) const { return w[l * kSlots + s]; }
};

at::Tensor empty(std::initializer_list<int64_t> shape) { return at::empty(shape, at::kFloat); }
float* F(const at::Tensor& t) { return t.data_ptr<float>(); }

// out = in W^T (+ bias): in (M, K), W (O, K), out (M, O).
void linear(at::Tensor& out, const at::Tensor& in, const at::Tensor& W, const at::Tensor& bias) {
  if (bias.defined()) at::addmm_out(out, bias, in, W.t());
  else at::mm_out(out, in, W.t());
}

// Gradients of out = in W^T + bias for g = dL/dout: dW = g^T in, db = column sums of g, and
// din = g W, written (accumulate false) or added.
void linear_backward(const at::Tensor& g, const at::Tensor& in, const at::Tensor& W, at::Tensor& gW, at::Tensor* gb,
                     at::Tensor* gin, bool accumulate) {
  at::mm_out(gW, g.t(), in);
  if (gb != nullptr && gb->defined()) at::sum_out(*gb, g, {0});
  if (gin != nullptr) {
    if (accumulate) gin->addmm_(g, W);
    else at::mm_out(*gin, g, W);
  }
}

// Runs f(begin, end) over [0, n) rows on libtorch's intra-op threads, in chunks of at least ~16k
// floats (row_floats each) so that small calls stay on the calling thread.
template <typename Fn>
void rows_parallel(int64_t n, int64_t row_floats, const Fn& f) {
  at::parallel_for(0, n, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, row_floats)), f);
}

// h = x / rms(x) * w per row; r = 1 / rms(x) kept for the backward.
void rms_norm(const float* x, const float* w, float* h, float* r, int64_t rows, int64_t C, float eps) {
  rows_parallel(rows, C, [&](int64_t begin, int64_t end) {
    for (int64_t m = begin; m < end; ++m) {
      const float* xm = x + m * C;
      float ss = 0.f;
      for (int64_t c = 0; c < C; ++c) ss += xm[c] * xm[c];
      const float inv = 1.f / std::sqrt(ss / static_cast<float>(C) + eps);
      r[m] = inv;
      float* hm = h + m * C;
      for (int64_t c = 0; c < C; ++c) hm[c] = xm[c] * inv * w[c];
    }
  });
}

// For h = x r w: adds dL/dx to gx and writes dL/dw to gw, given gh = dL/dh. Rows in parallel for
// gx, then columns in parallel for gw (a sum over rows).
void rms_norm_backward(const float* gh, const float* x, const float* r, const float* w, float* gx, float* gw, int64_t rows,
                       int64_t C) {
  rows_parallel(rows, C, [&](int64_t begin, int64_t end) {
    for (int64_t m = begin; m < end; ++m) {
      const float* g = gh + m * C;
      const float* xm = x + m * C;
      const float rm = r[m];
      float dot = 0.f;
      for (int64_t c = 0; c < C; ++c) dot += g[c] * w[c] * xm[c];
      const float k = rm * rm * rm * dot / static_cast<float>(C);
      float* gxm = gx + m * C;
      for (int64_t c = 0; c < C; ++c) gxm[c] += rm * g[c] * w[c] - k * xm[c];
    }
  });
  at::parallel_for(0, C, std::max<int64_t>(1, C / 8), [&](int64_t begin, int64_t end) {
    std::fill(gw + begin, gw + end, 0.f);
    for (int64_t m = 0; m < rows; ++m) {
      const float* g = gh + m * C;
      const float* xm = x + m * C;
      const float rm = r[m];
      for (int64_t c = begin; c < end; ++c) gw[c] += g[c] * xm[c] * rm;
    }
  });
}

// "Rotate half" rotary embedding in place on rows of `heads` heads; backward = the inverse rotation.
void rotary(float* x, const float* cos, const float* sin, int64_t rows, int64_t heads, int64_t hs, bool backward) {
  const int64_t half = hs / 2;
  rows_parallel(rows, heads * hs, [&](int64_t begin, int64_t end) {
    for (int64_t m = begin; m < end; ++m) {
      const float* c = cos + m * half;
      const float* s = sin + m * half;
      for (int64_t h = 0; h < heads; ++h) {
        float* x1 = x + (m * heads + h) * hs;
        float* x2 = x1 + half;
        for (int64_t i = 0; i < half; ++i) {
          const float a = x1[i], b = x2[i];
          if (backward) {
            x1[i] = a * c[i] + b * s[i];
            x2[i] = b * c[i] - a * s[i];
          } else {
            x1[i] = a * c[i] - b * s[i];
            x2[i] = b * c[i] + a * s[i];
          }
        }
      }
    }
  });
}

// y += a x over n floats; the buffers never overlap, which lets the loop vectorise.
inline void axpy(float* __restrict y, float a, const float* __restrict x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}

// Copies the keys (or values) of K/V head kvh that a segment attends to, (keys, hs) at stride nk,
// into t (hs, keys): dot products with every key then run along contiguous memory and vectorise.
void transpose_head(const float* k, const Segment& sg, int64_t kvh, const Dims& d, float* t) {
  const int64_t hs = d.hs, nk = d.nk(), n = sg.keys();
  for (int64_t s = 0; s < n; ++s) {
    const float* ks = k + sg.key_row(s) * nk + kvh * hs;
    for (int64_t i = 0; i < hs; ++i) t[i * n + s] = ks[i];
  }
}

// Attention within each segment (see Segment), y = softmax((q / sqrt(hs)) k^T) v per query head;
// the weights are kept in probs. The exponentials run as one vectorised ATen call over all of
// probs between two loop passes (scalar libm calls in the loop cost more than the rest).
void attention(const State& st, const float* q, const float* k, const float* v, at::Tensor& probs_t, float* y) {
  const Dims& d = st.d;
  const int64_t hs = d.hs, nq = d.nq(), nk = d.nk(), g = d.nh / d.nkv, S = static_cast<int64_t>(st.segs.size());
  const float scale = 1.f / std::sqrt(static_cast<float>(hs));
  float* probs = F(probs_t);
  // Pass 1: scores minus each query's max; -inf past its last key (exp gives 0 there).
  at::parallel_for(0, S * d.nh, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> kt;
    for (int64_t sh = begin; sh < end; ++sh) {
      const Segment& sg = st.segs[sh / d.nh];
      const int64_t h = sh % d.nh, kvh = h / g, n = sg.n, kn = sg.keys();
      kt.resize(hs * kn);
      transpose_head(k, sg, kvh, d, kt.data());
      for (int64_t t = 0; t < n; ++t) {
        const int64_t seen = sg.plen + t + 1;
        const float* qt = q + (sg.start + t) * nq + h * hs;
        float* p = probs + sg.poff + (h * n + t) * kn;
        std::fill(p, p + seen, 0.f);
        for (int64_t i = 0; i < hs; ++i) axpy(p, qt[i] * scale, kt.data() + i * kn, seen);
        float mx = p[0];
        for (int64_t s = 1; s < seen; ++s) mx = std::max(mx, p[s]);
        for (int64_t s = 0; s < seen; ++s) p[s] -= mx;
        std::fill(p + seen, p + kn, -INFINITY);
      }
    }
  });
  probs_t.exp_();
  // Pass 2: normalise and weight the values.
  at::parallel_for(0, S * d.nh, 1, [&](int64_t begin, int64_t end) {
    for (int64_t sh = begin; sh < end; ++sh) {
      const Segment& sg = st.segs[sh / d.nh];
      const int64_t h = sh % d.nh, kvh = h / g, n = sg.n, kn = sg.keys();
      for (int64_t t = 0; t < n; ++t) {
        const int64_t seen = sg.plen + t + 1;
        float* p = probs + sg.poff + (h * n + t) * kn;
        float sum = 0.f;
        for (int64_t s = 0; s < seen; ++s) sum += p[s];
        const float inv = 1.f / sum;
        float* yt = y + (sg.start + t) * nq + h * hs;
        std::fill(yt, yt + hs, 0.f);
        for (int64_t s = 0; s < seen; ++s) {
          p[s] *= inv;
          axpy(yt, p[s], v + sg.key_row(s) * nk + kvh * hs, hs);
        }
      }
    }
  });
}

// Gradients of attention: gq (M, nq) written, gk and gv (M, nk) written; gy = dL/dy.
void attention_backward(const State& st, const LayerSaved& s, const float* gy, float* gq, float* gk, float* gv) {
  const Dims& d = st.d;
  const int64_t hs = d.hs, nq = d.nq(), nk = d.nk(), g = d.nh / d.nkv, G = static_cast<int64_t>(st.groups.size()) - 1;
  const float scale = 1.f / std::sqrt(static_cast<float>(hs));
  const float* q = F(s.q);
  const float* k = F(s.k);
  const float* v = F(s.v);
  const float* probs = F(s.probs);
  std::fill(gk, gk + d.M * nk, 0.f);
  std::fill(gv, gv + d.M * nk, 0.f);
  // Query heads sharing a K/V head add into the same gk/gv rows, and so do the completions sharing
  // a prompt (into the prompt's rows), so work is split by prompt group and K/V head.
  at::parallel_for(0, G * d.nkv, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> vt, dp;
    for (int64_t gi = begin; gi < end; ++gi) {
      const int64_t grp = gi / d.nkv, kvh = gi % d.nkv;
      for (int64_t si = st.groups[grp]; si < st.groups[grp + 1]; ++si) {
        const Segment& sg = st.segs[si];
        const int64_t n = sg.n, kn = sg.keys();
        vt.resize(hs * kn);
        dp.resize(kn);
        transpose_head(v, sg, kvh, d, vt.data());
        for (int64_t h = kvh * g; h < (kvh + 1) * g; ++h) {
          for (int64_t t = 0; t < n; ++t) {
            const int64_t seen = sg.plen + t + 1;
            const float* p = probs + sg.poff + (h * n + t) * kn;
            const float* gyt = gy + (sg.start + t) * nq + h * hs;
            const float* qt = q + (sg.start + t) * nq + h * hs;
            float* gqt = gq + (sg.start + t) * nq + h * hs;
            std::fill(dp.begin(), dp.begin() + seen, 0.f);
            for (int64_t i = 0; i < hs; ++i) axpy(dp.data(), gyt[i], vt.data() + i * kn, seen);
            float dot = 0.f;
            for (int64_t s2 = 0; s2 < seen; ++s2) dot += p[s2] * dp[s2];
            std::fill(gqt, gqt + hs, 0.f);
            for (int64_t s2 = 0; s2 < seen; ++s2) {
              const float gs = p[s2] * (dp[s2] - dot) * scale;
              const int64_t row = sg.key_row(s2);
              axpy(gqt, gs, k + row * nk + kvh * hs, hs);
              axpy(gk + row * nk + kvh * hs, gs, qt, hs);
              axpy(gv + row * nk + kvh * hs, p[s2], gyt, hs);
            }
          }
        }
      }
    }
  });
}

// The forward pass. With `save`, keeps in st what the backward reads; logp and ent (B, Tc) out,
// zero where nothing is scored.
void score_forward(State& st, bool save, float* out_logp, float* out_ent) {
  const Dims& d = st.d;
  const int64_t M = d.M, R = d.R, C = d.C;
  at::Tensor x = empty({M, C});
  {
    const float* E = F(st.embed());
    float* xp = F(x);
    for (int64_t m = 0; m < M; ++m) std::copy(E + st.ids[m] * C, E + (st.ids[m] + 1) * C, xp + m * C);
  }
  st.layers.clear();
  for (int64_t l = 0; l < d.L; ++l) {
    LayerSaved s;
    s.x = x;
    s.r1 = empty({M});
    s.h1 = empty({M, C});
    rms_norm(F(x), F(st.lw(l, kInNorm)), F(s.h1), F(s.r1), M, C, d.eps);
    s.q = empty({M, d.nq()});
    s.k = empty({M, d.nk()});
    s.v = empty({M, d.nk()});
    linear(s.q, s.h1, st.lw(l, kQ), st.lw(l, kQb));
    linear(s.k, s.h1, st.lw(l, kK), st.lw(l, kKb));
    linear(s.v, s.h1, st.lw(l, kV), st.lw(l, kVb));
    rotary(F(s.q), st.cos.data(), st.sin.data(), M, d.nh, d.hs, false);
    rotary(F(s.k), st.cos.data(), st.sin.data(), M, d.nkv, d.hs, false);
    s.probs = empty({st.probs_size});
    s.y = empty({M, d.nq()});
    attention(st, F(s.q), F(s.k), F(s.v), s.probs, F(s.y));
    s.x2 = empty({M, C});
    linear(s.x2, s.y, st.lw(l, kO), st.lw(l, kOb));
    s.x2.add_(x);
    s.r2 = empty({M});
    s.h2 = empty({M, C});
    rms_norm(F(s.x2), F(st.lw(l, kPostNorm)), F(s.h2), F(s.r2), M, C, d.eps);
    s.gate = empty({M, d.I});
    s.up = empty({M, d.I});
    linear(s.gate, s.h2, st.lw(l, kGate), st.lw(l, kGateb));
    linear(s.up, s.h2, st.lw(l, kUp), st.lw(l, kUpb));
    s.act = at::silu(s.gate).mul_(s.up);
    x = empty({M, C});
    linear(x, s.act, st.lw(l, kDown), st.lw(l, kDownb));
    x.add_(s.x2);
    if (save) st.layers.push_back(std::move(s));
  }

  // Final norm and vocabulary projection of the scored positions only.
  st.xf = empty({R, C});
  {
    const float* xp = F(x);
    float* xf = F(st.xf);
    for (int64_t r = 0; r < R; ++r) std::copy(xp + st.rows[r] * C, xp + (st.rows[r] + 1) * C, xf + r * C);
  }
  st.rf = empty({R});
  st.hf = empty({R, C});
  rms_norm(F(st.xf), F(st.final_norm()), F(st.hf), F(st.rf), R, C, d.eps);
  // Log-softmax and probabilities over the whole (R, V) block in two vectorised ATen calls (SLEEF
  // exp/log) rather than scalar libm in a loop, in place where possible: at large vocabularies
  // every (R, V) buffer is fresh pages to fault in.
  st.logp = empty({R, d.V});
  at::mm_out(st.logp, st.hf, st.head().t());
  if (d.temp != 1.f) st.logp.div_(static_cast<double>(d.temp));
  st.logp.sub_(at::logsumexp(st.logp, {1}, true));
  st.prob = st.logp.exp();
  st.ent = empty({R});
  {
    const float* pp = F(st.prob);
    const float* lq = F(st.logp);
    float* e = F(st.ent);
    rows_parallel(R, d.V, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) e[r] = -pt::loops::dot(pp + r * d.V, lq + r * d.V, d.V);
    });
  }
  const float* lp = F(st.logp);
  const float* ent = F(st.ent);
  std::fill(out_logp, out_logp + d.B * d.Tc, 0.f);
  std::fill(out_ent, out_ent + d.B * d.Tc, 0.f);
  for (int64_t r = 0; r < R; ++r) {
    out_logp[st.out[r]] = lp[r * d.V + st.targets[r]];
    out_ent[st.out[r]] = ent[r];
  }
  if (!save) {
    st.xf = st.rf = st.hf = st.logp = st.prob = st.ent = at::Tensor();
  }
}

// dL/d(every weight slot) given dL/dlogp and dL/dentropy (B, Tc), either undefined for zero.
std::vector<at::Tensor> score_backward(const State& st, const at::Tensor& glogp, const at::Tensor& gent) {
  const Dims& d = st.d;
  const int64_t M = d.M, R = d.R, C = d.C;
  std::vector<at::Tensor> gw(st.w.size());
  for (size_t i = 0; i < st.w.size(); ++i)
    if (st.w[i].defined()) gw[i] = at::empty_like(st.w[i]);
  const int64_t embed_slot = d.L * kSlots, norm_slot = embed_slot + 1, head_slot = embed_slot + 2;

  // Through log-softmax and entropy: dz_j = gl (onehot_j - p_j) - ge p_j (logp_j + H), dlogits = dz / temp.
  at::Tensor gz = empty({R, d.V});
  {
    const at::Tensor gl = glogp.defined() ? glogp.contiguous() : at::Tensor();
    const at::Tensor ge = gent.defined() ? gent.contiguous() : at::Tensor();
    const float* glp = gl.defined() ? F(gl) : nullptr;
    const float* gep = ge.defined() ? F(ge) : nullptr;
    const float* lp = F(st.logp);
    const float* prob = F(st.prob);
    const float* ent = F(st.ent);
    const float inv_temp = 1.f / d.temp;
    float* g = F(gz);
    rows_parallel(R, d.V, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const float a = glp ? glp[st.out[r]] : 0.f, e = gep ? gep[st.out[r]] : 0.f, h = ent[r];
        const float* z = lp + r * d.V;
        const float* pr = prob + r * d.V;
        float* gr = g + r * d.V;
        for (int64_t j = 0; j < d.V; ++j) gr[j] = -pr[j] * (a + e * (z[j] + h)) * inv_temp;
        gr[st.targets[r]] += a * inv_temp;
      }
    });
  }
  at::Tensor ghead = st.w[head_slot].defined() ? gw[head_slot] : at::empty_like(st.embed());
  at::Tensor ghf = empty({R, C});
  linear_backward(gz, st.hf, st.head(), ghead, nullptr, &ghf, false);
  at::Tensor gxf = at::zeros({R, C}, at::kFloat);
  rms_norm_backward(F(ghf), F(st.xf), F(st.rf), F(st.final_norm()), F(gxf), F(gw[norm_slot]), R, C);
  at::Tensor gx = at::zeros({M, C}, at::kFloat);  // dL/d(residual stream), walked back layer by layer
  {
    float* gxp = F(gx);
    const float* src = F(gxf);
    // Added, not copied: the rows sharing a prompt score its last token each.
    for (int64_t r = 0; r < R; ++r) axpy(gxp + st.rows[r] * C, 1.f, src + r * C, C);
  }

  at::Tensor gact = empty({M, d.I}), gup = empty({M, d.I}), gh = empty({M, C});
  at::Tensor gy = empty({M, d.nq()}), gq = empty({M, d.nq()}), gk = empty({M, d.nk()}), gv = empty({M, d.nk()});
  for (int64_t l = d.L - 1; l >= 0; --l) {
    const LayerSaved& s = st.layers[l];
    auto G = [&](int slot) -> at::Tensor& { return gw[l * kSlots + slot]; };
    // MLP half: x3 = x2 + down(silu(gate) * up).
    linear_backward(gx, s.act, st.lw(l, kDown), G(kDown), &G(kDownb), &gact, false);
    {
      const at::Tensor sig = at::sigmoid(s.gate);
      const float* sgp = F(sig);
      const float* gp = F(s.gate);
      const float* up = F(s.up);
      float* ga = F(gact);  // overwritten in place by dL/dgate
      float* gu = F(gup);
      rows_parallel(M, d.I, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin * d.I; i < end * d.I; ++i) {
          const float sg = sgp[i], a = ga[i];
          gu[i] = a * gp[i] * sg;
          ga[i] = a * up[i] * sg * (1.f + gp[i] * (1.f - sg));
        }
      });
    }
    linear_backward(gact, s.h2, st.lw(l, kGate), G(kGate), &G(kGateb), &gh, false);
    linear_backward(gup, s.h2, st.lw(l, kUp), G(kUp), &G(kUpb), &gh, true);
    rms_norm_backward(F(gh), F(s.x2), F(s.r2), F(st.lw(l, kPostNorm)), F(gx), F(G(kPostNorm)), M, C);
    // Attention half: x2 = x + o(attn(rotary(q), rotary(k), v)).
    linear_backward(gx, s.y, st.lw(l, kO), G(kO), &G(kOb), &gy, false);
    attention_backward(st, s, F(gy), F(gq), F(gk), F(gv));
    rotary(F(gq), st.cos.data(), st.sin.data(), M, d.nh, d.hs, true);
    rotary(F(gk), st.cos.data(), st.sin.data(), M, d.nkv, d.hs, true);
    linear_backward(gq, s.h1, st.lw(l, kQ), G(kQ), &G(kQb), &gh, false);
    linear_backward(gk, s.h1, st.lw(l, kK), G(kK), &G(kKb), &gh, true);
    linear_backward(gv, s.h1, st.lw(l, kV), G(kV), &G(kVb), &gh, true);
    rms_norm_backward(F(gh), F(s.x), F(s.r1), F(st.lw(l, kInNorm)), F(gx), F(G(kInNorm)), M, C);
  }

  // Embedding rows gather their tokens' gradients (plus the tied head's).
  at::Tensor& gE = gw[embed_slot];
  if (st.w[head_slot].defined()) gE.zero_();
  else gE = ghead;
  float* ge = F(gE);
  const float* gxp = F(gx);
  for (int64_t m = 0; m < M; ++m) axpy(ge + st.ids[m] * C, 1.f, gxp + m * C, C);
  return gw;
}

// The autograd node's state lives in one heap object owned by a tensor in saved_data, so it is
// freed with the graph.
struct ScoreFunction : torch::autograd::Function<ScoreFunction> {
  static variable_list forward(AutogradContext* ctx, at::TensorList params, std::shared_ptr<State> st) {
    at::Tensor logp = at::empty({st->d.B, st->d.Tc}, at::kFloat), ent = at::empty({st->d.B, st->d.Tc}, at::kFloat);
    score_forward(*st, true, F(logp), F(ent));
    ctx->set_materialize_grads(false);
    ctx->save_for_backward(params.vec());  // version checks: weights must not change before backward
    auto* holder = new std::shared_ptr<State>(std::move(st));
    ctx->saved_data["state"] = at::from_blob(
        holder, {1}, [holder](void*) { delete holder; }, at::TensorOptions().dtype(at::kByte));
    return {logp, ent};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    ctx->get_saved_variables();
    const auto* holder = static_cast<const std::shared_ptr<State>*>(ctx->saved_data["state"].toTensor().data_ptr());
    const State& st = **holder;
    std::vector<at::Tensor> gw = score_backward(st, grads[0], grads[1]);
    variable_list out;
    for (auto& g : gw)
      if (g.defined()) out.push_back(g);
    out.emplace_back();  // the state argument
    return out;
  }
};

void check_weight(const at::Tensor& t, const char* what, std::initializer_list<int64_t> shape) {
  if (!t.defined()) throw std::invalid_argument(std::string("pt_llama_score: missing ") + what);
  if (t.scalar_type() != at::kFloat || !t.device().is_cpu() || !t.is_contiguous())
    throw std::invalid_argument(std::string("pt_llama_score: ") + what + " must be a contiguous float32 CPU tensor");
  if (t.sizes() != at::IntArrayRef(shape)) throw std::invalid_argument(std::string("pt_llama_score: ") + what + " has the wrong shape");
}
}  // namespace

// Per-token log-probs and entropies (B, Tc) of completions under temperature, 0 past each row's
// completion; differentiable with respect to every weight when grad mode is on and they require it.
// ids (B, P + Tc) in Scorer's layout; pad (B) leading pad slots; clen (B) completion lengths.
// w: L * 16 layer handles in LlamaModel's FusedWeightNames order (null where a bias is absent),
// then embedding (V, C), final norm (C), lm_head (V, C) or null when tied. inv_freq (hs/2)
// float32: the rotary inverse frequencies. packed_out (may be null): the number of packed tokens
// that went through the layers (each shared prompt counted once).
PT_API int pt_llama_score(const int64_t* ids, const int64_t* pad, const int64_t* clen, int64_t B, int64_t P, int64_t Tc,
                          const at::Tensor* const* w, int nw, int64_t nh, int64_t nkv, double eps, const at::Tensor* inv_freq,
                          double temperature, at::Tensor** logp_out, at::Tensor** ent_out, int64_t* packed_out) {
  return pt::guard([=] {
    *logp_out = *ent_out = nullptr;
    if (w == nullptr || nw < kSlots + 3 || (nw - 3) % kSlots != 0) throw std::invalid_argument("pt_llama_score: bad weight list");
    if (B <= 0 || P <= 0 || Tc <= 0) throw std::invalid_argument("pt_llama_score: B, P and Tc must be positive");
    auto st = std::make_shared<State>();
    Dims& d = st->d;
    d.L = (nw - 3) / kSlots;
    d.B = B, d.Tc = Tc, d.nh = nh, d.nkv = nkv;
    d.eps = static_cast<float>(eps);
    d.temp = static_cast<float>(temperature);
    if (nh <= 0 || nkv <= 0 || nh % nkv != 0) throw std::invalid_argument("pt_llama_score: heads must be positive, nh a multiple of nkv");
    if (!(temperature > 0)) throw std::invalid_argument("pt_llama_score: temperature must be positive");
    st->w.resize(nw);
    for (int i = 0; i < nw; ++i)
      if (w[i] != nullptr) st->w[i] = *w[i];
    const at::Tensor& E = st->embed();
    if (!E.defined() || E.dim() != 2) throw std::invalid_argument("pt_llama_score: the embedding must be (V, C)");
    d.V = E.size(0), d.C = E.size(1);
    const at::Tensor& wq = st->lw(0, kQ);
    if (!wq.defined() || wq.size(0) % nh != 0) throw std::invalid_argument("pt_llama_score: q_proj rows must be a multiple of nh");
    d.hs = wq.size(0) / nh;
    if (d.hs % 2 != 0) throw std::invalid_argument("pt_llama_score: head size must be even");
    d.I = st->lw(0, kGate).defined() ? st->lw(0, kGate).size(0) : 0;
    const int64_t C = d.C, I = d.I, nq = d.nq(), nk = d.nk();
    check_weight(E, "embedding", {d.V, C});
    check_weight(st->final_norm(), "final norm", {C});
    check_weight(st->head(), "lm_head", {d.V, C});
    for (int64_t l = 0; l < d.L; ++l) {
      auto opt = [&](int s, const char* what, std::initializer_list<int64_t> shape) {
        if (st->lw(l, s).defined()) check_weight(st->lw(l, s), what, shape);
      };
      check_weight(st->lw(l, kInNorm), "input_layernorm", {C});
      check_weight(st->lw(l, kQ), "q_proj", {nq, C});
      check_weight(st->lw(l, kK), "k_proj", {nk, C});
      check_weight(st->lw(l, kV), "v_proj", {nk, C});
      check_weight(st->lw(l, kO), "o_proj", {C, nq});
      check_weight(st->lw(l, kPostNorm), "post_attention_layernorm", {C});
      check_weight(st->lw(l, kGate), "gate_proj", {I, C});
      check_weight(st->lw(l, kUp), "up_proj", {I, C});
      check_weight(st->lw(l, kDown), "down_proj", {C, I});
      opt(kQb, "q bias", {nq});
      opt(kKb, "k bias", {nk});
      opt(kVb, "v bias", {nk});
      opt(kOb, "o bias", {C});
      opt(kGateb, "gate bias", {I});
      opt(kUpb, "up bias", {I});
      opt(kDownb, "down bias", {C});
    }
    const at::Tensor& inv = T(inv_freq);
    check_weight(inv, "inv_freq", {d.hs / 2});
    // Pack each distinct prompt once, then its rows' completions (see the top of this file).
    const int64_t N = P + Tc;
    for (int64_t b = 0; b < B; ++b)
      if (pad[b] < 0 || pad[b] >= P || clen[b] < 0 || clen[b] > Tc) throw std::invalid_argument("pt_llama_score: bad row layout");
    std::map<std::vector<int64_t>, int64_t> prompt_group;
    std::vector<std::vector<int64_t>> group_rows;
    for (int64_t b = 0; b < B; ++b) {
      if (clen[b] == 0) continue;
      auto [it, added] = prompt_group.try_emplace(std::vector<int64_t>(ids + b * N + pad[b], ids + b * N + P),
                                                  static_cast<int64_t>(group_rows.size()));
      if (added) group_rows.emplace_back();
      group_rows[it->second].push_back(b);
    }
    std::vector<int64_t> pos;  // (M) each packed token's position
    auto add_segment = [&](const int64_t* tokens, int64_t n, int64_t pstart, int64_t plen) {
      const int64_t start = static_cast<int64_t>(st->ids.size());
      st->segs.push_back({start, n, pstart, plen, st->probs_size});
      st->probs_size += nh * n * (plen + n);
      st->ids.insert(st->ids.end(), tokens, tokens + n);
      for (int64_t j = 0; j < n; ++j) pos.push_back(plen + j);
      return start;
    };
    for (const auto& rows : group_rows) {
      st->groups.push_back(static_cast<int64_t>(st->segs.size()));
      const int64_t b0 = rows[0], plen = P - pad[b0];
      const int64_t pstart = add_segment(ids + b0 * N + pad[b0], plen, 0, 0);
      for (int64_t b : rows) {
        const int64_t cstart = clen[b] > 1 ? add_segment(ids + b * N + P, clen[b] - 1, pstart, plen) : 0;
        for (int64_t i = 0; i < clen[b]; ++i) {
          st->rows.push_back(i == 0 ? pstart + plen - 1 : cstart + i - 1);
          st->targets.push_back(ids[b * N + P + i]);
          st->out.push_back(b * Tc + i);
        }
      }
    }
    st->groups.push_back(static_cast<int64_t>(st->segs.size()));
    d.M = static_cast<int64_t>(st->ids.size());
    d.R = static_cast<int64_t>(st->rows.size());
    if (packed_out != nullptr) *packed_out = d.M;
    for (int64_t m = 0; m < d.M; ++m)
      if (st->ids[m] < 0 || st->ids[m] >= d.V) throw std::invalid_argument("pt_llama_score: token id outside the vocabulary");
    for (int64_t t : st->targets)
      if (t < 0 || t >= d.V) throw std::invalid_argument("pt_llama_score: token id outside the vocabulary");
    // Rotary angles as Rotary.Angles computes them: float32 position times float32 frequency.
    const int64_t half = d.hs / 2;
    st->cos.resize(d.M * half);
    st->sin.resize(d.M * half);
    const float* f = F(inv);
    for (int64_t m = 0; m < d.M; ++m)
      for (int64_t i = 0; i < half; ++i) {
        const float a = static_cast<float>(pos[m]) * f[i];
        st->cos[m * half + i] = std::cos(a);
        st->sin[m * half + i] = std::sin(a);
      }

    std::vector<at::Tensor> params;
    bool needs_grad = false;
    for (const auto& t : st->w)
      if (t.defined()) {
        params.push_back(t);
        needs_grad = needs_grad || t.requires_grad();
      }
    at::Tensor logp, ent;
    if (at::GradMode::is_enabled() && needs_grad) {
      variable_list out = ScoreFunction::apply(at::TensorList(params), st);
      logp = out[0], ent = out[1];
    } else {
      logp = at::empty({B, Tc}, at::kFloat), ent = at::empty({B, Tc}, at::kFloat);
      score_forward(*st, false, F(logp), F(ent));
    }
    *logp_out = new at::Tensor(logp);
    *ent_out = new at::Tensor(ent);
  });
}
