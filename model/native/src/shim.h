// The C ABI of libpipeline_torch. Every function returns normally: C++ exceptions are caught
// at the boundary and turned into a status (or a null handle) plus a thread-local message
// (pt_last_error), because an exception crossing into .NET aborts the process.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

#define PT_API extern "C" __attribute__((visibility("default")))

namespace pt {
void set_error(const std::string& message);
void clear_error();

// Runs f, turning any exception into the thread's last error; returns 0 on success, -1 on error.
// The message is only written on failure: callers read it only after a failed status, and
// touching a thread_local string on every successful call would cost the hot path.
template <typename F>
int guard(F&& f) {
  try {
    f();
    return 0;
  } catch (const c10::Error& e) {
    set_error(e.what_without_backtrace());
  } catch (const std::exception& e) {
    set_error(e.what());
  } catch (...) {
    set_error("unknown native error");
  }
  return -1;
}
}  // namespace pt
