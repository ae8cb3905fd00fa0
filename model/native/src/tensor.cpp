// Tensor lifetime, creation, copies in and out, conversions and queries.
#include "tensor_abi.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cstring>
#include <sstream>

#ifdef PT_WITH_CUDA
#include <ATen/cuda/CUDAGeneratorImpl.h>
#endif

using pt::Handle;
using pt::T;

PT_API void pt_free(Handle h) { delete h; }

// ---- creation -------------------------------------------------------------------------------

// kind: 0 zeros, 1 ones, 2 full(value), 3 empty.
PT_API Handle pt_fill_new(int kind, const int64_t* shape, int ndim, double value, int dtype,
                          int dev_type, int dev_index, int requires_grad) {
  return pt::make([=] {
    auto o = pt::options(dtype, dev_type, dev_index);
    auto s = pt::dims(shape, ndim);
    at::Tensor t;
    switch (kind) {
      case 0: t = at::zeros(s, o); break;
      case 1: t = at::ones(s, o); break;
      case 2: t = at::full(s, value, o); break;
      case 3: t = at::empty(s, o); break;
      default: throw std::invalid_argument("unknown fill kind");
    }
    if (requires_grad) t.requires_grad_(true);
    return t;
  });
}

// kind: 0 rand (uniform [0,1)), 1 randn (standard normal).
PT_API Handle pt_rand_new(int kind, const int64_t* shape, int ndim, int dtype, int dev_type,
                          int dev_index, const at::Generator* g, int requires_grad) {
  return pt::make([=] {
    auto o = pt::options(dtype, dev_type, dev_index);
    auto s = pt::dims(shape, ndim);
    at::Tensor t = kind == 0 ? at::rand(s, pt::gen(g), o) : at::randn(s, pt::gen(g), o);
    if (requires_grad) t.requires_grad_(true);
    return t;
  });
}

PT_API Handle pt_randint_new(int64_t low, int64_t high, const int64_t* shape, int ndim, int dtype,
                             int dev_type, int dev_index, const at::Generator* g) {
  return pt::make([=] {
    return at::randint(low, high, pt::dims(shape, ndim), pt::gen(g), pt::options(dtype, dev_type, dev_index));
  });
}

PT_API Handle pt_arange(double start, double end, double step, int dtype, int dev_type, int dev_index) {
  return pt::make([=] { return at::arange(start, end, step, pt::options(dtype, dev_type, dev_index)); });
}

// Copies nbytes from data (row-major, elements of dtype) into a new tensor on the device.
PT_API Handle pt_from_data(const void* data, int64_t nbytes, const int64_t* shape, int ndim, int dtype,
                           int dev_type, int dev_index, int requires_grad) {
  return pt::make([=] {
    auto s = pt::dims(shape, ndim);
    auto st = pt::dtype(dtype);
    at::Tensor t = at::empty(s, at::TensorOptions().dtype(st));
    int64_t expected = t.numel() * static_cast<int64_t>(t.element_size());
    if (expected != nbytes)
      throw std::invalid_argument("data holds " + std::to_string(nbytes) + " bytes, shape " +
                                  c10::str(s) + " of " + c10::toString(st) + " needs " + std::to_string(expected));
    if (nbytes > 0) std::memcpy(t.data_ptr(), data, static_cast<size_t>(nbytes));
    auto dev = pt::device(dev_type, dev_index);
    if (dev != t.device()) t = t.to(dev);
    if (requires_grad) t.requires_grad_(true);
    return t;
  });
}

// Copies the tensor's elements, in its own dtype and row-major order, into dst (nbytes exactly).
PT_API int pt_copy_out(const at::Tensor* h, void* dst, int64_t nbytes) {
  return pt::guard([=] {
    at::Tensor t = T(h).detach();
    int64_t have = t.numel() * static_cast<int64_t>(t.element_size());
    if (have != nbytes)
      throw std::invalid_argument("tensor holds " + std::to_string(have) + " bytes, destination " + std::to_string(nbytes));
    if (!t.device().is_cpu()) t = t.cpu();
    t = t.contiguous();
    if (nbytes > 0) std::memcpy(dst, t.data_ptr(), static_cast<size_t>(nbytes));
  });
}

PT_API int pt_item_double(const at::Tensor* h, double* out) {
  return pt::guard([=] { *out = T(h).item().toDouble(); });
}

PT_API int pt_item_long(const at::Tensor* h, int64_t* out) {
  return pt::guard([=] {
    auto s = T(h).item();
    *out = s.isBoolean() ? static_cast<int64_t>(s.toBool()) : s.toLong();
  });
}

// ---- queries --------------------------------------------------------------------------------

PT_API int pt_dim(const at::Tensor* h) { return h ? static_cast<int>(h->dim()) : -1; }

// Writes up to cap sizes; returns the number of dimensions or -1.
PT_API int pt_shape(const at::Tensor* h, int64_t* out, int cap) {
  int r = -1;
  pt::guard([&] {
    auto s = T(h).sizes();
    for (size_t i = 0; i < s.size() && static_cast<int>(i) < cap; ++i) out[i] = s[i];
    r = static_cast<int>(s.size());
  });
  return r;
}

PT_API int pt_strides(const at::Tensor* h, int64_t* out, int cap) {
  int r = -1;
  pt::guard([&] {
    auto s = T(h).strides();
    for (size_t i = 0; i < s.size() && static_cast<int>(i) < cap; ++i) out[i] = s[i];
    r = static_cast<int>(s.size());
  });
  return r;
}

PT_API int64_t pt_numel(const at::Tensor* h) { return h ? h->numel() : -1; }
PT_API int pt_dtype(const at::Tensor* h) { return h ? static_cast<int>(h->scalar_type()) : -1; }
PT_API int pt_device_type(const at::Tensor* h) { return h ? static_cast<int>(h->device().type()) : -1; }
PT_API int pt_device_index(const at::Tensor* h) { return h ? h->device().index() : -1; }
PT_API int pt_is_contiguous(const at::Tensor* h) { return h ? h->is_contiguous() : 0; }
PT_API int pt_element_size(int dtype) {
  int r = -1;
  pt::guard([&] { r = static_cast<int>(c10::elementSize(pt::dtype(dtype))); });
  return r;
}

PT_API const char* pt_to_string(const at::Tensor* h) {
  thread_local std::string text;
  if (pt::guard([&] {
        std::ostringstream s;
        s << T(h);
        text = s.str();
      }) != 0)
    return nullptr;
  return text.c_str();
}

// ---- conversions ----------------------------------------------------------------------------

PT_API Handle pt_to_dtype(const at::Tensor* h, int dtype) {
  return pt::make([=] { return T(h).to(pt::dtype(dtype)); });
}

PT_API Handle pt_to_device(const at::Tensor* h, int dev_type, int dev_index) {
  return pt::make([=] { return T(h).to(pt::device(dev_type, dev_index)); });
}

PT_API Handle pt_contiguous(const at::Tensor* h) { return pt::make([=] { return T(h).contiguous(); }); }
PT_API Handle pt_clone(const at::Tensor* h) { return pt::make([=] { return T(h).clone(); }); }
PT_API Handle pt_detach(const at::Tensor* h) { return pt::make([=] { return T(h).detach(); }); }
// A second handle to the same tensor: lets a function return its input under separate ownership.
PT_API Handle pt_alias(const at::Tensor* h) { return pt::make([=] { return T(h); }); }

PT_API int pt_allclose(const at::Tensor* a, const at::Tensor* b, double rtol, double atol, int equal_nan, int* out) {
  return pt::guard([=] { *out = at::allclose(T(a), T(b), rtol, atol, equal_nan != 0); });
}

PT_API int pt_equal(const at::Tensor* a, const at::Tensor* b, int* out) {
  return pt::guard([=] { *out = at::equal(T(a), T(b)); });
}

// ---- random generators ----------------------------------------------------------------------

PT_API at::Generator* pt_generator_new(uint64_t seed, int dev_type, int dev_index) {
  at::Generator* g = nullptr;
  pt::guard([&] {
    auto dev = pt::device(dev_type, dev_index);
    if (dev.is_cpu()) {
      g = new at::Generator(at::detail::createCPUGenerator(seed));
    } else {
#ifdef PT_WITH_CUDA
      auto made = at::cuda::detail::createCUDAGenerator(dev.index());
      made.set_current_seed(seed);
      g = new at::Generator(made);
#else
      throw std::invalid_argument("this shim was built without CUDA");
#endif
    }
  });
  return g;
}

PT_API void pt_generator_free(at::Generator* g) { delete g; }

PT_API int pt_generator_manual_seed(at::Generator* g, uint64_t seed) {
  return pt::guard([=] {
    if (!g) throw std::invalid_argument("null generator");
    std::lock_guard<std::mutex> lock(g->mutex());
    g->set_current_seed(seed);
  });
}

PT_API int pt_generator_initial_seed(at::Generator* g, uint64_t* out) {
  return pt::guard([=] {
    if (!g) throw std::invalid_argument("null generator");
    *out = g->current_seed();
  });
}

PT_API Handle pt_generator_get_state(at::Generator* g) {
  return pt::make([=] {
    if (!g) throw std::invalid_argument("null generator");
    std::lock_guard<std::mutex> lock(g->mutex());
    return g->get_state();
  });
}

PT_API int pt_generator_set_state(at::Generator* g, const at::Tensor* state) {
  return pt::guard([=] {
    if (!g) throw std::invalid_argument("null generator");
    std::lock_guard<std::mutex> lock(g->mutex());
    g->set_state(T(state));
  });
}

PT_API int pt_manual_seed(uint64_t seed) {
  return pt::guard([=] { at::manual_seed(seed); });
}

PT_API int pt_set_deterministic(int on) {
  return pt::guard([=] { at::globalContext().setDeterministicAlgorithms(on != 0, false); });
}

PT_API int pt_get_deterministic() { return at::globalContext().deterministicAlgorithms(); }
