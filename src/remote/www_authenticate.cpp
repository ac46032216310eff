// parse_www_authenticate: RFC 7235 section 4.1 challenges.
//   challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//   auth-param = token BWS "=" BWS ( token / quoted-string )
// Several challenges share one header, separated by commas like the parameters; a name not
// followed by '=' starts the next challenge.
#include <algorithm>
#include <cctype>

#include "ascii.hpp"
#include "strata/remote/registry_auth.hpp"

namespace strata {
namespace {

bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}
bool is_token68_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("-._~+/").find(c) != std::string_view::npos;
}

class ChallengeParser {
 public:
  explicit ChallengeParser(std::string_view text) : text_(text) {}

  std::vector<AuthChallenge> parse() {
    std::vector<AuthChallenge> out;
    for (;;) {
      skip_separators();
      std::string_view scheme = token();
      if (scheme.empty()) return out;  // end, or text that is no challenge: stop there
      AuthChallenge challenge{ascii_lower(scheme), {}};
      skip_spaces();
      if (auto t68 = token68()) {
        challenge.params.emplace_back("", std::string(*t68));
      } else {
        read_params(challenge);
      }
      out.push_back(std::move(challenge));
    }
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void skip_spaces() {
    while (peek() == ' ' || peek() == '\t') ++pos_;
  }
  void skip_separators() {
    while (peek() == ' ' || peek() == '\t' || peek() == ',') ++pos_;
  }
  std::string_view take_while(bool (*accept)(char)) {
    size_t start = pos_;
    while (!at_end() && accept(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  std::string_view token() { return take_while(is_tchar); }

  // A token68 is the whole credential: it must be followed by the end or a comma.
  std::optional<std::string_view> token68() {
    size_t start = pos_;
    take_while(is_token68_char);
    size_t body_end = pos_;
    while (peek() == '=') ++pos_;
    auto value = text_.substr(start, pos_ - start);
    skip_spaces();
    if (body_end > start && (at_end() || peek() == ',')) return value;
    pos_ = start;
    return std::nullopt;
  }

  std::string quoted_string() {
    std::string value;
    ++pos_;  // the opening quote
    while (!at_end() && peek() != '"') {
      if (peek() == '\\' && pos_ + 1 < text_.size()) ++pos_;  // quoted-pair: take what follows
      value += text_[pos_++];
    }
    if (!at_end()) ++pos_;  // the closing quote (an unterminated string ends with the text)
    return value;
  }

  void read_params(AuthChallenge& challenge) {
    for (;;) {
      size_t mark = pos_;
      skip_separators();
      std::string_view name = token();
      skip_spaces();
      if (name.empty() || peek() != '=') {
        pos_ = mark;  // the next challenge's scheme, or the end
        return;
      }
      ++pos_;
      skip_spaces();
      std::string value = peek() == '"' ? quoted_string() : std::string(token());
      challenge.params.emplace_back(ascii_lower(name), std::move(value));
      skip_spaces();
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<std::string> AuthChallenge::param(std::string_view name) const {
  std::string wanted = ascii_lower(name);
  for (const auto& [key, value] : params) {
    if (key == wanted) return value;
  }
  return std::nullopt;
}

std::vector<AuthChallenge> parse_www_authenticate(std::string_view header) {
  return ChallengeParser(header).parse();
}

}  // namespace strata
