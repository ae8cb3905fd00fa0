// One whole Llama decoder layer for inference, in a single call: the op-by-op path
// (model/Policy/LlamaModel.cs, which autograd runs through and which this is tested against)
// costs ~40 native calls, result handles and dispose-scope entries per layer; here there are
// none of those. The ops and their
// order are the op-by-op path's, so bfloat16 results agree bit for bit. Writing q/k/v and
// gate/up into column slices of one buffer, rotary into preallocated outputs and residual adds
// folded into the GEMMs (beta = 1) were measured too: no faster here, slower in bfloat16
// prefill, and the folded adds round differently.
#include "tensor_abi.h"

#include <torch/csrc/api/include/torch/version.h>

#include <cmath>

using pt::T;

namespace {
// x / rms(x) * w with the statistics in float32, as RmsNorm.Forward computes it.
at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& w, double eps) {
  at::Tensor xf = x.scalar_type() == at::kFloat ? x : x.to(at::kFloat);
  at::Tensor inv = xf.square().mean(-1, true).add_(eps).rsqrt_();
  at::Tensor normed = xf * inv;
  if (normed.scalar_type() != w.scalar_type()) normed = normed.to(w.scalar_type());
  return normed.mul_(w);
}

// "Rotate half" rotary embedding of x (B, n, T, hs): x * cos + cat(-x2, x1) * sin.
at::Tensor rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) {
  const int64_t half = x.size(-1) / 2;
  at::Tensor x1 = x.narrow(-1, 0, half), x2 = x.narrow(-1, half, half);
  return x * cos + at::cat({x2.neg(), x1}, -1) * sin;
}

at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& mask) {
#if TORCH_VERSION_MAJOR >= 2
  return at::scaled_dot_product_attention(q, k, v, mask);
#else
  return std::get<0>(at::_scaled_dot_product_attention(q, k, v, mask, 0.0, false, false));
#endif
}
}  // namespace

// w: 16 handles, null where absent: input_layernorm, q, q_bias, k, k_bias, v, v_bias, o, o_bias,
// post_attention_layernorm, gate, gate_bias, up, up_bias, down, down_bias.
// x (B, T, C); cos, sin (B, 1, T, hs); mask (B, 1, T, S) bool, true = may attend, S = start + T;
// keys, values: the layer's whole cache (B, nkv, capacity, hs), positions [start, S) written here.
PT_API at::Tensor* pt_llama_layer(const at::Tensor* x_h, const at::Tensor* cos_h, const at::Tensor* sin_h,
                                  const at::Tensor* mask_h, at::Tensor* keys_h, at::Tensor* values_h, int64_t start,
                                  const at::Tensor* const* w, int nw, int64_t nh, int64_t nkv, double eps) {
  return pt::make([=] {
    if (nw != 16 || w == nullptr) throw std::invalid_argument("pt_llama_layer takes 16 weight handles");
    auto opt = [&](int i) { return pt::opt(w[i]); };
    const at::Tensor& x = T(x_h);
    const at::Tensor& cos = T(cos_h);
    const at::Tensor& sin = T(sin_h);
    const at::Tensor& mask = T(mask_h);
    at::Tensor& keys = pt::M(keys_h);
    at::Tensor& values = pt::M(values_h);
    const at::Tensor& wq = T(w[1]);
    const at::Tensor& wk = T(w[3]);
    const at::Tensor& wv = T(w[5]);
    if (x.dim() != 3) throw std::invalid_argument("x must be (B, T, C)");
    const int64_t B = x.size(0), Tq = x.size(1), C = x.size(2);
    if (nh <= 0 || nkv <= 0 || nh % nkv != 0) throw std::invalid_argument("heads must be positive, nh a multiple of nkv");
    const int64_t hs = wq.size(0) / nh, g = nh / nkv, S = start + Tq;
    if (keys.dim() != 4 || keys.size(0) != B || keys.size(1) != nkv || keys.size(3) != hs || S > keys.size(2))
      throw std::invalid_argument("KV cache shape does not fit the layer and call");
    if (mask.dim() != 4 || mask.size(0) != B || mask.size(2) != Tq || mask.size(3) != S)
      throw std::invalid_argument("mask must be (B, 1, T, S)");
    const int64_t nq = nh * hs;

    // Each temporary is dropped as soon as it is consumed: a smaller peak keeps the allocator on
    // warm memory (fresh pages cost as much as the GEMMs here; see Mlp.Forward).
    at::Tensor x2 = x.reshape({B * Tq, C});
    at::Tensor y;
    {
      at::Tensor h = rms_norm(x2, T(w[0]), eps);
      at::Tensor qg;
      {
        at::Tensor q = at::linear(h, wq, opt(2)).view({B, Tq, nh, hs}).transpose(1, 2);  // (B, nh, T, hs)
        // The g query heads sharing a K/V head (consecutive) become g*T queries against it.
        qg = rotary(q, cos, sin).reshape({B, nkv, g * Tq, hs});                           // (B, nkv, g*T, hs)
      }
      {
        at::Tensor k = at::linear(h, wk, opt(4)).view({B, Tq, nkv, hs}).transpose(1, 2); // (B, nkv, T, hs)
        keys.narrow(2, start, Tq).copy_(rotary(k, cos, sin));
      }
      values.narrow(2, start, Tq).copy_(at::linear(h, wv, opt(6)).view({B, Tq, nkv, hs}).transpose(1, 2));
      h.reset();
      at::Tensor mg = Tq == 1 || g == 1 ? mask : mask.repeat({1, 1, g, 1});             // (B, 1, g*T or 1, S)
      y = attention(qg, keys.narrow(2, 0, S), values.narrow(2, 0, S), mg)               // K, V (B, nkv, S, hs)
              .view({B, nh, Tq, hs}).transpose(1, 2).reshape({B * Tq, nq});
    }
    at::Tensor xa = x2 + at::linear(y, T(w[7]), opt(8));                                   // x + o(y)
    y.reset();

    // MLP half: down(silu(gate(h)) * up(h)).
    at::Tensor gate;
    {
      at::Tensor h = rms_norm(xa, T(w[9]), eps);
      gate = at::linear(h, T(w[10]), opt(11));
      at::silu_(gate).mul_(at::linear(h, T(w[12]), opt(13)));
    }
    xa.add_(at::linear(gate, T(w[14]), opt(15)));                                          // x + down(...)
    return xa.view({B, Tq, C});
  });
}
