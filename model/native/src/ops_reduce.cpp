// Reductions, scans, sorting and sampling.
#include "tensor_abi.h"

#include <algorithm>

using pt::Handle;
using pt::T;

namespace {
enum Reduce { SUM = 0, MEAN, AMAX, AMIN, PROD, LOGSUMEXP, VAR, STD, ALL, ANY, NORM2 };

// Reduces one dimension at a time for ops whose libtorch overload takes a single dim; dims are
// visited from the last so that earlier indices stay valid when keepdim is false.
template <typename F>
at::Tensor each_dim(const at::Tensor& t, std::vector<int64_t> ds, bool keepdim, F f) {
  for (auto& d : ds) d = c10::maybe_wrap_dim(d, t.dim());
  std::sort(ds.rbegin(), ds.rend());
  at::Tensor r = t;
  for (auto d : ds) r = f(r, d, keepdim);
  return r;
}

at::Tensor reduce(int op, const at::Tensor& t, const int64_t* dp, int nd, bool keepdim, bool unbiased) {
  std::vector<int64_t> ds;
  bool all = nd < 0;
  if (all) {
    for (int64_t i = 0; i < t.dim(); ++i) ds.push_back(i);
  } else {
    auto r = pt::dims(dp, nd);
    ds.assign(r.begin(), r.end());
  }
  switch (op) {
    case SUM: return all && !keepdim ? at::sum(t) : at::sum(t, ds, keepdim);
    case MEAN: return all && !keepdim ? at::mean(t) : at::mean(t, ds, keepdim);
    case AMAX: return at::amax(t, ds, keepdim);
    case AMIN: return at::amin(t, ds, keepdim);
    case LOGSUMEXP: return at::logsumexp(t, ds, keepdim);
    case VAR: return at::var(t, at::OptionalIntArrayRef(ds), unbiased, keepdim);
    case STD: return at::std(t, at::OptionalIntArrayRef(ds), unbiased, keepdim);
    case NORM2: return at::linalg_vector_norm(t, 2, at::OptionalIntArrayRef(ds), keepdim);
    case PROD:
      if (all && !keepdim) return at::prod(t);
      return each_dim(t, ds, keepdim, [](const at::Tensor& x, int64_t d, bool k) { return at::prod(x, d, k); });
    case ALL:
      if (all && !keepdim) return at::all(t);
      return each_dim(t, ds, keepdim, [](const at::Tensor& x, int64_t d, bool k) { return at::all(x, d, k); });
    case ANY:
      if (all && !keepdim) return at::any(t);
      return each_dim(t, ds, keepdim, [](const at::Tensor& x, int64_t d, bool k) { return at::any(x, d, k); });
  }
  throw std::invalid_argument("unknown reduction " + std::to_string(op));
}
}  // namespace

// ndims < 0 reduces over every dimension.
PT_API Handle pt_reduce(int op, const at::Tensor* a, const int64_t* dims, int ndims, int keepdim, int unbiased) {
  return pt::make([=] { return reduce(op, T(a), dims, ndims, keepdim != 0, unbiased != 0); });
}

// op 0 max, 1 min along dim: writes values and indices handles.
PT_API int pt_minmax_dim(int op, const at::Tensor* a, int64_t dim, int keepdim, Handle* values, Handle* indices) {
  return pt::guard([=] {
    auto r = op == 0 ? at::max(T(a), dim, keepdim != 0) : at::min(T(a), dim, keepdim != 0);
    *values = new at::Tensor(std::get<0>(r));
    *indices = new at::Tensor(std::get<1>(r));
  });
}

// op 0 argmax, 1 argmin; has_dim 0 flattens.
PT_API Handle pt_argminmax(int op, const at::Tensor* a, int64_t dim, int has_dim, int keepdim) {
  return pt::make([=] {
    c10::optional<int64_t> d;
    if (has_dim) d = dim;
    return op == 0 ? at::argmax(T(a), d, keepdim != 0) : at::argmin(T(a), d, keepdim != 0);
  });
}

PT_API Handle pt_cumsum(const at::Tensor* a, int64_t dim) {
  return pt::make([=] { return at::cumsum(T(a), dim); });
}

PT_API int pt_sort(const at::Tensor* a, int64_t dim, int descending, int stable, Handle* values, Handle* indices) {
  return pt::guard([=] {
    auto r = at::sort(T(a), stable != 0, dim, descending != 0);
    *values = new at::Tensor(std::get<0>(r));
    *indices = new at::Tensor(std::get<1>(r));
  });
}

PT_API int pt_topk(const at::Tensor* a, int64_t k, int64_t dim, int largest, int sorted, Handle* values, Handle* indices) {
  return pt::guard([=] {
    auto r = at::topk(T(a), k, dim, largest != 0, sorted != 0);
    *values = new at::Tensor(std::get<0>(r));
    *indices = new at::Tensor(std::get<1>(r));
  });
}

PT_API Handle pt_multinomial(const at::Tensor* probs, int64_t n, int replacement, const at::Generator* g) {
  return pt::make([=] { return at::multinomial(T(probs), n, replacement != 0, pt::gen(g)); });
}

// In-place fills from distributions, for weight initialisation. kind 0 uniform(a, b), 1 normal(a=mean, b=std).
PT_API int pt_random_(at::Tensor* t, int kind, double a, double b, const at::Generator* g) {
  return pt::guard([=] {
    if (kind == 0) pt::M(t).uniform_(a, b, pt::gen(g));
    else pt::M(t).normal_(a, b, pt::gen(g));
  });
}
