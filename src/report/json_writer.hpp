// JsonWriter: writes a JSON document one member or element at a time, in exactly the text
// nlohmann::json's dump(2) gives for the same document, so a report of 10^5 findings never
// sits whole in memory as one nlohmann object. nlohmann does every escape and number (its
// serializer, invalid UTF-8 replaced by U+FFFD; a string that needs no escape at all is
// copied between quotes as nlohmann would); this class only places the pieces: commas,
// newlines, two-space indentation. Object keys must come in ascending byte order, the order
// nlohmann::json's std::map gives them, so the text is the same as nlohmann's.
//
//   std::string text;
//   JsonWriter w(text);
//   w.begin_object();
//   w.key("a").value(1);
//   w.key("b").begin_array(); w.value("x"); w.end_array();
//   w.end_object();  // text == "{\n  \"a\": 1,\n  \"b\": [\n    \"x\"\n  ]\n}"
//
// Elements of an array can be rendered elsewhere (on other threads, into their own text) by
// writers made with JsonWriter::elements_of, and added in order with append_elements (or
// elements_added, when the caller puts their text in the output itself).
//
// Thread safety: one writer per thread. Errors: a key out of order, a value without a key in
// an object, or an unbalanced end is a bug in the caller: std::logic_error.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

class JsonWriter {
 public:
  // Appends to `out`, which must outlive the writer.
  explicit JsonWriter(std::string& out);
  // A writer of elements of the array `parent` is in, to follow its first `items_before`
  // elements: it writes into `out` (separators included), for parent.append_elements.
  static JsonWriter elements_of(const JsonWriter& parent, std::string& out, size_t items_before);

  JsonWriter& key(std::string_view name);
  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void value(std::string_view s);
  void value(const char* s) { value(std::string_view(s)); }
  void value(const std::string& s) { value(std::string_view(s)); }
  void value(bool b);
  void value(int64_t n);
  void value(uint64_t n);
  void value(int n) { value(static_cast<int64_t>(n)); }
  void value(double d);
  // Any value; an object's keys in nlohmann::json's order (not ordered_json).
  void value(const nlohmann::json& j);

  // Adds the text of `elements` elements that a writer from elements_of(*this, …,
  // items_before) wrote; items_before must be the number of elements written so far.
  void append_elements(std::string_view text, size_t items_before, size_t elements);
  // The same, when the caller writes their text to the output itself, right after this
  // writer's text so far (no copy of a big batch of elements).
  void elements_added(size_t items_before, size_t elements);
  // Elements or members in the innermost array or object so far.
  size_t items() const;

 private:
  struct Level {
    bool object = false;
    size_t items = 0;
    std::string last_key;
    bool key_pending = false;
  };
  JsonWriter(std::string& out, size_t base_depth, size_t items_before);

  void before_value();
  void write_string(std::string_view s);
  void begin(bool object, char open);
  void end(bool object, char close);
  void indent_to(size_t depth);
  void check(bool ok, const char* what) const;

  Level& innermost() { return levels_[open_ - 1]; }
  const Level& innermost() const { return levels_[open_ - 1]; }

  std::string& out_;
  std::vector<Level> levels_;  // the first open_ are open; the rest keep their key buffers
  size_t open_ = 0;
  bool document_started_ = false;
  // nlohmann's own serializer, kept for the writer's life: json::dump() builds one per call
  // (a zeroed 512-byte buffer and a locale lookup) and a report writes ~10^5 values. It lives
  // in nlohmann's detail namespace: a change there is fixed here, once.
  nlohmann::detail::serializer<nlohmann::json> serializer_;
  nlohmann::json scratch_string_ = std::string();
  size_t base_depth_ = 0;  // levels above the first one in levels_
  size_t borrowed_ = 0;    // 1 when levels_[0] is the parent's array (elements_of)
};

}  // namespace strata
