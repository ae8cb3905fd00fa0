// Helpers shared by the tensor entry points: handles are heap-allocated at::Tensor objects
// owned by a .NET SafeHandle, which frees them with pt_free.
#pragma once
#include "pch.h"
#include "shim.h"

#include <vector>

namespace pt {
using Handle = at::Tensor*;

// Dereferences a handle; a null one (a disposed tensor slipping through) becomes an error, not a crash.
inline const at::Tensor& T(const at::Tensor* h) {
  if (h == nullptr) throw std::invalid_argument("null tensor handle (a disposed tensor was used)");
  return *h;
}
inline at::Tensor& M(at::Tensor* h) {
  if (h == nullptr) throw std::invalid_argument("null tensor handle (a disposed tensor was used)");
  return *h;
}
inline c10::optional<at::Tensor> opt(const at::Tensor* h) {
  if (h == nullptr) return c10::nullopt;
  return *h;
}

// Runs f, which yields a tensor, and returns a new handle to it, or null with the error set.
template <typename F>
Handle make(F&& f) {
  Handle out = nullptr;
  guard([&] { out = new at::Tensor(f()); });
  return out;
}

inline at::ScalarType dtype(int code) {
  if (code < 0 || code >= static_cast<int>(at::ScalarType::NumOptions))
    throw std::invalid_argument("unknown scalar type code " + std::to_string(code));
  return static_cast<at::ScalarType>(code);
}

inline at::Device device(int type, int index) {
  if (type == 0) return at::Device(at::kCPU);
  if (type == 1) return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
  throw std::invalid_argument("unknown device type code " + std::to_string(type));
}

inline at::TensorOptions options(int dtype_code, int dev_type, int dev_index) {
  return at::TensorOptions().dtype(dtype(dtype_code)).device(device(dev_type, dev_index));
}

inline at::IntArrayRef dims(const int64_t* p, int n) {
  if (n < 0) throw std::invalid_argument("negative dimension count");
  if (n > 0 && p == nullptr) throw std::invalid_argument("null dimension array");
  return at::IntArrayRef(p, static_cast<size_t>(n));
}

inline std::vector<at::Tensor> list(const at::Tensor* const* hs, int n) {
  if (n < 0 || (n > 0 && hs == nullptr)) throw std::invalid_argument("bad tensor list");
  std::vector<at::Tensor> v;
  v.reserve(n);
  for (int i = 0; i < n; ++i) v.push_back(T(hs[i]));
  return v;
}

inline c10::optional<at::Generator> gen(const at::Generator* g) {
  if (g == nullptr) return c10::nullopt;
  return *g;
}
}  // namespace pt
