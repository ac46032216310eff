// Match-stage benchmarks: FileScanner throughput with the shipped rules on three generated
// corpora (English-like text, source-like text full of near-misses, random bytes) at two feed
// chunk sizes, each paired with a memchr newline count over the same buffer (the plain-pass
// floor), plus the cold compile time of the shipped rules. Quote results as ratios to the
// floor measured in the same run: the machines are shared and noisy.
//
// The corpus generators are also used by walk_bench.cpp (bench has no headers of its own).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "strata/match/match_engine.hpp"
#include "strata/rules/rule.hpp"

namespace strata::bench {

// splitmix64: deterministic, fast, good enough for corpus generation.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }

 private:
  uint64_t state_;
};

namespace {

// No word here may be a generic-rule keyword (password, secret, token, api key, ...).
constexpr const char* kWords[] = {
    "the",      "of",       "and",      "to",        "in",       "is",        "that",
    "for",      "it",       "as",       "was",       "with",     "be",        "by",
    "on",       "not",      "he",       "this",      "are",      "or",        "his",
    "from",     "at",       "which",    "but",       "have",     "an",        "had",
    "they",     "you",      "were",     "their",     "one",      "all",       "we",
    "can",      "her",      "has",      "there",     "been",     "if",        "more",
    "when",     "will",     "would",    "who",       "so",       "no",        "container",
    "image",    "layer",    "build",    "system",    "process",  "between",   "during",
    "without",  "another",  "several",  "history",   "river",    "mountain",  "village",
    "morning",  "language", "question", "answer",    "machine",  "network",   "library",
    "window",   "garden",   "quickly",  "carefully", "simply",   "important", "different",
    "possible", "general",  "public",   "people",    "number",   "water",     "country",
    "student",  "problem",  "program",  "service",   "open",     "close",     "write",
    "read",     "bring",    "follow",   "remember",  "consider", "under",     "around",
    "through",  "against",  "because",  "although",  "while",    "until",
};
constexpr size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);

constexpr char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr char kUpperDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string random_from(Rng& rng, const char* alphabet, size_t alphabet_size, size_t n) {
  std::string s(n, ' ');
  for (char& c : s) c = alphabet[rng.below(alphabet_size)];
  return s;
}
std::string alnum(Rng& rng, size_t n) { return random_from(rng, kAlnum, 62, n); }
std::string base64_line(Rng& rng, size_t n) { return random_from(rng, kBase64, 64, n); }

const char* word(Rng& rng) { return kWords[rng.below(kWordCount)]; }

void append_sentence(Rng& rng, std::string& out) {
  size_t n = 6 + rng.below(14);
  for (size_t i = 0; i < n; ++i) {
    std::string w = word(rng);
    if (i == 0) w[0] = static_cast<char>(w[0] - 'a' + 'A');
    out += w;
    out += i + 1 == n ? ". " : (rng.chance(8) ? ", " : " ");
  }
}

// A PEM block of `lines` base64 lines between BEGIN/END lines for `label`.
std::string pem_block(Rng& rng, const std::string& label, size_t lines) {
  std::string s = "-----BEGIN " + label + "-----\n";
  for (size_t i = 0; i < lines; ++i) s += base64_line(rng, 64) + "\n";
  return s + "-----END " + label + "-----\n";
}

// One fake secret, built from pieces so that no literal token is in the source.
std::string planted_secret(Rng& rng) {
  switch (rng.below(6)) {
    case 0:
      return "GITHUB_TOKEN=" + std::string("gh") + "p_" + alnum(rng, 36) + "\n";
    case 1:
      return "aws_access_key_id = " + std::string("AK") + "IA" +
             random_from(rng, kUpperDigits, 36, 16) + "\n";
    case 2:
      return "NPM_TOKEN=" + std::string("np") + "m_" + alnum(rng, 36) + "\n";
    case 3:
      return "SLACK=" + std::string("xo") + "xb-" + std::to_string(100000 + rng.below(899999)) +
             "-" + std::to_string(100000 + rng.below(899999)) + "-" + alnum(rng, 24) + "\n";
    case 4:
      return "db_pass" + std::string("word = \"") + alnum(rng, 20) + "\"\n";
    default:
      return pem_block(rng, std::string("RSA PRIV") + "ATE KEY", 12);
  }
}

// Lines that look like secrets to a keyword or prefix pass but must not be confirmed.
std::string near_miss(Rng& rng) {
  switch (rng.below(12)) {
    case 0:
      return "password = os.environ[\"DB_PASSWORD\"]\n";
    case 1:
      return "  token: ${{ secrets.DEPLOY_TOKEN }}\n";
    case 2:
      return "api_key: your-api-key-here\n";
    case 3:
      return "\"secret\": \"xxxxxxxxxxxx\",\n";
    case 4:
      return "PASSWORD=changeme\n";
    case 5:
      return "auth_token = None  # set at runtime\n";
    case 6:
      return "password: process.env.DB_PASSWORD\n";
    case 7:
      return "token_type: bearer\n";
    case 8:  // a prefix with the wrong length
      return "// ids look like " + std::string("gh") + "p_" + alnum(rng, 12) + "\n";
    case 9:
      return "\"integrity\": \"sha512-" + base64_line(rng, 86) + "==\",\n";
    case 10:
      return "data = \"" + base64_line(rng, 76) + "\"\n" + base64_line(rng, 76) + "\n";
    default:
      return pem_block(rng, "CERTIFICATE", 8 + rng.below(12));
  }
}

std::string identifier(Rng& rng) {
  std::string s = word(rng);
  s += '_';
  s += word(rng);
  return s;
}

void append_code_line(Rng& rng, std::string& out) {
  std::string indent(4 * rng.below(4), ' ');
  switch (rng.below(7)) {
    case 0:
      out += indent + "if (" + identifier(rng) + " > " + std::to_string(rng.below(1000)) +
             ") { return " + identifier(rng) + "; }\n";
      break;
    case 1:
      out += indent + "def " + identifier(rng) + "(self, " + word(rng) + ", " + word(rng) +
             "=None):\n";
      break;
    case 2:
      out += "import " + std::string(word(rng)) + "." + word(rng) + "\n";
      break;
    case 3:
      out += indent + "// ";
      append_sentence(rng, out);
      out += "\n";
      break;
    case 4:
      out +=
          indent + "const " + identifier(rng) + " = " + std::to_string(rng.next() % 100000) + ";\n";
      break;
    case 5:
      out += indent + identifier(rng) + ": \"" + word(rng) + "-" + word(rng) + "\"\n";
      break;
    default:
      out += indent + identifier(rng) + "(" + identifier(rng) + ", " + identifier(rng) + ");\n";
      break;
  }
}

}  // namespace

// English-like prose in ~72-column lines and paragraphs; no secrets, no rule keywords.
std::string english_text(size_t bytes, uint64_t seed) {
  Rng rng(seed);
  std::string out;
  out.reserve(bytes + 256);
  std::string sentence;
  size_t column = 0;
  while (out.size() < bytes) {
    sentence.clear();
    append_sentence(rng, sentence);
    size_t start = 0;
    while (start < sentence.size()) {
      size_t space = sentence.find(' ', start);
      if (space == std::string::npos) space = sentence.size();
      size_t len = space - start;
      if (column + len > 72) {
        out += '\n';
        column = 0;
      }
      out.append(sentence, start, len);
      out += ' ';
      column += len + 1;
      start = space + 1;
    }
    if (rng.chance(10)) {
      out += "\n\n";
      column = 0;
    }
  }
  out.resize(bytes);
  return out;
}

// Source/config-like text: about one line in eight is a near-miss (keywords with
// placeholders, base64 blobs, certificate blocks); about one fake secret per 64 KiB.
std::string source_text(size_t bytes, uint64_t seed) {
  Rng rng(seed);
  std::string out;
  out.reserve(bytes + 4096);
  size_t next_secret = 32 << 10;
  while (out.size() < bytes) {
    if (out.size() >= next_secret) {
      out += planted_secret(rng);
      next_secret += 64 << 10;
    } else if (rng.chance(12)) {
      out += near_miss(rng);
    } else {
      append_code_line(rng, out);
    }
  }
  out.resize(bytes);
  return out;
}

std::string random_bytes(size_t bytes, uint64_t seed) {
  Rng rng(seed);
  std::string out(bytes, '\0');
  for (size_t i = 0; i + 8 <= bytes; i += 8) {
    uint64_t v = rng.next();
    std::memcpy(out.data() + i, &v, 8);
  }
  return out;
}

// The shipped rules, loaded once; nullptr (with the reason in `error`) if they do not load.
const RuleSet* shipped_rules(std::string& error) {
  static const Result<RuleSet> rules = load_rule_files({STRATA_SOURCE_DIR "/patterns"});
  if (!rules) {
    error = rules.error().message;
    return nullptr;
  }
  return &*rules;
}

// The shipped rules compiled once per process; nullptr (with `error`) on failure.
const MatchEngine* shipped_engine(std::string& error) {
  static std::string compile_error;
  static const std::shared_ptr<const MatchEngine> engine = [] {
    std::string load_error;
    const RuleSet* rules = shipped_rules(load_error);
    if (!rules) {
      compile_error = load_error;
      return std::shared_ptr<const MatchEngine>();
    }
    auto compiled = MatchEngine::compile(*rules);
    if (!compiled) {
      compile_error = compiled.error().message;
      return std::shared_ptr<const MatchEngine>();
    }
    return *compiled;
  }();
  if (!engine) error = compile_error;
  return engine.get();
}

namespace {

constexpr size_t kCorpusBytes = 16 << 20;
// The corpus is scanned as a sequence of files of this size (begin / feed... / finish).
constexpr size_t kFileBytes = 1 << 20;

enum class CorpusKind { kEnglish, kSource, kBinary };

const std::string& corpus(CorpusKind kind) {
  static const std::string english = english_text(kCorpusBytes, 1);
  static const std::string source = source_text(kCorpusBytes, 2);
  static const std::string binary = random_bytes(kCorpusBytes, 3);
  switch (kind) {
    case CorpusKind::kEnglish:
      return english;
    case CorpusKind::kSource:
      return source;
    case CorpusKind::kBinary:
      break;
  }
  return binary;
}

// One pass over the corpus as kFileBytes-sized files fed in `chunk`-sized pieces.
size_t scan_corpus(FileScanner& scanner, std::string_view data, size_t chunk) {
  size_t matches = 0;
  for (size_t file = 0; file < data.size(); file += kFileBytes) {
    std::string_view body = data.substr(file, kFileBytes);
    scanner.begin();
    for (size_t off = 0; off < body.size(); off += chunk) scanner.feed(body.substr(off, chunk));
    std::vector<SecretMatch> found = scanner.finish();
    benchmark::DoNotOptimize(found.data());
    matches += found.size();
  }
  return matches;
}

void scan_benchmark(benchmark::State& state, CorpusKind kind, size_t chunk) {
  std::string error;
  const MatchEngine* engine = shipped_engine(error);
  if (!engine) {
    state.SkipWithError(error.c_str());
    return;
  }
  const std::string& data = corpus(kind);
  FileScanner scanner(*engine);
  size_t matches = 0;
  for (auto _ : state) matches = scan_corpus(scanner, data, chunk);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
  state.counters["matches"] = static_cast<double>(matches);
}

// The floor: one plain pass that touches every byte (newline count with memchr).
void memchr_benchmark(benchmark::State& state, CorpusKind kind) {
  const std::string& data = corpus(kind);
  size_t lines = 0;
  for (auto _ : state) {
    lines = 0;
    const char* p = data.data();
    const char* end = p + data.size();
    while (const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p))) {
      ++lines;
      p = static_cast<const char*>(nl) + 1;
    }
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
  state.counters["lines"] = static_cast<double>(lines);
}

// Cold compile of the shipped rules: Hyperscan database, PCRE2 confirm regexes, allowlists.
// cold: the compile cache is off (STRATA_NO_CACHE), so Hyperscan compiles every time; warm: the
// cache (the user's, or STRATA_CACHE_DIR) holds the database after the first iteration.
void compile_benchmark(benchmark::State& state, bool cold) {
  std::string error;
  const RuleSet* rules = shipped_rules(error);
  if (!rules) {
    state.SkipWithError(error.c_str());
    return;
  }
  struct CacheSwitch {
    explicit CacheSwitch(bool off) : off_(off) {
      if (off_) setenv("STRATA_NO_CACHE", "1", 1);
    }
    ~CacheSwitch() {
      if (off_) unsetenv("STRATA_NO_CACHE");
    }
    bool off_;
  } cache(cold);
  if (!cold) (void)MatchEngine::compile(*rules);  // fills the cache
  for (auto _ : state) {
    auto engine = MatchEngine::compile(*rules);
    if (!engine) {
      state.SkipWithError(engine.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(engine->get());
  }
  state.counters["rules"] = static_cast<double>(rules->rules.size());
}

const bool kRegistered = [] {
  struct Named {
    const char* name;
    CorpusKind kind;
  };
  const Named corpora[] = {{"english", CorpusKind::kEnglish},
                           {"source", CorpusKind::kSource},
                           {"binary", CorpusKind::kBinary}};
  for (const Named& c : corpora) {
    benchmark::RegisterBenchmark((std::string("match/") + c.name + "/memchr_floor").c_str(),
                                 memchr_benchmark, c.kind);
    for (size_t chunk : {size_t{64} << 10, size_t{256} << 10}) {
      std::string name =
          std::string("match/") + c.name + "/scan_" + std::to_string(chunk >> 10) + "KiB";
      benchmark::RegisterBenchmark(name.c_str(), scan_benchmark, c.kind, chunk);
    }
  }
  benchmark::RegisterBenchmark("match/compile_shipped_rules/cold", compile_benchmark, true)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("match/compile_shipped_rules/warm", compile_benchmark, false)
      ->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace
}  // namespace strata::bench
