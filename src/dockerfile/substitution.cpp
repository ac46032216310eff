#include "strata/dockerfile/substitution.hpp"

#include <algorithm>
#include <cctype>

namespace strata {

namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// One pass over a word; `stop` ends it (the '}' of an enclosing `${…}`).
class Expander {
 public:
  Expander(std::string_view text, const VariableLookup& lookup, char escape)
      : text_(text), lookup_(lookup), escape_(escape) {}

  Result<std::string> word(char stop) {
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != stop) {
      char c = text_[pos_];
      if (c == escape_) {
        ++pos_;
        if (pos_ < text_.size()) out += text_[pos_++];
      } else if (c == '\'') {
        auto quoted = single_quoted();
        if (!quoted) return quoted;
        out += *quoted;
      } else if (c == '"') {
        auto quoted = double_quoted();
        if (!quoted) return quoted;
        out += *quoted;
      } else if (c == '$') {
        auto value = dollar();
        if (!value) return value;
        out += *value;
      } else {
        out += c;
        ++pos_;
      }
    }
    return out;
  }

 private:
  std::unexpected<Error> error(const std::string& what) const {
    return fail(what + " at column " + std::to_string(pos_ + 1));
  }

  Result<std::string> single_quoted() {
    size_t end = text_.find('\'', pos_ + 1);
    if (end == std::string_view::npos) return error("unterminated single quote");
    std::string out(text_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return out;
  }

  Result<std::string> double_quoted() {
    std::string out;
    for (++pos_; pos_ < text_.size();) {
      char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c == escape_ && pos_ + 1 < text_.size() &&
          std::string_view("$\"`\\").find(text_[pos_ + 1]) != std::string_view::npos) {
        out += text_[pos_ + 1];
        pos_ += 2;
      } else if (c == '$') {
        auto value = dollar();
        if (!value) return value;
        out += *value;
      } else {
        out += c;
        ++pos_;
      }
    }
    return error("unterminated double quote");
  }

  std::string name() {
    size_t start = pos_;
    if (pos_ < text_.size() && is_name_start(text_[pos_])) {
      while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  // At '$': `$NAME`, `${…}`, or a lone '$' kept as is.
  Result<std::string> dollar() {
    ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '{') {
      ++pos_;
      return braced();
    }
    std::string n = name();
    if (n.empty()) return std::string("$");
    return lookup_(n).value_or("");
  }

  Result<std::string> braced() {
    std::string n = name();
    if (n.empty()) return error("bad substitution: a variable name expected");
    if (pos_ >= text_.size()) return error("unterminated ${" + n);
    std::optional<std::string> value = lookup_(n);
    if (text_[pos_] == '}') {
      ++pos_;
      return value.value_or("");
    }
    bool colon = text_[pos_] == ':';
    if (colon) ++pos_;
    char op = pos_ < text_.size() ? text_[pos_] : 0;
    if (op != '-' && op != '+' && op != '?') {
      return error("unsupported modifier in ${" + n);
    }
    ++pos_;
    auto alternative = word('}');
    if (!alternative) return alternative;
    if (pos_ >= text_.size()) return error("unterminated ${" + n);
    ++pos_;
    bool set = colon ? value && !value->empty() : value.has_value();
    if (op == '-') return set ? *value : *alternative;
    if (op == '+') return set ? *alternative : std::string();
    if (set) return *value;
    return error(n + ": " + (alternative->empty() ? "not set" : *alternative));
  }

  std::string_view text_;
  const VariableLookup& lookup_;
  char escape_;
  size_t pos_ = 0;
};

}  // namespace

Result<std::string> expand_variables(std::string_view text, const VariableLookup& lookup,
                                     char escape) {
  Expander expander(text, lookup, escape);
  return expander.word(0);
}

std::vector<std::string> referenced_variables(std::string_view text, char escape) {
  std::vector<std::string> out;
  bool single = false;
  bool dquote = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"' && !single) dquote = !dquote;
    if (c == '\'' && !dquote) single = !single;
    if (single) continue;
    if (c == escape) {
      ++i;
      continue;
    }
    if (c != '$' || i + 1 >= text.size()) continue;
    size_t start = text[i + 1] == '{' ? i + 2 : i + 1;
    size_t end = start;
    if (end < text.size() && is_name_start(text[end])) {
      while (end < text.size() && is_name_char(text[end])) ++end;
    }
    std::string name(text.substr(start, end - start));
    if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    i = end - 1;
  }
  return out;
}

}  // namespace strata
