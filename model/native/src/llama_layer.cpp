// One whole Llama decoder layer for inference, in a single call: the managed path
// (model/Policy/LlamaModel.cs, which autograd runs through and which this is tested against)
// costs ~40 native calls and as many result handles per layer. Here the intermediates go into
// few buffers, k and v are rotated and written straight into the KV cache, grouped-query heads
// attend to their shared K/V without copies, and residual adds ride on the GEMMs (beta = 1).
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

// out = x W^T (+ b), written into out (which may be a column slice of a wider buffer).
void linear_into(at::Tensor out, const at::Tensor& x, const at::Tensor& w, const c10::optional<at::Tensor>& b) {
  if (b.has_value()) at::addmm_out(out, *b, x, w.t());
  else at::mm_out(out, x, w.t());
}

// "Rotate half" rotary embedding of x (B, n, T, hs) written into out of the same shape:
// out = x * cos + cat(-x2, x1) * sin, each product rounded on its own as the op-by-op path
// does, so bfloat16 results match it bit for bit (x1 c1 + (-(x2 s1)) == x1 c1 - x2 s1 exactly).
void rotary_into(at::Tensor out, const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) {
  const int64_t half = x.size(-1) / 2;
  at::Tensor x1 = x.narrow(-1, 0, half), x2 = x.narrow(-1, half, half);
  at::mul_out(out, x, cos);
  out.narrow(-1, 0, half).sub_(x2 * sin.narrow(-1, 0, half));
  out.narrow(-1, half, half).add_(x1 * sin.narrow(-1, half, half));
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
    const int64_t nq = nh * hs, nk = nkv * hs;

    // Attention half.
    at::Tensor x2 = x.reshape({B * Tq, C});
    at::Tensor h = rms_norm(x2, T(w[0]), eps);
    at::Tensor qkv = at::empty({B * Tq, nq + 2 * nk}, h.options());
    linear_into(qkv.narrow(1, 0, nq), h, wq, opt(2));
    linear_into(qkv.narrow(1, nq, nk), h, wk, opt(4));
    linear_into(qkv.narrow(1, nq + nk, nk), h, wv, opt(6));
    at::Tensor q = qkv.narrow(1, 0, nq).view({B, Tq, nh, hs}).transpose(1, 2);            // (B, nh, T, hs)
    at::Tensor k = qkv.narrow(1, nq, nk).view({B, Tq, nkv, hs}).transpose(1, 2);          // (B, nkv, T, hs)
    at::Tensor v = qkv.narrow(1, nq + nk, nk).view({B, Tq, nkv, hs}).transpose(1, 2);     // (B, nkv, T, hs)
    at::Tensor qr = at::empty({B, nh, Tq, hs}, h.options());
    rotary_into(qr, q, cos, sin);
    rotary_into(keys.narrow(2, start, Tq), k, cos, sin);
    values.narrow(2, start, Tq).copy_(v);
    at::Tensor K = keys.narrow(2, 0, S), V = values.narrow(2, 0, S);                      // (B, nkv, S, hs)

    // The g query heads sharing a K/V head (consecutive) become g*T queries against it; the
    // attention kernel is the one the op-by-op path calls, so both agree to the last bit.
    at::Tensor qg = qr.view({B, nkv, g * Tq, hs});                                          // (B, nkv, g*T, hs)
    at::Tensor mg = Tq == 1 || g == 1 ? mask : mask.repeat({1, 1, g, 1});                  // (B, 1, g*T or 1, S)
    at::Tensor y = attention(qg, K, V, mg).view({B, nh, Tq, hs}).transpose(1, 2).reshape({B * Tq, nq});
    // Residual adds stay separate from the GEMMs: fused (beta = 1) they round differently in bfloat16.
    at::Tensor xa = x2 + at::linear(y, T(w[7]), opt(8));                                   // x + o(y)

    // MLP half: down(silu(gate(h)) * up(h)).
    h = rms_norm(xa, T(w[9]), eps);
    const int64_t I = T(w[10]).size(0);
    at::Tensor gu = at::empty({B * Tq, 2 * I}, h.options());
    at::Tensor gate = gu.narrow(1, 0, I), up = gu.narrow(1, I, I);
    linear_into(gate, h, T(w[10]), opt(11));
    linear_into(up, h, T(w[12]), opt(13));
    at::silu_(gate).mul_(up);
    xa.add_(at::linear(gate, T(w[14]), opt(15)));                                          // x + down(...)
    return xa.view({B, Tq, C});
  });
}
