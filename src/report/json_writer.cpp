#include "json_writer.hpp"

#include <cstring>
#include <stdexcept>

namespace strata {

namespace {

constexpr auto kReplaceInvalidUtf8 = nlohmann::json::error_handler_t::replace;
constexpr unsigned kIndentStep = 2;

// Whether nlohmann would write `s` as it is between quotes: printable ASCII but the quote and
// the backslash. Such strings (nearly every one in a report: paths, digests, names) are
// copied as they are instead of going through nlohmann's byte-by-byte UTF-8 escaper, which
// was half of a big report's time; every other string is escaped by nlohmann. Eight bytes at
// a time (a big report checks ~10^5 strings), with the exact "has a byte less than n" and
// "has a zero byte" word tests.
bool needs_no_escape(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHighs = 0x8080808080808080ull;
  auto has_below = [](uint64_t x, uint64_t n) { return (x - kOnes * n) & ~x & kHighs; };
  auto has_byte = [&](uint64_t x, uint64_t b) { return has_below(x ^ (kOnes * b), 1); };
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    if ((x & kHighs) | has_below(x, 0x20) | has_byte(x, '"') | has_byte(x, '\\')) return false;
  }
  for (; i < s.size(); ++i) {
    auto byte = static_cast<unsigned char>(s[i]);
    if (byte < 0x20 || byte >= 0x80 || byte == '"' || byte == '\\') return false;
  }
  return true;
}

}  // namespace

JsonWriter::JsonWriter(std::string& out)
    : out_(out),
      serializer_(nlohmann::detail::output_adapter<char>(out), ' ', kReplaceInvalidUtf8) {}

JsonWriter::JsonWriter(std::string& out, size_t base_depth, size_t items_before) : JsonWriter(out) {
  Level level;
  level.items = items_before;  // the items the caller already wrote at this level
  levels_.push_back(level);
  open_ = 1;
  base_depth_ = base_depth;
  borrowed_ = 1;
  document_started_ = true;
}

JsonWriter JsonWriter::elements_of(const JsonWriter& parent, std::string& out,
                                   size_t items_before) {
  parent.check(parent.open_ > 0 && !parent.innermost().object, "elements outside an array");
  return JsonWriter(out, parent.base_depth_ + parent.open_ - 1, items_before);
}

void JsonWriter::check(bool ok, const char* what) const {
  if (!ok) throw std::logic_error(std::string("JsonWriter: ") + what);
}

void JsonWriter::indent_to(size_t depth) {
  out_ += '\n';
  out_.append(kIndentStep * depth, ' ');
}

JsonWriter& JsonWriter::key(std::string_view name) {
  check(open_ > 0 && innermost().object, "a key outside an object");
  Level& level = innermost();
  check(!level.key_pending, "a key after a key");
  check(level.items == 0 || name > level.last_key, "keys out of order");
  if (level.items > 0) out_ += ',';
  indent_to(base_depth_ + open_);
  write_string(name);
  out_ += ": ";
  level.last_key.assign(name);
  level.key_pending = true;
  ++level.items;
  return *this;
}

void JsonWriter::before_value() {
  if (open_ == 0) {
    check(!document_started_, "a second document");
    document_started_ = true;
    return;
  }
  Level& level = innermost();
  if (level.object) {
    check(level.key_pending, "a member without a key");
    level.key_pending = false;
    return;
  }
  if (level.items > 0) out_ += ',';
  indent_to(base_depth_ + open_);
  ++level.items;
}

void JsonWriter::begin(bool object, char open) {
  before_value();
  out_ += open;
  if (open_ == levels_.size()) levels_.emplace_back();
  Level& level = levels_[open_++];
  level.object = object;
  level.items = 0;
  level.key_pending = false;
}

void JsonWriter::end(bool object, char close) {
  check(open_ > borrowed_ && innermost().object == object, "an end that matches no begin");
  check(!innermost().key_pending, "a key without a value");
  bool empty = innermost().items == 0;
  --open_;
  if (!empty) indent_to(base_depth_ + open_);
  out_ += close;
}

void JsonWriter::begin_object() { begin(true, '{'); }
void JsonWriter::end_object() { end(true, '}'); }
void JsonWriter::begin_array() { begin(false, '['); }
void JsonWriter::end_array() { end(false, ']'); }

void JsonWriter::value(std::string_view s) {
  before_value();
  write_string(s);
}

void JsonWriter::write_string(std::string_view s) {
  if (needs_no_escape(s)) {
    out_ += '"';
    out_ += s;
    out_ += '"';
    return;
  }
  scratch_string_.get_ref<std::string&>().assign(s);
  serializer_.dump(scratch_string_, false, false, 0);
}

void JsonWriter::value(bool b) { value(nlohmann::json(b)); }
void JsonWriter::value(int64_t n) { value(nlohmann::json(n)); }
void JsonWriter::value(uint64_t n) { value(nlohmann::json(n)); }
void JsonWriter::value(double d) { value(nlohmann::json(d)); }

void JsonWriter::value(const nlohmann::json& j) {
  before_value();
  // nlohmann indents the value's inner lines from current_indent: its own depth.
  serializer_.dump(j, true, false, kIndentStep,
                   static_cast<unsigned>(kIndentStep * (base_depth_ + open_)));
}

void JsonWriter::append_elements(std::string_view text, size_t items_before, size_t elements) {
  elements_added(items_before, elements);
  out_ += text;
}

void JsonWriter::elements_added(size_t items_before, size_t elements) {
  check(open_ > 0 && !innermost().object, "elements outside an array");
  check(innermost().items == items_before, "elements out of place");
  innermost().items += elements;
}

size_t JsonWriter::items() const { return open_ == 0 ? 0 : innermost().items; }

}  // namespace strata
