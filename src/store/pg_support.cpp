#include "pg_support.hpp"

#include <cctype>
#include <vector>

namespace strata {
namespace {

struct UrlParts {
  std::string user;
  std::vector<std::string> passwords;  // from the user information and from ?password=
  std::string host_port;               // "db:5432", may be empty (a Unix socket)
  std::string database;                // may be empty
};

// postgresql://[user[:password]@][host[:port][,…]][/database][?params]; what libpq accepts.
UrlParts split_url(const std::string& url) {
  UrlParts parts;
  size_t scheme = url.find("://");
  std::string rest = scheme == std::string::npos ? url : url.substr(scheme + 3);
  size_t query = rest.find('?');
  if (query != std::string::npos) {
    // A password may be a parameter too: ?…&password=…&…
    std::string params = "&" + rest.substr(query + 1);
    size_t key = params.find("&password=");
    if (key != std::string::npos) {
      size_t start = key + 10;
      parts.passwords.push_back(params.substr(start, params.find('&', start) - start));
    }
    rest = rest.substr(0, query);
  }
  size_t at = rest.rfind('@');
  if (at != std::string::npos) {
    std::string userinfo = rest.substr(0, at);
    size_t colon = userinfo.find(':');
    parts.user = userinfo.substr(0, colon);
    if (colon != std::string::npos) parts.passwords.push_back(userinfo.substr(colon + 1));
    rest = rest.substr(at + 1);
  }
  size_t slash = rest.find('/');
  parts.host_port = rest.substr(0, slash);
  if (slash != std::string::npos) parts.database = rest.substr(slash + 1);
  return parts;
}

std::string percent_decoded(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    auto hex = [&](size_t at) { return std::isxdigit(static_cast<unsigned char>(text[at])) != 0; };
    if (text[i] == '%' && i + 2 < text.size() && hex(i + 1) && hex(i + 2)) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

void replace_all(std::string& text, const std::string& what, const std::string& with) {
  if (what.empty()) return;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at)) {
    text.replace(at, what.size(), with);
    at += with.size();
  }
}

}  // namespace

std::string numbered_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 1;
  char quote = 0;  // the quote character we are inside, or 0
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (quote) {
      // A doubled quote inside quoted text is the quote itself: it closes and reopens.
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size();
      out.append(sql.substr(i, end - i));
      i = end - 1;
      continue;
    } else if (c == '?') {
      out += '$' + std::to_string(next++);
      continue;
    }
    out += c;
  }
  return out;
}

std::string postgresql_display_name(const std::string& url) {
  UrlParts parts = split_url(url);
  std::string scheme = url.starts_with("postgres://") ? "postgres://" : "postgresql://";
  return scheme + (parts.user.empty() ? "" : parts.user + "@") + parts.host_port + "/" +
         parts.database;
}

std::string without_password(std::string text, const std::string& url) {
  UrlParts parts = split_url(url);
  for (const std::string& password : parts.passwords) {
    replace_all(text, password, "***");
    replace_all(text, percent_decoded(password), "***");
  }
  return text;
}

}  // namespace strata
