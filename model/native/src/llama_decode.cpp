// Whole-model fp32 CPU generation: prefill, every decode step and per-row sampling in plain loops
// over preallocated buffers, one native call for a whole generation. At the small sizes trained
// here a decode step is a few hundred kFLOP; the op-by-op path (LlamaModel.Forward + RowSampler,
// its reference in the tests) spends most of its time in dispatch, allocation and handle
// bookkeeping of ~100 ATen calls per step, which this does without. Projections go to BLAS sgemm
// (the one libtorch links, else at::mm); everything else is loops the compiler can vectorize.
//
// Tokens are processed as a flat list of (row, slot, id): a prefill holds the real (unpadded)
// prompt tokens of every row, a decode step one token per running row. So padding and finished
// rows cost nothing, and a row's arithmetic never depends on which other rows are present (up to
// the blocking of the sgemm over the batch).
#include "kernel_loops.h"
#include "tensor_abi.h"

#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

namespace {
using sgemm_fn = void (*)(const char*, const char*, const int*, const int*, const int*, const float*, const float*,
                          const int*, const float*, const int*, const float*, float*, const int*);

// The Fortran sgemm of the BLAS libtorch was linked against, looked up rather than linked so the
// shim still loads beside a libtorch with its BLAS inside (MKL builds); null there.
sgemm_fn find_sgemm() {
  static const sgemm_fn fn = [] {
    void* f = dlsym(RTLD_DEFAULT, "sgemm_");
    if (f == nullptr) {
      if (void* lib = dlopen("libblas.so.3", RTLD_LAZY | RTLD_NOLOAD)) f = dlsym(lib, "sgemm_");
    }
    return reinterpret_cast<sgemm_fn>(f);
  }();
  return fn;
}

// The hot elementwise loops get an AVX2 clone beside the baseline x86-64 one (picked at load time),
// so the binary runs on any x86-64 and still uses 8-wide vectors where the CPU has them.
// Assuming floating-point ops do not trap (no results change) lets the compiler turn the clamps
// and selects in these loops into vector blends.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#define PT_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PT_VECTOR_CLONES
#endif

// exp(x) for float32 without a libm call, so loops over it vectorize: Cody-Waite reduction to
// r in [-ln2/2, ln2/2] and the Cephes expf polynomial (about 1 ulp, like the vectorized exp ATen
// uses); the exponent is built from the bits. Inputs are clamped to the normal range.
__attribute__((always_inline)) inline float vexp(float x) {
  x = x < -87.3f ? -87.3f : x;
  x = x > 88.3f ? 88.3f : x;
  const float magic = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer in the low mantissa bits
  const float t = x * 1.44269504088896341f + magic;
  const float n = t - magic;
  const float r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  // The integer n sits in t's low mantissa bits.
  const int32_t bits = (__builtin_bit_cast(int32_t, t) - 0x4B400000 + 127) << 23;
  return p * __builtin_bit_cast(float, bits);
}

// exp(x) in float64 without a libm call, for the sampler's CDF: Cody-Waite reduction to
// |r| <= ln2/2 and the Taylor series to r^13 (truncation 4e-18 relative, below half an ulp), the
// exponent built from the bits; x = -inf gives 0, as exp does.
__attribute__((always_inline)) inline double vexpd(double x) {
  const bool zero = x < -708.0;
  const double xc = zero ? -708.0 : x;
  const double magic = 6755399441055744.0;  // 1.5 * 2^52
  const double t = xc * 1.4426950408889634 + magic;
  const double n = t - magic;
  const double r = (xc - n * 6.93147180369123816490e-01) - n * 1.90821492927058770002e-10;
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const int64_t bits = (__builtin_bit_cast(int64_t, t) - __builtin_bit_cast(int64_t, magic) + 1023) << 52;
  return zero ? 0.0 : p * __builtin_bit_cast(double, bits);
}

// d[i] = exp(s[i] - shift) in float64 (0 where s[i] is -inf).
PT_VECTOR_CLONES void exp_shifted(const float* s, int64_t n, double shift, double* d) {
  for (int64_t i = 0; i < n; ++i) d[i] = vexpd(static_cast<double>(s[i]) - shift);
}

// x / rms(x) * w for M rows of C, the statistics in float32 as RmsNorm.Forward.
PT_VECTOR_CLONES void rms_rows(const float* x, int64_t M, int64_t C, const float* w, float eps, float* out) {
  for (int64_t i = 0; i < M; ++i) {
    const float* xr = x + i * C;
    float* o = out + i * C;
    const float inv = 1.0f / std::sqrt(pt::loops::dot(xr, xr, C) / static_cast<float>(C) + eps);
    for (int64_t c = 0; c < C; ++c) o[c] = (xr[c] * inv) * w[c];
  }
}

// gate = silu(gate) * up, silu(g) = g / (1 + exp(-g)).
PT_VECTOR_CLONES void swiglu(float* gate, const float* up, int64_t n) {
  for (int64_t e = 0; e < n; ++e) gate[e] = gate[e] / (1.0f + vexp(-gate[e])) * up[e];
}

PT_VECTOR_CLONES void add_into(float* x, const float* y, int64_t n) {
  for (int64_t e = 0; e < n; ++e) x[e] += y[e];
}

// One query head over S keys and values: softmax(q.K^T * scale) V into out. Keys are stored
// transposed (hs rows of `stride` slots), so the scores accumulate over contiguous slots and
// vectorize whatever the head size; values are rows of hs.
PT_VECTOR_CLONES void attend_head(const float* q, const float* Kt, int64_t stride, const float* V, int64_t S, int64_t hs, float scale,
                                  float* scores, float* out) {
  for (int64_t s = 0; s < S; ++s) scores[s] = 0.0f;
  for (int64_t e = 0; e < hs; ++e) {
    const float qe = q[e];
    const float* kr = Kt + e * stride;
    for (int64_t s = 0; s < S; ++s) scores[s] += qe * kr[s];
  }
  float mx = -std::numeric_limits<float>::infinity();
  for (int64_t s = 0; s < S; ++s) {
    scores[s] *= scale;
    mx = scores[s] > mx ? scores[s] : mx;
  }
  for (int64_t s = 0; s < S; ++s) scores[s] = vexp(scores[s] - mx);
  float sum = 0;
  for (int64_t s = 0; s < S; ++s) sum += scores[s];
  const float inv = 1.0f / sum;
  for (int64_t e = 0; e < hs; ++e) out[e] = 0.0f;
  for (int64_t s = 0; s < S; ++s) {
    const float p = scores[s] * inv;
    const float* vr = V + s * hs;
    for (int64_t e = 0; e < hs; ++e) out[e] += p * vr[e];
  }
}

// log sum_i exp(x_i) of a row, for the greedy log-prob.
PT_VECTOR_CLONES float log_sum_exp(const float* x, int64_t n, float mx) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) acc[j] += vexp(x[i + j] - mx);
  float s = 0;
  for (; i < n; ++i) s += vexp(x[i] - mx);
  for (int j = 0; j < 8; ++j) s += acc[j];
  return mx + std::log(s);
}

struct LayerWeights {
  const float *ln1, *wq, *bq, *wk, *bk, *wv, *bv, *wo, *bo, *ln2, *wg, *bg, *wu, *bu, *wd, *bd;
};

struct Token {
  int64_t row, slot;
};

struct Decoder {
  int64_t L, C, I, nh, nkv, hs, V, B, cap, maxTokens;
  float eps;
  bool blas;
  std::vector<at::Tensor> keep;  // the weight tensors, alive while their pointers are used
  const float *embed, *norm, *head;
  std::vector<LayerWeights> layers;
  std::vector<float> cosT, sinT;          // (cap, hs/2)
  std::vector<float> keys, values;        // per layer: keys (B, nkv, hs, cap), transposed; values (B, nkv, cap, hs)
  std::vector<int64_t> pad;               // left padding of each row
  std::vector<int64_t> next;              // each row's last sampled token, fed at the next step
  std::vector<Token> tokens;
  std::vector<int64_t> ids;
  std::vector<float> x, h, q, k, v, y, gate, up, logits;
  std::vector<double> dscratch;           // per row: V doubles for the CDF
  std::vector<float> fscratch;            // per row: V floats for filtering
  std::vector<int32_t> iscratch;          // per row: V ints for top-p order
  int64_t P = 0;

  float* kv(std::vector<float>& buf, int64_t layer, int64_t row, int64_t head) {
    return buf.data() + (((layer * B + row) * nkv + head) * cap) * hs;
  }

  // y (M, N) = x (M, K) W^T (+ b), W (N, K) row-major as the checkpoints store it.
  void linear(const float* xin, int64_t M, int64_t K, const float* W, const float* b, int64_t N, float* out) {
    if (M == 0) return;
    if (b != nullptr) {
      for (int64_t i = 0; i < M; ++i) std::memcpy(out + i * N, b, sizeof(float) * N);
    }
    if (blas) {
      // OpenBLAS runs a GEMM on one thread while M*N*K <= 4 * 65536. With torch at one thread,
      // a bigger decode-step GEMM (the head) would wake its thread pool, which costs more than it
      // saves at these sizes (10% of a tiny decode step, measured): such GEMMs are cut into
      // blocks of output features under that bound, when a block stays 64 features wide.
      int64_t block = N;
      if (at::get_num_threads() == 1 && M * N * K > 262144 && M * K * 64 <= 262144) block = 262144 / (M * K);
      const int n = static_cast<int>(M), kk = static_cast<int>(K), ldc = static_cast<int>(N);
      const float one = 1.0f, beta = b != nullptr ? 1.0f : 0.0f;
      for (int64_t j = 0; j < N; j += block) {
        const int m = static_cast<int>(std::min(block, N - j));
        find_sgemm()("T", "N", &m, &n, &kk, &one, W + j * K, &kk, xin, &kk, &beta, out + j, &ldc);
      }
      return;
    }
    auto f32 = at::TensorOptions().dtype(at::kFloat);
    at::Tensor xt = at::from_blob(const_cast<float*>(xin), {M, K}, f32);
    at::Tensor wt = at::from_blob(const_cast<float*>(W), {N, K}, f32);
    at::Tensor ot = at::from_blob(out, {M, N}, f32);
    if (b != nullptr) {
      at::addmm_out(ot, ot, xt, wt.t());
    } else {
      at::mm_out(ot, xt, wt.t());
    }
  }

  void rms_norm(const float* xin, int64_t M, const float* w, float* out) const { rms_rows(xin, M, C, w, eps, out); }

  // "Rotate half" rotary embedding of n heads of one token, in place, at rotary position pos.
  void rotate(float* t, int64_t n, int64_t pos) const {
    const int64_t half = hs / 2;
    const float* cs = cosT.data() + pos * half;
    const float* sn = sinT.data() + pos * half;
    for (int64_t hd = 0; hd < n; ++hd) {
      float* a = t + hd * hs;
      float* b = a + half;
      for (int64_t i = 0; i < half; ++i) {
        const float x1 = a[i], x2 = b[i];
        a[i] = x1 * cs[i] - x2 * sn[i];
        b[i] = x2 * cs[i] + x1 * sn[i];
      }
    }
  }

  // Causal attention of token i's nh query heads over its row's keys [pad, slot]: the keys of
  // padding are never seen (a row's first real token sits at pad).
  void attend(int64_t layer, int64_t i, float* scores) {
    const Token tk = tokens[i];
    const int64_t lo = pad[tk.row], hi = tk.slot, S = hi - lo + 1, g = nh / nkv;
    const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
    for (int64_t kvh = 0; kvh < nkv; ++kvh) {
      const float* Kt = kv(keys, layer, tk.row, kvh) + lo;
      const float* Vv = kv(values, layer, tk.row, kvh) + lo * hs;
      for (int64_t j = 0; j < g; ++j) {
        const int64_t head = kvh * g + j;
        attend_head(q.data() + i * nh * hs + head * hs, Kt, cap, Vv, S, hs, scale, scores, y.data() + i * nh * hs + head * hs);
      }
    }
  }

  // Row `to` holds the same left-padded prompt as row `from`: its cache slots are the same.
  void copy_prompt(int64_t from, int64_t to) {
    const int64_t n = (P - pad[from]) * hs;
    for (int64_t l = 0; l < L; ++l) {
      for (int64_t hd = 0; hd < nkv; ++hd) {
        for (int64_t e = 0; e < hs; ++e) {
          std::memcpy(kv(keys, l, to, hd) + e * cap + pad[from], kv(keys, l, from, hd) + e * cap + pad[from], sizeof(float) * (P - pad[from]));
        }
        std::memcpy(kv(values, l, to, hd) + pad[from] * hs, kv(values, l, from, hd) + pad[from] * hs, sizeof(float) * n);
      }
    }
  }

  // Activation buffers for N tokens at once, grown on demand: a prefill of prompts that rows
  // share needs fewer than B * P, and untouched pages are never faulted in.
  void reserve(int64_t N) {
    const int64_t nq = nh * hs, nk = nkv * hs;
    if (static_cast<int64_t>(x.size()) >= N * C) return;
    x.resize(N * C);
    h.resize(N * std::max(C, nq));
    q.resize(N * nq);
    k.resize(N * nk);
    v.resize(N * nk);
    y.resize(N * std::max(C, nq));
    gate.resize(N * I);
    up.resize(N * I);
  }

  // Runs the tokens in `tokens` (ids in `ids`) through the model, writing their K/V into the
  // cache; logits (one row per entry of `outputs`, indices into tokens) go to `logits`.
  void forward(const std::vector<int64_t>& outputs) {
    const int64_t N = static_cast<int64_t>(tokens.size());
    const int64_t nq = nh * hs, nk = nkv * hs;
    reserve(std::max<int64_t>(N, static_cast<int64_t>(outputs.size())));
    for (int64_t i = 0; i < N; ++i) std::memcpy(x.data() + i * C, embed + ids[i] * C, sizeof(float) * C);
    for (int64_t l = 0; l < L; ++l) {
      const LayerWeights& w = layers[l];
      rms_norm(x.data(), N, w.ln1, h.data());
      linear(h.data(), N, C, w.wq, w.bq, nq, q.data());
      linear(h.data(), N, C, w.wk, w.bk, nk, k.data());
      linear(h.data(), N, C, w.wv, w.bv, nk, v.data());
      for (int64_t i = 0; i < N; ++i) {
        const Token tk = tokens[i];
        const int64_t pos = tk.slot - pad[tk.row];
        rotate(q.data() + i * nq, nh, pos);
        rotate(k.data() + i * nk, nkv, pos);
        for (int64_t hd = 0; hd < nkv; ++hd) {
          float* kt = kv(keys, l, tk.row, hd) + tk.slot;
          for (int64_t e = 0; e < hs; ++e) kt[e * cap] = k[i * nk + hd * hs + e];
          std::memcpy(kv(values, l, tk.row, hd) + tk.slot * hs, v.data() + i * nk + hd * hs, sizeof(float) * hs);
        }
      }
      at::parallel_for(0, N, 16, [&](int64_t begin, int64_t end) {
        std::vector<float> scores(cap);
        for (int64_t i = begin; i < end; ++i) attend(l, i, scores.data());
      });
      linear(y.data(), N, nq, w.wo, w.bo, C, h.data());
      add_into(x.data(), h.data(), N * C);
      rms_norm(x.data(), N, w.ln2, h.data());
      linear(h.data(), N, C, w.wg, w.bg, I, gate.data());
      linear(h.data(), N, C, w.wu, w.bu, I, up.data());
      swiglu(gate.data(), up.data(), N * I);
      linear(gate.data(), N, I, w.wd, w.bd, C, h.data());
      add_into(x.data(), h.data(), N * C);
    }
    const int64_t M = static_cast<int64_t>(outputs.size());
    for (int64_t j = 0; j < M; ++j) std::memcpy(y.data() + j * C, x.data() + outputs[j] * C, sizeof(float) * C);
    rms_norm(y.data(), M, norm, h.data());
    linear(h.data(), M, C, head, nullptr, V, logits.data());
  }
};

struct Sampling {
  int greedy;
  double temperature;
  int64_t topK;
  double topP;
};

// One row's token and its log-prob, as RowSampler.Sample (or Sampler.Sample when greedy) gives
// them: log_softmax of the temperature-scaled logits at the token; the token by inverting the
// float64 CDF of the top-k/top-p filtered softmax at uniform u.
void sample_row(const float* logits, int64_t V, const Sampling& o, double u, float* s, double* d, int32_t* order,
                int64_t* token, float* logprob) {
  if (o.greedy) {
    int64_t best = 0;
    for (int64_t i = 1; i < V; ++i)
      if (logits[i] > logits[best]) best = i;
    *token = best;
    *logprob = logits[best] - log_sum_exp(logits, V, logits[best]);
    return;
  }
  const float T = static_cast<float>(o.temperature);
  float mx = -std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < V; ++i) {
    s[i] = o.temperature == 1.0 ? logits[i] : logits[i] / T;
    mx = s[i] > mx ? s[i] : mx;
  }
  // log-softmax normaliser of the unfiltered scaled logits; the filtered ones reuse the exps.
  exp_shifted(s, V, mx, d);
  double total = 0;
  for (int64_t i = 0; i < V; ++i) total += d[i];
  const double lse = mx + std::log(total);
  bool filtered = false;
  if (o.topK > 0 && o.topK < V) {
    // The k-th largest value; every token below it is dropped (ties with it stay, as Sampler.Filter).
    std::iota(order, order + V, 0);
    std::nth_element(order, order + (o.topK - 1), order + V, [&](int32_t a, int32_t b) { return s[a] > s[b]; });
    const float kth = s[order[o.topK - 1]];
    for (int64_t i = 0; i < V; ++i)
      if (s[i] < kth) s[i] = -std::numeric_limits<float>::infinity();
    filtered = true;
  }
  if (o.topP < 1.0) {
    // Sorted descending, a token is dropped when the float32 mass strictly above it reaches top_p.
    std::iota(order, order + V, 0);
    std::stable_sort(order, order + V, [&](int32_t a, int32_t b) { return s[a] > s[b]; });
    const float top = s[order[0]];
    double z = 0;
    for (int64_t i = 0; i < V; ++i) z += std::exp(static_cast<double>(s[i]) - top);
    const float topP = static_cast<float>(o.topP);
    double cum = 0;
    std::vector<int32_t> drop;
    for (int64_t r = 0; r < V; ++r) {
      const int32_t t = order[r];
      const float p = static_cast<float>(std::exp(static_cast<double>(s[t]) - top) / z);
      cum += p;
      const float before = static_cast<float>(cum) - p;
      if (before >= topP) drop.push_back(t);
    }
    for (int32_t t : drop) s[t] = -std::numeric_limits<float>::infinity();
    filtered = true;
  }
  if (filtered) {
    exp_shifted(s, V, mx, d);
  }
  // Token i is chosen when cdf[i-1] <= u * total < cdf[i], counting over the first V-1 entries.
  double cdfTotal = 0;
  for (int64_t i = 0; i < V; ++i) cdfTotal += d[i];
  const double inv = 1.0 / cdfTotal;
  double cum = 0;
  for (int64_t i = 0; i < V; ++i) {
    cum += d[i] * inv;
    d[i] = cum;
  }
  const double target = u * d[V - 1];
  int64_t t = 0;
  while (t < V - 1 && d[t] <= target) ++t;
  *token = t;
  const float sc = o.temperature == 1.0 ? logits[t] : logits[t] / T;
  *logprob = static_cast<float>(static_cast<double>(sc) - lse);
}

Decoder* D(void* h) {
  if (h == nullptr) throw std::invalid_argument("null decoder handle (a disposed decoder was used)");
  return static_cast<Decoder*>(h);
}

const float* ptr(const at::Tensor* t, std::vector<at::Tensor>& keep, int64_t numel, const char* what) {
  if (t == nullptr) return nullptr;
  const at::Tensor& w = *t;
  if (w.scalar_type() != at::kFloat || !w.device().is_cpu() || !w.is_contiguous() || w.numel() != numel)
    throw std::invalid_argument(std::string("native decoder: ") + what + " must be a contiguous float32 CPU tensor of " +
                                std::to_string(numel) + " elements");
  keep.push_back(w);
  return w.data_ptr<float>();
}
}  // namespace

// w: embed (V, C), final norm (C), head (V, C), then per layer the 16 handles of pt_llama_layer
// (biases null where absent). invFreq: hs/2 rotary inverse frequencies. Capacity: slots per row.
PT_API void* pt_decoder_new(const at::Tensor* const* w, int nw, int64_t layers, int64_t nh, int64_t nkv, double eps,
                            const float* invFreq, int64_t batch, int64_t capacity, int64_t maxPromptLength, int useBlas) {
  Decoder* out = nullptr;
  pt::guard([&] {
    if (w == nullptr || nw != 3 + 16 * layers || layers < 1) throw std::invalid_argument("pt_decoder_new takes 3 + 16 per layer weight handles");
    if (nh <= 0 || nkv <= 0 || nh % nkv != 0) throw std::invalid_argument("heads must be positive, nh a multiple of nkv");
    if (batch < 1 || capacity < 1 || maxPromptLength < 1 || maxPromptLength > capacity) throw std::invalid_argument("bad batch, capacity or prompt length");
    auto d = std::make_unique<Decoder>();
    const at::Tensor& embed = pt::T(w[0]);
    if (embed.dim() != 2) throw std::invalid_argument("embedding must be (V, C)");
    d->L = layers;
    d->V = embed.size(0);
    d->C = embed.size(1);
    d->nh = nh;
    d->nkv = nkv;
    const at::Tensor& wq = pt::T(w[3 + 1]);
    d->hs = wq.size(0) / nh;
    d->I = pt::T(w[3 + 10]).size(0);
    d->B = batch;
    d->cap = capacity;
    d->eps = static_cast<float>(eps);
    d->blas = useBlas != 0 && find_sgemm() != nullptr;
    const int64_t C = d->C, V = d->V, I = d->I, nq = nh * d->hs, nk = nkv * d->hs;
    if (d->hs % 2 != 0 || d->hs * nh != wq.size(0)) throw std::invalid_argument("q_proj rows must be heads x an even head size");
    d->embed = ptr(w[0], d->keep, V * C, "embed_tokens");
    d->norm = ptr(w[1], d->keep, C, "norm");
    d->head = ptr(w[2], d->keep, V * C, "lm_head");
    for (int64_t l = 0; l < layers; ++l) {
      const at::Tensor* const* lw = w + 3 + 16 * l;
      if (lw[0] == nullptr || lw[1] == nullptr || lw[3] == nullptr || lw[5] == nullptr || lw[7] == nullptr ||
          lw[9] == nullptr || lw[10] == nullptr || lw[12] == nullptr || lw[14] == nullptr)
        throw std::invalid_argument("a layer misses a weight");
      auto& k = d->keep;
      d->layers.push_back({ptr(lw[0], k, C, "input_layernorm"), ptr(lw[1], k, nq * C, "q_proj"), ptr(lw[2], k, nq, "q_bias"),
                           ptr(lw[3], k, nk * C, "k_proj"), ptr(lw[4], k, nk, "k_bias"), ptr(lw[5], k, nk * C, "v_proj"),
                           ptr(lw[6], k, nk, "v_bias"), ptr(lw[7], k, C * nq, "o_proj"), ptr(lw[8], k, C, "o_bias"),
                           ptr(lw[9], k, C, "post_attention_layernorm"), ptr(lw[10], k, I * C, "gate_proj"),
                           ptr(lw[11], k, I, "gate_bias"), ptr(lw[12], k, I * C, "up_proj"), ptr(lw[13], k, I, "up_bias"),
                           ptr(lw[14], k, C * I, "down_proj"), ptr(lw[15], k, C, "down_bias")});
    }
    // Angles as Rotary.Angles computes them: float32 position times float32 inverse frequency.
    const int64_t half = d->hs / 2;
    d->cosT.resize(capacity * half);
    d->sinT.resize(capacity * half);
    for (int64_t p = 0; p < capacity; ++p) {
      for (int64_t i = 0; i < half; ++i) {
        const float a = static_cast<float>(p) * invFreq[i];
        d->cosT[p * half + i] = std::cos(a);
        d->sinT[p * half + i] = std::sin(a);
      }
    }
    d->keys.assign(layers * batch * nkv * capacity * d->hs, 0.0f);
    d->values.assign(layers * batch * nkv * capacity * d->hs, 0.0f);
    d->pad.assign(batch, 0);
    d->next.assign(batch, 0);
    d->maxTokens = batch * maxPromptLength;
    d->logits.resize(batch * V);
    d->dscratch.resize(batch * V);
    d->fscratch.resize(batch * V);
    d->iscratch.resize(batch * V);
    out = d.release();
  });
  return out;
}

PT_API void pt_decoder_free(void* h) { delete static_cast<Decoder*>(h); }

// Runs generation steps [step0, step0 + nsteps): step 0 is the prefill of the prompts (ids (B, P)
// left-padded, pad (B)); step s > 0 feeds each running row's token of step s - 1. Each step
// samples one token per running row into tokens/logprobs (B, maxNew) at counts[b]. state (B):
// 0 running, 1 stopped (a stop id, or set by the caller for stop strings), 2 reached maxNew.
// uniforms (B, maxNew) float64, null when greedy. Stops early once no row runs; returns the
// number of steps run, or -1 on error.
PT_API int pt_decoder_run(void* handle, const int64_t* ids, int64_t P, const int64_t* pad, int greedy, double temperature,
                          int64_t topK, double topP, const double* uniforms, const int32_t* stopIds, int nstop, int step0,
                          int nsteps, int maxNew, uint8_t* state, int32_t* tokens, float* logprobs, int32_t* counts) {
  int ran = 0;
  int rc = pt::guard([&] {
    Decoder& d = *D(handle);
    const Sampling o{greedy, temperature, topK, topP};
    if (!greedy && uniforms == nullptr) throw std::invalid_argument("sampling needs uniforms");
    for (int step = step0; step < step0 + nsteps && step < maxNew; ++step) {
      std::vector<int64_t> rows;
      for (int64_t b = 0; b < d.B; ++b)
        if (state[b] == 0) rows.push_back(b);
      if (rows.empty()) break;
      d.tokens.clear();
      d.ids.clear();
      std::vector<int64_t> outputs;
      std::vector<std::pair<int64_t, int64_t>> copies;  // (row prefilled, row sharing its prompt)
      if (step == 0) {
        if (P < 1 || d.B * P > d.maxTokens || P + maxNew > d.cap) throw std::invalid_argument("prompt length does not fit the decoder");
        d.P = P;
        // A prompt that an earlier row already holds (GRPO samples each prompt group-size times)
        // is prefilled once: the copy's cache is the first row's, as its own prefill would give.
        std::vector<int64_t> last(d.B, -1);
        for (int64_t b = 0; b < d.B; ++b) {
          if (pad[b] < 0 || pad[b] >= P) throw std::invalid_argument("row " + std::to_string(b) + " has no prompt token");
          d.pad[b] = pad[b];
          int64_t same = -1;
          for (int64_t a = 0; a < b && same < 0; ++a) {
            if (last[a] >= 0 && pad[a] == pad[b] && std::equal(ids + a * P + pad[b], ids + (a + 1) * P, ids + b * P + pad[b])) same = a;
          }
          if (same >= 0) {
            copies.push_back({same, b});
            outputs.push_back(last[same]);
            continue;
          }
          for (int64_t t = pad[b]; t < P; ++t) {
            d.tokens.push_back({b, t});
            d.ids.push_back(ids[b * P + t]);
          }
          last[b] = static_cast<int64_t>(d.tokens.size()) - 1;
          outputs.push_back(last[b]);
        }
      } else {
        if (d.P == 0) throw std::invalid_argument("decode step " + std::to_string(step) + " before the prefill (step 0)");
        for (int64_t b : rows) {
          outputs.push_back(static_cast<int64_t>(d.tokens.size()));
          d.tokens.push_back({b, d.P + step - 1});
          d.ids.push_back(d.next[b]);
        }
      }
      for (int64_t id : d.ids)
        if (id < 0 || id >= d.V) throw std::invalid_argument("token id " + std::to_string(id) + " outside the vocabulary");
      d.forward(outputs);
      for (auto [from, to] : copies) d.copy_prompt(from, to);
      copies.clear();
      // outputs[j] is row j at the prefill (every row), else rows[j].
      const auto rowOf = [&](size_t j) { return step == 0 ? static_cast<int64_t>(j) : rows[j]; };
      at::parallel_for(0, static_cast<int64_t>(outputs.size()), 8, [&](int64_t begin, int64_t end) {
        for (int64_t j = begin; j < end; ++j) {
          const int64_t b = rowOf(j);
          if (state[b] != 0) continue;
          int64_t tok = 0;
          float lp = 0;
          sample_row(d.logits.data() + j * d.V, d.V, o, greedy ? 0.0 : uniforms[b * maxNew + step],
                     d.fscratch.data() + b * d.V, d.dscratch.data() + b * d.V, d.iscratch.data() + b * d.V, &tok, &lp);
          tokens[b * maxNew + counts[b]] = static_cast<int32_t>(tok);
          logprobs[b * maxNew + counts[b]] = lp;
          counts[b] += 1;
          d.next[b] = tok;
          if (std::find(stopIds, stopIds + nstop, static_cast<int32_t>(tok)) != stopIds + nstop) {
            state[b] = 1;
          } else if (counts[b] == maxNew) {
            state[b] = 2;
          }
        }
      });
      ++ran;
    }
  });
  return rc == 0 ? ran : -1;
}

// Whether projections run through the BLAS sgemm directly (1) or through at::mm (0).
PT_API int pt_decoder_uses_blas(void* handle) {
  int r = -1;
  pt::guard([&] { r = D(handle)->blas ? 1 : 0; });
  return r;
}

// The kernel's float32 and float64 exp on arrays, for the tests that hold them to libm's.
PT_API void pt_decoder_exp(const float* xf, float* outf, const double* xd, double* outd, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    outf[i] = vexp(xf[i]);
    outd[i] = vexpd(xd[i]);
  }
}
