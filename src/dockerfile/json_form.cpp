#include "json_form.hpp"

#include <cstdint>

#include "strata/dockerfile/text_helpers.hpp"

namespace strata {

namespace {

void append_utf8(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// One escape after a backslash at text[i]; false when it is not valid JSON.
bool read_escape(std::string_view text, size_t& i, std::string& out) {
  if (i >= text.size()) return false;
  char c = text[i++];
  switch (c) {
    case '"':
    case '\\':
    case '/':
      out += c;
      return true;
    case 'b':
      out += '\b';
      return true;
    case 'f':
      out += '\f';
      return true;
    case 'n':
      out += '\n';
      return true;
    case 'r':
      out += '\r';
      return true;
    case 't':
      out += '\t';
      return true;
    case 'u':
      break;
    default:
      return false;
  }
  if (i + 4 > text.size()) return false;
  uint32_t code = 0;
  for (size_t end = i + 4; i < end; ++i) {
    char h = text[i];
    int digit = h >= '0' && h <= '9'   ? h - '0'
                : h >= 'a' && h <= 'f' ? h - 'a' + 10
                : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                       : -1;
    if (digit < 0) return false;
    code = code * 16 + static_cast<uint32_t>(digit);
  }
  append_utf8(out, code);
  return true;
}

// A JSON string starting at the quote text[i]; `i` moves past its closing quote.
std::optional<std::string> read_string(std::string_view text, size_t& i) {
  std::string out;
  for (++i; i < text.size();) {
    char c = text[i++];
    if (c == '"') return out;
    if (c == '\\') {
      if (!read_escape(text, i, out)) return std::nullopt;
    } else {
      out += c;
    }
  }
  return std::nullopt;
}

void skip_spaces(std::string_view text, size_t& i) {
  while (i < text.size() && is_space(text[i])) ++i;
}

}  // namespace

std::optional<std::vector<std::string>> parse_json_string_array(std::string_view text) {
  text = trim(text);
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return std::nullopt;
  std::vector<std::string> out;
  size_t i = 1;
  skip_spaces(text, i);
  if (text[i] == ']') return i + 1 == text.size() ? std::optional(out) : std::nullopt;
  for (;;) {
    skip_spaces(text, i);
    if (i >= text.size() || text[i] != '"') return std::nullopt;
    auto word = read_string(text, i);
    if (!word) return std::nullopt;
    out.push_back(std::move(*word));
    skip_spaces(text, i);
    if (i >= text.size()) return std::nullopt;
    if (text[i] == ']') return i + 1 == text.size() ? std::optional(out) : std::nullopt;
    if (text[i++] != ',') return std::nullopt;
  }
}

std::vector<std::string> unquoted_words(std::string_view text) {
  std::vector<std::string> out;
  for (const std::string& word : split_words(text)) {
    std::string plain;
    char quote = 0;
    for (char c : word) {
      if (quote ? c == quote : c == '"' || c == '\'') {
        quote = quote ? 0 : c;
      } else {
        plain += c;
      }
    }
    out.push_back(std::move(plain));
  }
  return out;
}

}  // namespace strata
