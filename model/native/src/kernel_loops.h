// Small loops the native kernels (llama_decode.cpp, llama_train.cpp) share.
#pragma once

#include <cstdint>

namespace pt::loops {

// sum of x y over n floats, in 8 partial sums so that the loop vectorises without reassociating
// one running sum (which the compiler may not do on its own).
inline float dot(const float* __restrict x, const float* __restrict y, int64_t n) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) acc[k] += x[i + k] * y[i + k];
  float s = 0.f;
  for (; i < n; ++i) s += x[i] * y[i];
  return s + ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

}  // namespace pt::loops
