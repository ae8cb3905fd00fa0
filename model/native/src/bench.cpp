// C++-side timing loops over tensors the caller made: the references the binding's own rates
// are compared against, running the very same libtorch call without any .NET in between.
#include "tensor_abi.h"

#include <chrono>

// Times iters out-of-place ops (0: add, 1: matmul) of a and b; each result is freed at once,
// as the binding's would be. Writes nanoseconds per op. No warm-up: the caller does that.
PT_API int pt_bench_loop(int op, const at::Tensor* a, const at::Tensor* b, int iters, double* ns_per_op) {
  return pt::guard([=] {
    if (op != 0 && op != 1) throw std::invalid_argument("unknown benchmark op");
    if (iters < 1) throw std::invalid_argument("iters must be >= 1");
    const at::Tensor& x = pt::T(a);
    const at::Tensor& y = pt::T(b);
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < iters; ++i) {
      at::Tensor c = op == 0 ? at::add(x, y) : at::matmul(x, y);
    }
    *ns_per_op = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() / iters;
  });
}
