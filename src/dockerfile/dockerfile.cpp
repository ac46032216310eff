#include "strata/dockerfile/dockerfile.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "json_form.hpp"
#include "strata/dockerfile/text_helpers.hpp"

namespace strata {

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == text.size()) break;
    pos = end + 1;
  }
  return lines;
}

bool is_comment(std::string_view line) {
  std::string_view t = trim(line);
  return !t.empty() && t.front() == '#';
}

// `# name=value` at the top of the file, for the directives builders know.
bool parse_directive(std::string_view line, std::string& name, std::string& value) {
  std::string_view t = trim(line);
  if (t.empty() || t.front() != '#') return false;
  t = trim(t.substr(1));
  size_t eq = t.find('=');
  if (eq == std::string_view::npos) return false;
  name = to_lower(trim(t.substr(0, eq)));
  value = std::string(trim(t.substr(eq + 1)));
  return name == "syntax" || name == "escape" || name == "check";
}

bool starts_heredoc_word(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '"' || c == '\'';
}

// `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` in RUN, COPY and ADD (BuildKit heredocs). A `<<`
// inside quotes, a shift (`$((1<<2))`) or a `<<<` here-string starts none.
std::vector<DockerfileHeredoc> find_heredocs(std::string_view logical) {
  std::vector<DockerfileHeredoc> out;
  char quote = 0;
  for (size_t pos = 0; pos + 2 < logical.size() && out.size() < 16; ++pos) {
    char c = logical[pos];
    if (quote) {
      if (c == '\\' && quote == '"') {
        ++pos;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
      continue;
    }
    if (c != '<' || logical[pos + 1] != '<') continue;
    size_t i = pos + 2;
    pos = i - 1;
    if (logical[i] == '<') {  // a `<<<` here-string, no body
      pos = i;
      continue;
    }
    DockerfileHeredoc h;
    if (logical[i] == '-') {
      h.strip_tabs = true;
      ++i;
    }
    if (i >= logical.size() || !starts_heredoc_word(logical[i])) continue;
    char word_quote = logical[i] == '"' || logical[i] == '\'' ? logical[i] : 0;
    if (word_quote) ++i;
    h.expands = word_quote == 0;
    size_t start = i;
    while (i < logical.size() &&
           (std::isalnum(static_cast<unsigned char>(logical[i])) || logical[i] == '_')) {
      ++i;
    }
    if (i == start) continue;
    h.word = std::string(logical.substr(start, i - start));
    if (word_quote && i < logical.size() && logical[i] == word_quote) ++i;
    pos = i - 1;
    out.push_back(std::move(h));
  }
  return out;
}

DockerfileInstruction make_instruction(std::string_view logical, int line, int end_line) {
  DockerfileInstruction in;
  in.line = line;
  in.end_line = end_line;
  std::string collapsed = collapse_whitespace(logical);
  std::string_view rest = collapsed;
  size_t space = rest.find(' ');
  in.keyword = to_upper(rest.substr(0, space));
  rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  while (rest.starts_with("--")) {
    space = rest.find(' ');
    in.flags.emplace_back(rest.substr(0, space));
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  in.args = std::string(rest);
  in.text = in.keyword;
  for (const std::string& f : in.flags) in.text += " " + f;
  if (!in.args.empty()) in.text += " " + in.args;
  return in;
}

// Splits `image [AS name]`.
void parse_from(const DockerfileInstruction& in, DockerfileStage& stage) {
  std::istringstream words(in.args);
  std::string word;
  std::vector<std::string> parts;
  while (words >> word && parts.size() < 4) parts.push_back(word);
  if (!parts.empty()) stage.base = parts[0];
  if (parts.size() >= 3 && to_upper(parts[1]) == "AS") stage.name = to_lower(parts[2]);
}

}  // namespace

std::string DockerfileInstruction::flag(std::string_view name) const {
  std::string prefix = "--" + std::string(name) + "=";
  for (const std::string& f : flags) {
    if (f.starts_with(prefix)) return f.substr(prefix.size());
  }
  return "";
}

std::vector<std::string> DockerfileInstruction::flag_values(std::string_view name) const {
  std::string prefix = "--" + std::string(name) + "=";
  std::vector<std::string> out;
  for (const std::string& f : flags) {
    if (f.starts_with(prefix)) out.push_back(f.substr(prefix.size()));
  }
  return out;
}

std::optional<std::vector<std::string>> DockerfileInstruction::json_args() const {
  return parse_json_string_array(args);
}

std::vector<std::string> DockerfileInstruction::words() const {
  if (auto json = json_args()) return *json;
  return unquoted_words(args);
}

const DockerfileStage* Dockerfile::find_stage(std::string_view name) const {
  std::string wanted = to_lower(name);
  for (const DockerfileStage& s : stages) {
    if (!s.name.empty() && s.name == wanted) return &s;
  }
  if (!wanted.empty() && std::all_of(wanted.begin(), wanted.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    size_t index = wanted.size() <= 6 ? std::stoul(wanted) : stages.size();
    if (index < stages.size()) return &stages[index];
  }
  return nullptr;
}

namespace {

// Joins the instruction starting at lines[i] with its continuation lines (the escape character
// dropped, comment and blank lines within skipped); `i` moves past it.
std::string logical_line(const std::vector<std::string_view>& lines, size_t& i, char escape) {
  std::string logical;
  for (;;) {
    std::string_view part = lines[i];
    while (!part.empty() && is_space(part.back())) part.remove_suffix(1);
    bool continues = !part.empty() && part.back() == escape;
    if (continues) part.remove_suffix(1);
    logical += part;
    ++i;
    if (!continues) break;
    logical += ' ';
    while (i < lines.size() && (trim(lines[i]).empty() || is_comment(lines[i]))) ++i;
    if (i >= lines.size()) break;
  }
  return logical;
}

// Reads the heredoc bodies of a RUN, COPY or ADD, moving `i` past them. A body runs to a line
// equal to the word (leading tabs dropped for `<<-`); an unterminated one takes the rest of the
// file, as a builder would.
void read_heredocs(const std::vector<std::string_view>& lines, size_t& i, std::string_view logical,
                   DockerfileInstruction& in) {
  if (in.keyword != "RUN" && in.keyword != "COPY" && in.keyword != "ADD") return;
  for (DockerfileHeredoc& h : find_heredocs(logical)) {
    in.heredoc = true;
    h.first_line = static_cast<int>(i) + 1;
    while (i < lines.size()) {
      std::string_view body = lines[i++];
      if (h.strip_tabs) body.remove_prefix(std::min(body.find_first_not_of('\t'), body.size()));
      if (body == h.word) break;
      h.body.append(body).push_back('\n');
    }
    in.heredocs.push_back(std::move(h));
  }
  in.end_line = static_cast<int>(i);
}

void add_instruction(Dockerfile& df, DockerfileInstruction in) {
  if (in.keyword == "FROM") {
    DockerfileStage stage;
    stage.index = static_cast<int>(df.stages.size());
    stage.from_line = in.line;
    parse_from(in, stage);
    df.stages.push_back(std::move(stage));
  } else if (!df.stages.empty()) {
    df.stages.back().instructions.push_back(std::move(in));
  } else if (in.keyword == "ARG") {
    df.global_args.push_back(std::move(in));
  }
}

}  // namespace

Result<Dockerfile> parse_dockerfile(std::string_view text) {
  if (text.size() > kMaxDockerfileBytes) {
    return fail("larger than " + std::to_string(kMaxDockerfileBytes) + " bytes");
  }
  Dockerfile df;
  std::vector<std::string_view> lines = split_lines(text);
  char escape = '\\';
  size_t i = 0;
  // Parser directives come first; anything else (a comment, a blank line) ends them.
  for (; i < lines.size(); ++i) {
    std::string name, value;
    if (!parse_directive(lines[i], name, value)) break;
    if (name == "escape" && (value == "`" || value == "\\")) escape = value[0];
    df.directives.push_back(name + "=" + value);
  }
  df.escape = escape;
  size_t count = 0;
  while (i < lines.size()) {
    if (trim(lines[i]).empty() || is_comment(lines[i])) {
      ++i;
      continue;
    }
    int line = static_cast<int>(i) + 1;
    std::string logical = logical_line(lines, i, escape);
    DockerfileInstruction in = make_instruction(logical, line, static_cast<int>(i));
    read_heredocs(lines, i, logical, in);
    if (++count > kMaxDockerfileInstructions) {
      return fail("more than " + std::to_string(kMaxDockerfileInstructions) + " instructions");
    }
    add_instruction(df, std::move(in));
  }
  if (df.stages.empty()) return fail("no FROM instruction");
  return df;
}

Result<Dockerfile> read_dockerfile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return fail("dockerfile " + path + ": a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("dockerfile " + path + ": cannot open");
  std::string text;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxDockerfileBytes) {
      return fail("dockerfile " + path + ": larger than " + std::to_string(kMaxDockerfileBytes) +
                  " bytes");
    }
  }
  if (in.bad()) return fail("dockerfile " + path + ": read error");
  auto parsed = parse_dockerfile(text);
  if (!parsed) return fail(parsed.error().with_context("dockerfile " + path));
  return parsed;
}

}  // namespace strata
