// Views, reshapes, joins and indexing.
#include "tensor_abi.h"

using pt::Handle;
using pt::T;

PT_API Handle pt_view(const at::Tensor* a, const int64_t* shape, int n) {
  return pt::make([=] { return T(a).view(pt::dims(shape, n)); });
}

PT_API Handle pt_reshape(const at::Tensor* a, const int64_t* shape, int n) {
  return pt::make([=] { return T(a).reshape(pt::dims(shape, n)); });
}

PT_API Handle pt_permute(const at::Tensor* a, const int64_t* order, int n) {
  return pt::make([=] { return T(a).permute(pt::dims(order, n)); });
}

PT_API Handle pt_expand(const at::Tensor* a, const int64_t* shape, int n) {
  return pt::make([=] { return T(a).expand(pt::dims(shape, n)); });
}

PT_API Handle pt_repeat(const at::Tensor* a, const int64_t* repeats, int n) {
  return pt::make([=] { return T(a).repeat(pt::dims(repeats, n)); });
}

PT_API Handle pt_repeat_interleave(const at::Tensor* a, int64_t repeats, int64_t dim) {
  return pt::make([=] { return at::repeat_interleave(T(a), repeats, dim); });
}

PT_API Handle pt_transpose(const at::Tensor* a, int64_t d0, int64_t d1) {
  return pt::make([=] { return T(a).transpose(d0, d1); });
}

PT_API Handle pt_unsqueeze(const at::Tensor* a, int64_t dim) {
  return pt::make([=] { return T(a).unsqueeze(dim); });
}

// has_dim 0 removes every size-1 dimension.
PT_API Handle pt_squeeze(const at::Tensor* a, int64_t dim, int has_dim) {
  return pt::make([=] { return has_dim ? T(a).squeeze(dim) : T(a).squeeze(); });
}

PT_API Handle pt_flatten(const at::Tensor* a, int64_t start, int64_t end) {
  return pt::make([=] { return T(a).flatten(start, end); });
}

PT_API Handle pt_narrow(const at::Tensor* a, int64_t dim, int64_t start, int64_t length) {
  return pt::make([=] { return T(a).narrow(dim, start, length); });
}

// Python-style slice a[..., start:end:step, ...] along dim; end may exceed the size.
PT_API Handle pt_slice(const at::Tensor* a, int64_t dim, int64_t start, int64_t end, int64_t step) {
  return pt::make([=] { return T(a).slice(dim, start, end, step); });
}

PT_API Handle pt_select(const at::Tensor* a, int64_t dim, int64_t index) {
  return pt::make([=] { return T(a).select(dim, index); });
}

// Writes n handles (one per entry of sizes) into out.
PT_API int pt_split(const at::Tensor* a, const int64_t* sizes, int n, int64_t dim, Handle* out) {
  return pt::guard([=] {
    auto parts = T(a).split_with_sizes(pt::dims(sizes, n), dim);
    for (size_t i = 0; i < parts.size(); ++i) out[i] = new at::Tensor(std::move(parts[i]));
  });
}

PT_API Handle pt_cat(const at::Tensor* const* hs, int n, int64_t dim) {
  return pt::make([=] { return at::cat(pt::list(hs, n), dim); });
}

PT_API Handle pt_stack(const at::Tensor* const* hs, int n, int64_t dim) {
  return pt::make([=] { return at::stack(pt::list(hs, n), dim); });
}

PT_API Handle pt_triangle(int upper, const at::Tensor* a, int64_t diagonal) {
  return pt::make([=] { return upper ? at::triu(T(a), diagonal) : at::tril(T(a), diagonal); });
}

PT_API Handle pt_gather(const at::Tensor* a, int64_t dim, const at::Tensor* index) {
  return pt::make([=] { return at::gather(T(a), dim, T(index)); });
}

// op 0 scatter (replace), 1 scatter_add.
PT_API Handle pt_scatter(int op, const at::Tensor* a, int64_t dim, const at::Tensor* index, const at::Tensor* src) {
  return pt::make([=] {
    return op == 0 ? at::scatter(T(a), dim, T(index), T(src)) : at::scatter_add(T(a), dim, T(index), T(src));
  });
}

PT_API Handle pt_index_select(const at::Tensor* a, int64_t dim, const at::Tensor* index) {
  return pt::make([=] { return at::index_select(T(a), dim, T(index)); });
}

PT_API Handle pt_one_hot(const at::Tensor* a, int64_t classes) {
  return pt::make([=] { return at::one_hot(T(a), classes); });
}
