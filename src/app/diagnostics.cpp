#include "diagnostics.hpp"

#include <cxxabi.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "exit_codes.hpp"
#include "strata/core/exception_text.hpp"
#include "strata/core/secret_scrubber.hpp"
#include "strata/findings/secrets_to_hide.hpp"

namespace strata::app {

namespace {

// Passes every message to `inner` with the secrets it was given replaced.
class ScrubbingSink final : public spdlog::sinks::sink {
 public:
  explicit ScrubbingSink(std::shared_ptr<spdlog::sinks::sink> inner) : inner_(std::move(inner)) {}

  void hide(SecretScrubber scrubber) {
    auto shared = std::make_shared<const SecretScrubber>(std::move(scrubber));
    std::lock_guard lock(mutex_);
    scrubber_ = std::move(shared);
  }

  void log(const spdlog::details::log_msg& msg) override {
    std::shared_ptr<const SecretScrubber> scrubber;
    {
      std::lock_guard lock(mutex_);
      scrubber = scrubber_;
    }
    if (!scrubber || scrubber->empty()) {
      inner_->log(msg);
      return;
    }
    std::string text = scrubber->scrub(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg scrubbed = msg;
    scrubbed.payload = spdlog::string_view_t(text.data(), text.size());
    inner_->log(scrubbed);
  }
  void flush() override { inner_->flush(); }
  void set_pattern(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    inner_->set_formatter(std::move(formatter));
  }

 private:
  std::shared_ptr<spdlog::sinks::sink> inner_;
  std::mutex mutex_;
  std::shared_ptr<const SecretScrubber> scrubber_;
};

std::shared_ptr<ScrubbingSink>& scrubbing_sink() {
  static std::shared_ptr<ScrubbingSink> sink;
  return sink;
}

// The last resort, when an exception escaped every catch (or one was thrown while another
// unwound). Names only the exception's type: its text may quote input, and the logger may be
// what failed, so this writes to stderr directly and exits at once.
[[noreturn]] void exit_on_terminate() {
  const char* type = "none";
  std::unique_ptr<char, decltype(&std::free)> demangled(nullptr, &std::free);
  if (const std::type_info* t = abi::__cxa_current_exception_type()) {
    int status = 0;
    demangled.reset(abi::__cxa_demangle(t->name(), nullptr, nullptr, &status));
    type = demangled ? demangled.get() : t->name();
  }
  std::fprintf(stderr,
               "strata: error: internal error: an uncaught exception (%s) stopped strata; "
               "the scan is incomplete\n",
               type);
  std::fflush(stderr);
  std::_Exit(kExitIncomplete);
}

}  // namespace

void setup_diagnostics() {
  std::set_terminate(exit_on_terminate);
  auto sink =
      std::make_shared<ScrubbingSink>(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  scrubbing_sink() = sink;
  auto logger = std::make_shared<spdlog::logger>("strata", sink);
  logger->set_pattern("strata: %^%l%$: %v");
  logger->set_level(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

void set_diagnostics_level(int verbosity, bool quiet) {
  spdlog::default_logger()->set_level(quiet            ? spdlog::level::err
                                      : verbosity >= 2 ? spdlog::level::debug
                                      : verbosity == 1 ? spdlog::level::info
                                                       : spdlog::level::warn);
}

void hide_in_diagnostics(const std::vector<Finding>& findings) {
  if (auto& sink = scrubbing_sink()) sink->hide(SecretScrubber(secrets_to_hide(findings)));
}

void log_uncaught(const std::exception_ptr& thrown) {
  spdlog::error("internal error: {}; the scan is incomplete", exception_text(thrown));
}

}  // namespace strata::app
