// Element-wise arithmetic, comparisons and logic, out of place and in place. Ops are selected by
// a code (mirrored by the C# enums in Native.Ops.cs) so the ABI stays small; the switch costs
// nothing next to libtorch's dispatch.
#include "tensor_abi.h"

using pt::Handle;
using pt::M;
using pt::T;

namespace {
enum Unary {
  NEG = 0, EXP, LOG, SQRT, RSQRT, TANH, SIGMOID, SILU, GELU, GELU_TANH, ABS, RELU, LOGICAL_NOT,
  SIN, COS, FLOOR, CEIL, ROUND, SIGN, SQUARE, LOG1P, EXPM1, RECIPROCAL, ISNAN, ISINF, ERF, ISFINITE
};

at::Tensor unary(int op, const at::Tensor& t) {
  switch (op) {
    case NEG: return at::neg(t);
    case EXP: return at::exp(t);
    case LOG: return at::log(t);
    case SQRT: return at::sqrt(t);
    case RSQRT: return at::rsqrt(t);
    case TANH: return at::tanh(t);
    case SIGMOID: return at::sigmoid(t);
    case SILU: return at::silu(t);
    case GELU: return at::gelu(t, "none");
    case GELU_TANH: return at::gelu(t, "tanh");
    case ABS: return at::abs(t);
    case RELU: return at::relu(t);
    case LOGICAL_NOT: return at::logical_not(t);
    case SIN: return at::sin(t);
    case COS: return at::cos(t);
    case FLOOR: return at::floor(t);
    case CEIL: return at::ceil(t);
    case ROUND: return at::round(t);
    case SIGN: return at::sign(t);
    case SQUARE: return at::square(t);
    case LOG1P: return at::log1p(t);
    case EXPM1: return at::expm1(t);
    case RECIPROCAL: return at::reciprocal(t);
    case ISNAN: return at::isnan(t);
    case ISINF: return at::isinf(t);
    case ERF: return at::erf(t);
    case ISFINITE: return at::isfinite(t);
  }
  throw std::invalid_argument("unknown unary op " + std::to_string(op));
}

void unary_(int op, at::Tensor& t) {
  switch (op) {
    case NEG: t.neg_(); return;
    case EXP: t.exp_(); return;
    case LOG: t.log_(); return;
    case SQRT: t.sqrt_(); return;
    case RSQRT: t.rsqrt_(); return;
    case TANH: t.tanh_(); return;
    case SIGMOID: t.sigmoid_(); return;
    case SILU: at::silu_(t); return;
    case GELU: at::gelu_(t, "none"); return;
    case GELU_TANH: at::gelu_(t, "tanh"); return;
    case ABS: t.abs_(); return;
    case RELU: t.relu_(); return;
    case LOGICAL_NOT: t.logical_not_(); return;
    case SIN: t.sin_(); return;
    case COS: t.cos_(); return;
    case FLOOR: t.floor_(); return;
    case CEIL: t.ceil_(); return;
    case ROUND: t.round_(); return;
    case SIGN: t.sign_(); return;
    case SQUARE: t.square_(); return;
    case LOG1P: t.log1p_(); return;
    case EXPM1: t.expm1_(); return;
    case RECIPROCAL: t.reciprocal_(); return;
    case ERF: t.erf_(); return;
  }
  throw std::invalid_argument("unary op " + std::to_string(op) + " has no in-place form");
}

enum Binary {
  ADD = 0, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, EQ, NE, LT, LE, GT, GE, LOGICAL_AND, LOGICAL_OR,
  LOGICAL_XOR, REMAINDER, FLOOR_DIVIDE, RSUB, RDIV, RPOW, COPY, FILL, CLAMP_MIN, CLAMP_MAX
};

at::Tensor binary(int op, const at::Tensor& a, const at::Tensor& b, const at::Scalar& alpha) {
  switch (op) {
    case ADD: return at::add(a, b, alpha);
    case SUB: return at::sub(a, b, alpha);
    case MUL: return at::mul(a, b);
    case DIV: return at::div(a, b);
    case POW: return at::pow(a, b);
    case MAXIMUM: return at::maximum(a, b);
    case MINIMUM: return at::minimum(a, b);
    case EQ: return at::eq(a, b);
    case NE: return at::ne(a, b);
    case LT: return at::lt(a, b);
    case LE: return at::le(a, b);
    case GT: return at::gt(a, b);
    case GE: return at::ge(a, b);
    case LOGICAL_AND: return at::logical_and(a, b);
    case LOGICAL_OR: return at::logical_or(a, b);
    case LOGICAL_XOR: return at::logical_xor(a, b);
    case REMAINDER: return at::remainder(a, b);
    case FLOOR_DIVIDE: return at::div(a, b, "floor");
  }
  throw std::invalid_argument("unknown binary op " + std::to_string(op));
}

void binary_(int op, at::Tensor& a, const at::Tensor& b, const at::Scalar& alpha) {
  switch (op) {
    case ADD: a.add_(b, alpha); return;
    case SUB: a.sub_(b, alpha); return;
    case MUL: a.mul_(b); return;
    case DIV: a.div_(b); return;
    case POW: a.pow_(b); return;
    case REMAINDER: a.remainder_(b); return;
    case COPY: a.copy_(b); return;
    case LOGICAL_AND: a.logical_and_(b); return;
    case LOGICAL_OR: a.logical_or_(b); return;
  }
  throw std::invalid_argument("binary op " + std::to_string(op) + " has no in-place form");
}

at::Tensor scalar(int op, const at::Tensor& a, const at::Scalar& s) {
  switch (op) {
    case ADD: return at::add(a, s);
    case SUB: return at::sub(a, s);
    case MUL: return at::mul(a, s);
    case DIV: return at::div(a, s);
    case POW: return at::pow(a, s);
    case EQ: return at::eq(a, s);
    case NE: return at::ne(a, s);
    case LT: return at::lt(a, s);
    case LE: return at::le(a, s);
    case GT: return at::gt(a, s);
    case GE: return at::ge(a, s);
    case REMAINDER: return at::remainder(a, s);
    case FLOOR_DIVIDE: return at::div(a, s, "floor");
    case RSUB: return at::rsub(a, s);
    case RDIV: return at::mul(at::reciprocal(a), s);
    case RPOW: return at::pow(s, a);
    case MAXIMUM: case CLAMP_MIN: return at::clamp_min(a, s);
    case MINIMUM: case CLAMP_MAX: return at::clamp_max(a, s);
  }
  throw std::invalid_argument("unknown scalar op " + std::to_string(op));
}

void scalar_(int op, at::Tensor& a, const at::Scalar& s) {
  switch (op) {
    case ADD: a.add_(s); return;
    case SUB: a.sub_(s); return;
    case MUL: a.mul_(s); return;
    case DIV: a.div_(s); return;
    case POW: a.pow_(s); return;
    case REMAINDER: a.remainder_(s); return;
    case FILL: a.fill_(s); return;
    case MAXIMUM: case CLAMP_MIN: a.clamp_min_(s); return;
    case MINIMUM: case CLAMP_MAX: a.clamp_max_(s); return;
  }
  throw std::invalid_argument("scalar op " + std::to_string(op) + " has no in-place form");
}

at::Scalar make_scalar(double v, int is_int) {
  if (is_int == 1) return at::Scalar(static_cast<int64_t>(v));
  if (is_int == 2) return at::Scalar(v != 0.0);
  return at::Scalar(v);
}
}  // namespace

PT_API Handle pt_unary(int op, const at::Tensor* a) {
  return pt::make([=] { return unary(op, T(a)); });
}

PT_API int pt_unary_(int op, at::Tensor* a) {
  return pt::guard([=] { unary_(op, M(a)); });
}

// A whole alpha travels as an integer Scalar: libtorch rejects a floating alpha for integer
// tensors (int64 a - b), and an integer one is exact for floating tensors.
static at::Scalar alpha_scalar(double alpha) {
  return alpha == static_cast<double>(static_cast<int64_t>(alpha)) ? at::Scalar(static_cast<int64_t>(alpha)) : at::Scalar(alpha);
}

PT_API Handle pt_binary(int op, const at::Tensor* a, const at::Tensor* b, double alpha) {
  return pt::make([=] { return binary(op, T(a), T(b), alpha_scalar(alpha)); });
}

PT_API int pt_binary_(int op, at::Tensor* a, const at::Tensor* b, double alpha) {
  return pt::guard([=] { binary_(op, M(a), T(b), alpha_scalar(alpha)); });
}

// Scalars arrive as double; is_int (1) or is_bool (2) keeps integer tensors integral.
PT_API Handle pt_scalar(int op, const at::Tensor* a, double value, int is_int) {
  return pt::make([=] { return scalar(op, T(a), make_scalar(value, is_int)); });
}

PT_API int pt_scalar_(int op, at::Tensor* a, double value, int is_int) {
  return pt::guard([=] { scalar_(op, M(a), make_scalar(value, is_int)); });
}

// The add that the per-op overhead benchmark measures; kept apart from the generic entry so that
// the comparison with the C++ loop (pt_bench_add) is of exactly one libtorch call.
PT_API Handle pt_add(const at::Tensor* a, const at::Tensor* b) {
  return pt::make([=] { return at::add(T(a), T(b)); });
}

PT_API int pt_zero_(at::Tensor* a) { return pt::guard([=] { M(a).zero_(); }); }

// op: 0 addcmul, 1 addcdiv: self + value * (t1 op t2).
PT_API Handle pt_addc(int op, const at::Tensor* self, const at::Tensor* t1, const at::Tensor* t2, double value) {
  return pt::make([=] {
    return op == 0 ? at::addcmul(T(self), T(t1), T(t2), value) : at::addcdiv(T(self), T(t1), T(t2), value);
  });
}

PT_API int pt_addc_(int op, at::Tensor* self, const at::Tensor* t1, const at::Tensor* t2, double value) {
  return pt::guard([=] {
    if (op == 0) M(self).addcmul_(T(t1), T(t2), value);
    else M(self).addcdiv_(T(t1), T(t2), value);
  });
}

PT_API int pt_lerp_(at::Tensor* self, const at::Tensor* end, double weight) {
  return pt::guard([=] { M(self).lerp_(T(end), weight); });
}

// Missing bounds are NaN.
PT_API Handle pt_clamp(const at::Tensor* a, double lo, double hi) {
  return pt::make([=] {
    c10::optional<at::Scalar> l, h;
    if (!std::isnan(lo)) l = lo;
    if (!std::isnan(hi)) h = hi;
    return at::clamp(T(a), l, h);
  });
}

PT_API int pt_clamp_(at::Tensor* a, double lo, double hi) {
  return pt::guard([=] {
    c10::optional<at::Scalar> l, h;
    if (!std::isnan(lo)) l = lo;
    if (!std::isnan(hi)) h = hi;
    M(a).clamp_(l, h);
  });
}

PT_API Handle pt_where(const at::Tensor* cond, const at::Tensor* a, const at::Tensor* b) {
  return pt::make([=] { return at::where(T(cond), T(a), T(b)); });
}

PT_API Handle pt_masked_fill(const at::Tensor* a, const at::Tensor* mask, double value) {
  return pt::make([=] { return T(a).masked_fill(T(mask), value); });
}

PT_API int pt_masked_fill_(at::Tensor* a, const at::Tensor* mask, double value) {
  return pt::guard([=] { M(a).masked_fill_(T(mask), value); });
}
