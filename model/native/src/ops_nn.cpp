// Matrix products, softmax, embedding, losses and attention.
#include "tensor_abi.h"

#include <torch/csrc/api/include/torch/version.h>

#include <cmath>

using pt::Handle;
using pt::T;

// op 0 matmul (broadcasting), 1 mm, 2 bmm.
PT_API Handle pt_matmul(int op, const at::Tensor* a, const at::Tensor* b) {
  return pt::make([=] {
    switch (op) {
      case 0: return at::matmul(T(a), T(b));
      case 1: return at::mm(T(a), T(b));
      case 2: return at::bmm(T(a), T(b));
    }
    throw std::invalid_argument("unknown matmul op");
  });
}

// y = x W^T (+ b); bias may be null.
PT_API Handle pt_linear(const at::Tensor* x, const at::Tensor* w, const at::Tensor* b) {
  return pt::make([=] { return at::linear(T(x), T(w), pt::opt(b)); });
}

// log != 0 selects log_softmax; dtype < 0 keeps the input's type.
PT_API Handle pt_softmax(const at::Tensor* a, int64_t dim, int log, int dtype) {
  return pt::make([=] {
    c10::optional<at::ScalarType> st;
    if (dtype >= 0) st = pt::dtype(dtype);
    return log ? at::log_softmax(T(a), dim, st) : at::softmax(T(a), dim, st);
  });
}

PT_API Handle pt_embedding(const at::Tensor* weight, const at::Tensor* indices) {
  return pt::make([=] { return at::embedding(T(weight), T(indices)); });
}

// reduction: 0 none, 1 mean, 2 sum (at::Reduction order).
PT_API Handle pt_cross_entropy(const at::Tensor* logits, const at::Tensor* target, int64_t ignore_index, int reduction) {
  return pt::make([=] {
    if (reduction < 0 || reduction > 2) throw std::invalid_argument("unknown reduction");
    return at::cross_entropy_loss(T(logits), T(target), {}, reduction, ignore_index, 0.0);
  });
}

namespace {
// softmax(q k^T / sqrt(d) + mask) v, written out: the reference every fused kernel is checked
// against, and the path taken where libtorch has no fused attention.
at::Tensor attention_explicit(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                              const c10::optional<at::Tensor>& mask, bool causal) {
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  at::Tensor scores = at::matmul(q, k.transpose(-2, -1)).mul(scale);  // (..., L, S)
  const int64_t L = q.size(-2), S = k.size(-2);
  if (causal) {
    auto future = at::ones({L, S}, q.options().dtype(at::kBool)).triu(1);
    scores = scores.masked_fill(future, -std::numeric_limits<double>::infinity());
  }
  if (mask.has_value() && mask->defined()) {
    if (mask->scalar_type() == at::kBool)
      scores = scores.masked_fill(mask->logical_not(), -std::numeric_limits<double>::infinity());
    else
      scores = scores.add(*mask);
  }
  return at::matmul(at::softmax(scores, -1), v);
}

at::Tensor attention_fused(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                           const c10::optional<at::Tensor>& mask, bool causal) {
#if TORCH_VERSION_MAJOR >= 2
  return at::scaled_dot_product_attention(q, k, v, mask, 0.0, causal);
#elif TORCH_VERSION_MAJOR == 1 && TORCH_VERSION_MINOR >= 13
  // 1.13 ships the kernel under a private name with an extra attention-weights output.
  return std::get<0>(at::_scaled_dot_product_attention(q, k, v, mask, 0.0, false, causal));
#else
  throw std::runtime_error("this libtorch has no fused attention");
#endif
}
}  // namespace

PT_API int pt_has_fused_attention() {
#if TORCH_VERSION_MAJOR >= 2 || (TORCH_VERSION_MAJOR == 1 && TORCH_VERSION_MINOR >= 13)
  return 1;
#else
  return 0;
#endif
}

// path: 0 fused where available, else explicit; 1 explicit; 2 fused (error where absent).
// mask (nullable): bool, true = may attend; or float, added to the scores.
PT_API Handle pt_attention(const at::Tensor* q, const at::Tensor* k, const at::Tensor* v,
                           const at::Tensor* mask, int causal, int path) {
  return pt::make([=] {
    bool fused = path == 2 || (path == 0 && pt_has_fused_attention());
    return fused ? attention_fused(T(q), T(k), T(v), pt::opt(mask), causal != 0)
                 : attention_explicit(T(q), T(k), T(v), pt::opt(mask), causal != 0);
  });
}
