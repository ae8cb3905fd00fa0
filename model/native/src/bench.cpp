// C++-side timing loops: the references the binding's own rates are compared against.
#include "tensor_abi.h"

#include <chrono>

// Times iters out-of-place adds of two float32 tensors of n elements (after a warm-up); writes
// nanoseconds per add. Every result is freed each iteration, as the binding's would be.
PT_API int pt_bench_add(int64_t n, int iters, double* ns_per_op) {
  return pt::guard([=] {
    at::Tensor a = at::ones({n});
    at::Tensor b = at::ones({n});
    for (int i = 0; i < 100; ++i) at::add(a, b);
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < iters; ++i) {
      at::Tensor c = at::add(a, b);
    }
    *ns_per_op = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() / iters;
  });
}
