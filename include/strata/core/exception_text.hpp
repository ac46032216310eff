// exception_text: what a caught exception says, for an error message. Threads catch whatever
// escapes their work as a std::exception_ptr (copying one never throws) and hand it to the
// thread that reports errors, which turns it into text here.
//
//   try { work(); } catch (...) { failed = std::current_exception(); }
//   ...
//   if (failed) errors.push_back("layer 3: " + exception_text(failed));
//
// An exception's text may quote the input it failed on (a JSON parser's "last read: '…'"):
// print it only through the diagnostics' or reports' secret scrubbing.
// Thread safety: pure function. Errors: may throw std::bad_alloc building the text.
#pragma once

#include <exception>
#include <new>
#include <string>

namespace strata {

inline std::string exception_text(const std::exception_ptr& thrown) {
  if (!thrown) return "no exception";
  try {
    std::rethrow_exception(thrown);
  } catch (const std::bad_alloc&) {
    return "out of memory (std::bad_alloc)";
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception of unknown type";
  }
}

}  // namespace strata
