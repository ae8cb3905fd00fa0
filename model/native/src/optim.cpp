// Optimizer kernels: one call per parameter keeps the per-step crossing count at one per tensor.
#include "tensor_abi.h"

#include <c10/core/GradMode.h>

#include <cmath>

using pt::M;
using pt::T;

// One AdamW step on one parameter (PyTorch's single-tensor algorithm): decoupled weight decay,
// then Adam with bias correction. step is the 1-based step count after this update.
PT_API int pt_adamw_step(at::Tensor* param, const at::Tensor* grad, at::Tensor* exp_avg, at::Tensor* exp_avg_sq,
                         double lr, double beta1, double beta2, double eps, double weight_decay, int64_t step) {
  return pt::guard([=] {
    c10::AutoGradMode no_grad(false);
    at::Tensor& p = M(param);
    const at::Tensor& g = T(grad);
    at::Tensor& m = M(exp_avg);
    at::Tensor& v = M(exp_avg_sq);
    if (step < 1) throw std::invalid_argument("AdamW step count must be >= 1");
    if (weight_decay != 0.0) p.mul_(1.0 - lr * weight_decay);
    m.lerp_(g, 1.0 - beta1);
    v.mul_(beta2).addcmul_(g, g, 1.0 - beta2);
    const double bc1 = 1.0 - std::pow(beta1, static_cast<double>(step));
    const double bc2 = 1.0 - std::pow(beta2, static_cast<double>(step));
    at::Tensor denom = v.sqrt().div_(std::sqrt(bc2)).add_(eps);
    p.addcdiv_(m, denom, -lr / bc1);
  });
}

// Scales the gradients of params in place so that their global L2 norm is at most max_norm;
// writes the norm before clipping. Parameters without a gradient are skipped.
PT_API int pt_clip_grad_norm(at::Tensor* const* params, int n, double max_norm, double* total_norm) {
  return pt::guard([=] {
    c10::AutoGradMode no_grad(false);
    std::vector<at::Tensor> norms;
    for (int i = 0; i < n; ++i) {
      const at::Tensor& g = M(params[i]).grad();
      if (g.defined()) norms.push_back(at::linalg_vector_norm(g, 2, c10::nullopt, false, at::kFloat));
    }
    if (norms.empty()) {
      *total_norm = 0.0;
      return;
    }
    double total = at::linalg_vector_norm(at::stack(norms), 2).item<double>();
    *total_norm = total;
    const double coef = max_norm / (total + 1e-6);
    if (coef < 1.0) {
      for (int i = 0; i < n; ++i) {
        at::Tensor& g = M(params[i]).mutable_grad();
        if (g.defined()) g.mul_(coef);
      }
    }
  });
}
