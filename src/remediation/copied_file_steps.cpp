// Files that COPY or ADD put into a layer: from the build context (.dockerignore lines and an
// explicit COPY), or from a build stage (a narrower COPY --from, found only with the
// Dockerfile: history does not record --from).
#include <algorithm>
#include <set>

#include "remediation_steps.hpp"
#include "shell_command.hpp"

namespace strata {

namespace {

// What a COPY/ADD copied: from the Dockerfile, BuildKit's history (which lists sources), or the
// classic/buildah form ("file:<hash> in /dest", "dir:<hash> in /dest").
struct CopyShape {
  std::vector<std::string> sources;  // empty when history does not name them
  std::string dest;                  // absolute
  bool classic_file = false;         // "file:…": exactly one file
  bool classic_dir = false;          // "dir:…": a whole directory
};

// Where the file came from, relative to the build context or the stage's filesystem.
struct CopyOrigin {
  std::string source_path;  // "" when unknown
  bool named = false;       // a source names the file itself (not a directory holding it)
};

// `classic` is the history step's classic form, when it has one.
CopyShape copy_shape(std::string_view args, const ClassicCopy& classic,
                     const std::string& workdir) {
  CopyShape shape;
  std::string_view a = args;
  if (classic.content != CopiedContent::kNone) {
    shape.classic_file = classic.content == CopiedContent::kFile;
    shape.classic_dir = classic.content == CopiedContent::kDirectory;
    shape.dest = resolve_path(workdir, classic.destination);
    return shape;
  }
  std::vector<std::string> words;
  for (std::string& w : split_words(a)) {
    if (!w.starts_with("--")) words.push_back(std::move(w));
  }
  if (words.size() < 2 || a.starts_with('[')) return shape;
  shape.dest = resolve_path(workdir, words.back());
  words.pop_back();
  shape.sources = std::move(words);
  return shape;
}

std::string strip_dot_slash(std::string s) {
  while (s.starts_with("./")) s = s.substr(2);
  while (s.size() > 1 && s.ends_with('/')) s.pop_back();
  return s;
}

// A .dockerignore pattern: relative to the context root.
std::string context_pattern(std::string s) {
  while (s.starts_with('/')) s = s.substr(1);
  return s;
}

CopyOrigin copy_origin(const CopyShape& shape, const std::string& file) {
  CopyOrigin origin;
  if (shape.classic_file) origin.named = true;
  if (shape.sources.empty()) return origin;
  if (file == shape.dest && shape.sources.size() == 1) {
    origin.source_path = strip_dot_slash(shape.sources[0]);
    origin.named = true;
    return origin;
  }
  if (!file.starts_with(shape.dest == "/" ? "/" : shape.dest + "/")) return origin;
  std::string rel = file.substr(shape.dest == "/" ? 1 : shape.dest.size() + 1);
  for (const std::string& s : shape.sources) {
    if (base_name(s) == rel) {
      origin.source_path = strip_dot_slash(s);
      origin.named = true;
      return origin;
    }
  }
  if (shape.sources.size() == 1) {
    std::string dir = strip_dot_slash(shape.sources[0]);
    origin.source_path = dir.empty() || dir == "." ? rel : dir + "/" + rel;
  }
  return origin;
}

std::string fate_note(const Location& l) {
  std::string layer = "layer " + std::to_string(l.layer_index);
  if (l.fate.kind == FateKind::kPresent) return layer + ", present in the final image";
  return layer + " (" + fate_name(l.fate.kind) + " later, but still extractable from " + layer +
         ")";
}

bool is_private_key_file(std::string_view path) {
  std::string base = base_name(path);
  return base.starts_with("id_") || base.ends_with(".pem") || base.ends_with(".key");
}

// The stage's WORKDIR before instruction `target` (or at its end), from the Dockerfile.
std::string stage_workdir(const Dockerfile& df, const DockerfileStage& stage,
                          const DockerfileInstruction* target) {
  std::vector<const DockerfileStage*> chain;
  for (const DockerfileStage* s = &stage; s && chain.size() < df.stages.size();) {
    chain.insert(chain.begin(), s);
    const DockerfileStage* parent = df.find_stage(s->base);
    s = parent && parent->index < s->index ? parent : nullptr;
  }
  std::string dir = "/";
  for (const DockerfileStage* s : chain) {
    for (const DockerfileInstruction& in : s->instructions) {
      if (&in == target) return dir;
      if (in.keyword == "WORKDIR" && !in.args.empty()) dir = resolve_path(dir, in.args);
    }
  }
  return dir;
}

// In the builder stage: the RUN that writes `path` with a redirect, rewritten to mount the
// file as a build secret. "" when no such RUN.
std::string builder_rewrite(const Dockerfile& df, const DockerfileStage& stage,
                            const std::string& path, std::string& line_text,
                            std::string& build_command) {
  for (const DockerfileInstruction& in : stage.instructions) {
    if (in.keyword != "RUN" || in.exec_form() || in.heredoc) continue;
    std::string dir = stage_workdir(df, stage, &in);
    ShellCommand sh = split_shell_command(in.args);
    for (size_t i = 0; i < sh.segments.size(); ++i) {
      if (sh.segments[i].redirect_target.empty() ||
          resolve_path(dir, sh.segments[i].redirect_target) != path) {
        continue;
      }
      bool ok = false;
      std::string rest = without_segment(sh, i, ok);
      if (!ok) rest = in.args;
      if (rest.empty()) rest = "<the command that needs " + path + ">";
      std::string id = secret_id(base_name(path));
      std::string flags;
      for (const std::string& f : in.flags) flags += f + " ";
      line_text = "line " + std::to_string(in.line) + ": " + in.text;
      for (const DockerfileInstruction& arg : stage.instructions) {
        if (arg.keyword != "ARG") continue;
        for (const std::string& name : assigned_names(arg.args, false)) {
          if (uses_variable(sh.segments[i].text, name)) {
            line_text += "; remove `ARG " + name + "` (line " + std::to_string(arg.line) + ")";
          }
        }
      }
      build_command = "docker build --secret id=" + id + ",src=" + base_name(path) + " .";
      return "RUN " + flags + "--mount=type=secret,id=" + id + ",target=" + path + " " + rest;
    }
  }
  return "";
}

RemediationStep copy_from_step(const RemediationScope& scope, const Location& l,
                               const DockerfileInstruction& in, const std::string& workdir) {
  const Dockerfile& df = *scope.ctx->dockerfile;
  std::string from = in.flag("from");
  const DockerfileStage* stage = df.find_stage(from);
  CopyShape shape = copy_shape(in.args, ClassicCopy{}, workdir);
  std::string file = resolve_path("/", l.path);
  CopyOrigin origin = copy_origin(shape, file);
  std::string stage_dir = stage ? stage_workdir(df, *stage, nullptr) : "/";
  std::string origin_path =
      origin.source_path.empty() ? "" : resolve_path(stage_dir, origin.source_path);

  RemediationStep step;
  step.kind = "copy-from";
  step.before = in.text;
  std::string what = origin_path.empty() ? file : origin_path;
  step.text = "`" + in.text + "` (Dockerfile line " + std::to_string(in.line) + ") copies " + what +
              " from " + (stage ? "stage " + from : from) + " into " + fate_note(l) + ". ";
  std::string flags;
  for (const std::string& f : in.flags) flags += f + " ";
  if (origin.named) {
    std::vector<std::string> others;
    for (const std::string& s : shape.sources) {
      if (strip_dot_slash(s) != origin.source_path) others.push_back(s);
    }
    if (others.empty()) {
      step.text +=
          "Delete this COPY: the app gets the file at run time (a mounted secret), "
          "not in the image.";
    } else {
      step.after = "COPY " + flags;
      for (const std::string& s : others) step.after += s + " ";
      step.after += shape.dest + (shape.dest.ends_with('/') ? "" : "/");
      step.text += "Drop it from this COPY.";
    }
  } else if (shape.sources.size() == 1) {
    std::string dir = shape.sources[0];
    while (dir.size() > 1 && dir.ends_with('/')) dir.pop_back();
    step.after =
        "COPY " + flags + dir + "/<only the build output the app needs> " + shape.dest + "/";
    step.text += "It copies all of " + dir +
                 ": name only the files the app needs (the build output), not the directory.";
  }
  if (stage && !origin_path.empty()) {
    std::string line_text, command;
    std::string rewrite = builder_rewrite(df, *stage, origin_path, line_text, command);
    if (!rewrite.empty()) {
      step.after += (step.after.empty() ? "" : "\n") + rewrite;
      step.command = command;
      step.text += " Stage " + from + " writes the file (" + line_text +
                   "): mount it there as a build secret instead, so no stage holds it.";
    }
  }
  return step;
}

constexpr size_t kMaxIgnoreLines = 20;

// The .dockerignore lines a finding needs, each once, in the order found; past
// kMaxIgnoreLines only counted (a comment line says how many more: a valid .dockerignore line).
class IgnoreLines {
 public:
  void add(std::string line) {
    if (line.empty() || !seen_.insert(line).second) return;
    if (lines_.size() < kMaxIgnoreLines) {
      lines_.push_back(std::move(line));
    } else {
      ++more_;
    }
  }
  std::vector<std::string> take() {
    if (more_ > 0) lines_.push_back("# … and " + std::to_string(more_) + " more");
    return std::move(lines_);
  }

 private:
  std::set<std::string> seen_;
  std::vector<std::string> lines_;
  size_t more_ = 0;
};

// What the dockerignore step says about the first file copied from the build context.
void describe_ignore(const Finding& f, const RemediationScope& scope, const Location& l,
                     const DockerfileInstruction* in, const CopyShape& shape,
                     const CopyOrigin& origin, RemediationStep& ignore) {
  // Secret files, and key files whose whole content is the secret.
  bool secret_file = f.secret_is_path || f.rule_id.starts_with("file.") ||
                     f.rule_id.find("private-key") != std::string::npos;
  // A credential inside an ordinary file (config.js): the file may be needed, the value not.
  bool plain = !secret_file && !looks_like_secret_file(l.path);
  std::string file = resolve_path("/", l.path);
  ignore.kind = "dockerignore";
  ignore.before =
      in ? std::string(scope.window(in->text)) : recorded_instruction(scope.window(l.created_by));
  std::string where = "`" + ignore.before + "` (" + step_phrase(l) + line_suffix(in) + ")";
  // Without the Dockerfile a COPY may have come from a build stage: history drops --from.
  std::string context = in ? "the build context" : "the build context (or a build stage)";
  std::string base = base_name(file);
  if (plain) {
    ignore.text = where + " copies " + base + " into " + fate_note(l) +
                  " with the credential inside. Move the credential out of the file: the app "
                  "reads it at run time from an environment variable or a mounted secret. If "
                  "the image does not need " +
                  base + " at all, list it in .dockerignore.";
  } else if (origin.named) {
    ignore.text = where + " copies " + base + " from " + context + " into " + fate_note(l) +
                  ". Delete this COPY and give the app what it needs at run time (docker run "
                  "--env-file, or an orchestrator secret); if the build itself needs the file, "
                  "mount it for that step: RUN --mount=type=secret,id=" +
                  secret_id(base) + ",target=" + file + " <command>.";
    if (is_private_key_file(file)) {
      ignore.text +=
          " For git over SSH during the build, use RUN --mount=type=ssh <command> "
          "with docker build --ssh default.";
    }
  } else {
    ignore.text = where + " copies a whole directory of " + context + ", " + base +
                  " included, into " + fate_note(l) +
                  ". List secret files in .dockerignore and COPY only what the app needs.";
    if (shape.sources.size() == 1) {
      ignore.after = "COPY <only what the app needs, e.g. its source and manifest files> " +
                     shape.dest + (shape.dest.ends_with('/') ? "" : "/");
    }
  }
  if (!in) {
    ignore.text +=
        " History does not record COPY --from: if the file came from a build stage, copy "
        "only what the app needs from that stage instead; --dockerfile tells them apart and "
        "gives the exact line.";
  }
}

bool copies_a_url(const CopyShape& shape) {
  return std::any_of(shape.sources.begin(), shape.sources.end(),
                     [](const std::string& s) { return s.find("://") != std::string::npos; });
}

}  // namespace

void add_copied_file_steps(const Finding& f, const RemediationScope& scope,
                           std::vector<RemediationStep>& out) {
  IgnoreLines lines;
  RemediationStep ignore;
  std::set<int> copy_from_lines;
  size_t copy_from_made = 0;
  for (const Location& l : f.locations) {
    if (l.kind != LocationKind::kLayerFile || !l.history_step || l.history_last) continue;
    HistoryStep fallback;
    const HistoryStep& h = scope.instruction_at(l, fallback);
    if (h.keyword != "COPY" && h.keyword != "ADD") continue;
    const DockerfileInstruction* in = scope.instruction_for(l);
    std::string workdir = scope.workdir_of(l);
    if (in && !in->flag("from").empty()) {
      if (copy_from_lines.insert(in->line).second && copy_from_made++ < kMaxStepsPerKind) {
        out.push_back(copy_from_step(scope, l, *in, workdir));
      }
      continue;
    }
    std::string file = resolve_path("/", l.path);
    CopyShape shape = in ? copy_shape(scope.window(in->args), ClassicCopy{}, workdir)
                         : copy_shape(scope.window(h.body), h.classic_copy, workdir);
    if (copies_a_url(shape)) continue;  // ADD of a URL: not from the build context
    CopyOrigin origin = copy_origin(shape, file);
    lines.add(context_pattern(origin.source_path));
    lines.add("**/" + base_name(file));
    if (ignore.kind.empty()) describe_ignore(f, scope, l, in, shape, origin, ignore);
  }
  if (!ignore.kind.empty()) {
    ignore.lines = lines.take();
    out.push_back(std::move(ignore));
  }
}

}  // namespace strata
