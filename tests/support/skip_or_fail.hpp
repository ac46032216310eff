// STRATA_SKIP_OR_FAIL: for a test that cannot run because a tool or fixture is missing. It
// skips, except in CI (the environment variable CI is "true", as .ci/run sets it), where every
// tool is meant to be installed: there a missing one is a failure, not a silent pass.
//
//   if (validator.empty()) STRATA_SKIP_OR_FAIL() << "SARIF validator not installed";
//
// Only for missing prerequisites: a test that skips for a reason CI shares (running as root)
// uses GTEST_SKIP. Like GTEST_SKIP it returns from the (void) function it is used in.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

namespace strata::test {

inline bool prerequisites_required() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

inline ::testing::TestPartResult::Type missing_prerequisite_result() {
  return prerequisites_required() ? ::testing::TestPartResult::kFatalFailure
                                  : ::testing::TestPartResult::kSkip;
}

inline const char* missing_prerequisite_note() {
  return prerequisites_required() ? "CI=true: a missing prerequisite fails the test" : "";
}

}  // namespace strata::test

// What GTEST_SKIP and GTEST_FAIL expand to (GTEST_MESSAGE_AT_), with the result type chosen at
// run time, so the message streamed after the macro goes to either.
#define STRATA_SKIP_OR_FAIL()                                                   \
  return ::testing::internal::AssertHelper(                                     \
             ::strata::test::missing_prerequisite_result(), __FILE__, __LINE__, \
             ::strata::test::missing_prerequisite_note()) = ::testing::Message()
