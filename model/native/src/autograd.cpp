// Gradient flags, backward, gradient access and the thread-local grad / inference modes.
#include "tensor_abi.h"

#include <c10/core/GradMode.h>
#include <c10/core/InferenceMode.h>

using pt::Handle;
using pt::M;
using pt::T;

PT_API int pt_set_requires_grad(at::Tensor* a, int on) {
  return pt::guard([=] { M(a).requires_grad_(on != 0); });
}

PT_API int pt_requires_grad(const at::Tensor* a) { return a && a->requires_grad() ? 1 : 0; }
PT_API int pt_is_leaf(const at::Tensor* a) { return a && a->is_leaf() ? 1 : 0; }

// grad may be null for a scalar output.
PT_API int pt_backward(const at::Tensor* a, const at::Tensor* grad, int retain_graph, int create_graph) {
  return pt::guard([=] {
    at::Tensor g = grad ? T(grad) : at::Tensor();
    T(a).backward(g, retain_graph != 0, create_graph != 0);
  });
}

// Writes a new handle to the gradient, or null when none has been accumulated.
PT_API int pt_grad(const at::Tensor* a, Handle* out) {
  return pt::guard([=] {
    const at::Tensor& g = T(a).grad();
    *out = g.defined() ? new at::Tensor(g) : nullptr;
  });
}

// grad null clears it (like setting .grad = None).
PT_API int pt_set_grad(at::Tensor* a, const at::Tensor* grad) {
  return pt::guard([=] { M(a).mutable_grad() = grad ? T(grad) : at::Tensor(); });
}

PT_API int pt_zero_grad(at::Tensor* a, int set_to_none) {
  return pt::guard([=] {
    at::Tensor& g = M(a).mutable_grad();
    if (!g.defined()) return;
    if (set_to_none) {
      g = at::Tensor();
    } else {
      if (g.grad_fn()) g = g.detach();
      else g.requires_grad_(false);
      g.zero_();
    }
  });
}

PT_API int pt_retain_grad(at::Tensor* a) { return pt::guard([=] { M(a).retain_grad(); }); }

PT_API int pt_grad_enabled() { return c10::GradMode::is_enabled() ? 1 : 0; }
PT_API void pt_set_grad_enabled(int on) { c10::GradMode::set_enabled(on != 0); }

// Inference mode is an RAII guard in libtorch; .NET holds it as an opaque object and must end
// it on the same thread, in reverse order of entry.
PT_API void* pt_inference_mode_enter() {
  c10::InferenceMode* guard = nullptr;
  pt::guard([&] { guard = new c10::InferenceMode(true); });
  return guard;
}

PT_API void pt_inference_mode_exit(void* guard) { delete static_cast<c10::InferenceMode*>(guard); }

PT_API int pt_is_inference_mode() { return c10::InferenceMode::is_enabled() ? 1 : 0; }
