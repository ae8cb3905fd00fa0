// Version, thread, device and diagnostic queries: what `pipeline doctor` and the resolver need.
#include "pch.h"
#include "shim.h"

#include <dlfcn.h>
#include <torch/csrc/api/include/torch/version.h>

#include <chrono>

#ifdef PT_WITH_CUDA
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace pt {
namespace {
thread_local std::string last_error;
thread_local std::string scratch;
}  // namespace

void set_error(const std::string& message) { last_error = message; }
void clear_error() { last_error.clear(); }
}  // namespace pt

PT_API const char* pt_last_error() { return pt::last_error.c_str(); }

PT_API const char* pt_version() { return TORCH_VERSION; }

PT_API int pt_abi_version() { return 7; }

// The file libtorch was loaded from, so that users can tell which of several installs is live.
PT_API const char* pt_library_path() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&at::get_num_threads), &info) && info.dli_fname) {
    pt::scratch = info.dli_fname;
  } else {
    pt::scratch.clear();
  }
  return pt::scratch.c_str();
}

PT_API const char* pt_build_config() {
  pt::guard([] { pt::scratch = at::show_config(); });
  return pt::scratch.c_str();
}

PT_API const char* pt_parallel_info() {
  pt::guard([] { pt::scratch = at::get_parallel_info(); });
  return pt::scratch.c_str();
}

PT_API int pt_get_num_threads() { return at::get_num_threads(); }

PT_API int pt_set_num_threads(int n) {
  return pt::guard([n] { at::set_num_threads(n); });
}

PT_API int pt_get_num_interop_threads() { return at::get_num_interop_threads(); }

PT_API int pt_cuda_device_count() {
#ifdef PT_WITH_CUDA
  int n = 0;
  if (pt::guard([&n] { n = static_cast<int>(c10::cuda::device_count()); }) != 0) return 0;
  return n;
#else
  return 0;
#endif
}

// Times `iters` n x n matrix products on `device` (-1 = cpu, k = cuda:k) in the given scalar type
// (0 = float32, 1 = bfloat16) after one warm-up; writes the rate in GFLOP/s. This is the
// C++-side reference the binding's own matmul rate is compared against.
PT_API int pt_bench_matmul(int n, int dtype, int iters, int device, double* gflops) {
  return pt::guard([=] {
    auto options = at::TensorOptions()
                       .dtype(dtype == 1 ? at::kBFloat16 : at::kFloat)
                       .device(device < 0 ? at::Device(at::kCPU) : at::Device(at::kCUDA, device));
    at::Tensor a = at::randn({n, n}, options);
    at::Tensor b = at::randn({n, n}, options);
    at::Tensor c = at::mm(a, b);
    auto sync = [&] {
      if (device >= 0) c.cpu();
    };
    sync();
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < iters; ++i) at::mm_out(c, a, b);
    sync();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    *gflops = 2.0 * n * n * static_cast<double>(n) * iters / seconds / 1e9;
  });
}
