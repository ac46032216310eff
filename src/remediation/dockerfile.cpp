#include "strata/remediation/dockerfile.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace strata {

namespace {

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Runs of whitespace become one space: builders keep a continuation's indentation, the
// Dockerfile author may not, and neither matters for what the instruction does.
std::string collapse_spaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : trim(s)) {
    if (is_space(c)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

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

struct Heredoc {
  std::string word;
  bool strip_tabs = false;  // `<<-EOF`
};

// `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` in RUN, COPY and ADD (BuildKit heredocs).
std::vector<Heredoc> find_heredocs(std::string_view logical) {
  std::vector<Heredoc> out;
  for (size_t pos = logical.find("<<"); pos != std::string_view::npos && out.size() < 16;
       pos = logical.find("<<", pos + 2)) {
    size_t i = pos + 2;
    if (i < logical.size() && logical[i] == '<') {  // a `<<<` here-string, no body
      pos = i;
      continue;
    }
    Heredoc h;
    if (i < logical.size() && logical[i] == '-') {
      h.strip_tabs = true;
      ++i;
    }
    char quote = i < logical.size() && (logical[i] == '"' || logical[i] == '\'') ? logical[i] : 0;
    if (quote) ++i;
    size_t start = i;
    while (i < logical.size() &&
           (std::isalnum(static_cast<unsigned char>(logical[i])) || logical[i] == '_')) {
      ++i;
    }
    if (i == start) continue;
    h.word = std::string(logical.substr(start, i - start));
    out.push_back(std::move(h));
  }
  return out;
}

DockerfileInstruction make_instruction(std::string_view logical, int line, int end_line) {
  DockerfileInstruction in;
  in.line = line;
  in.end_line = end_line;
  std::string collapsed = collapse_spaces(logical);
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
  size_t count = 0;
  while (i < lines.size()) {
    std::string_view first = lines[i];
    if (trim(first).empty() || is_comment(first)) {
      ++i;
      continue;
    }
    int line = static_cast<int>(i) + 1;
    std::string logical;
    // Continuation lines: drop the escape character, skip comment and blank lines within.
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
    DockerfileInstruction in = make_instruction(logical, line, static_cast<int>(i));
    if (in.keyword == "RUN" || in.keyword == "COPY" || in.keyword == "ADD") {
      for (const Heredoc& h : find_heredocs(logical)) {
        in.heredoc = true;
        // The body runs to a line equal to the word (leading tabs dropped for `<<-`); an
        // unterminated heredoc takes the rest of the file, as a builder would.
        while (i < lines.size()) {
          std::string_view body = lines[i++];
          if (h.strip_tabs) body.remove_prefix(std::min(body.find_first_not_of('\t'), body.size()));
          if (body == h.word) break;
        }
      }
      in.end_line = static_cast<int>(i);
    }
    if (++count > kMaxDockerfileInstructions) {
      return fail("more than " + std::to_string(kMaxDockerfileInstructions) + " instructions");
    }
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
