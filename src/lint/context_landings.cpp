#include "context_landings.hpp"

#include <map>
#include <vector>

#include "copy_checks.hpp"
#include "strata/dockerfile/dockerignore.hpp"

namespace strata {

namespace {

// A context file in one stage's filesystem.
struct StagePath {
  std::string path;  // absolute
  const DockerfileInstruction* origin = nullptr;
  std::string origin_path = {};
  const DockerfileInstruction* entry = nullptr;
};

std::string without_root(const std::string& absolute) {
  return absolute == "/" ? "." : absolute.substr(1);
}

// The part of `path` (relative, cleaned) that `source` (a cleaned relative glob) matches: the
// path itself or the parent directory it matched; nullopt when it matches none.
std::optional<std::string> matched_prefix(const std::string& source, std::string path) {
  if (source == ".") return std::string(".");
  for (;;) {
    if (dockerignore_glob_matches(source, path)) return path;
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return std::nullopt;
    path.resize(slash);
  }
}

// Where a file at `path` lands when `source` (which matched `prefix` of it) is copied to `dest`
// (absolute; `dest_is_dir` when it ends with '/' or several sources share it).
std::string landed_path(const std::string& path, const std::string& prefix, const std::string& dest,
                        bool dest_is_dir) {
  if (prefix == path) {
    if (!dest_is_dir) return dest;
    return clean_slash_path(dest + "/" + path.substr(path.rfind('/') + 1));
  }
  std::string rel = prefix == "." ? path : path.substr(prefix.size() + 1);
  return clean_slash_path(dest + "/" + rel);
}

// The destination of a COPY/ADD as an absolute path, and whether it is a directory.
std::pair<std::string, bool> destination(const Dockerfile& df, const DockerfileInstruction& in,
                                         const std::string& workdir, size_t sources) {
  std::vector<std::string> words = copy_words(df, in);
  std::string dest = words.empty() ? "." : words.back();
  bool is_dir = sources > 1 || dest.ends_with('/') || dest == "." || dest == "..";
  std::string absolute = dest.starts_with('/') ? dest : workdir + "/" + dest;
  return {clean_slash_path(absolute), is_dir};
}

// Every place the instruction puts each of `from`'s files (relative paths for the context,
// absolute ones for a stage), as StagePaths of its stage.
void carry(const Dockerfile& df, const DockerfileInstruction& in, const std::string& workdir,
           const std::vector<StagePath>& from, bool from_context, std::vector<StagePath>& into) {
  std::vector<std::string> sources = copy_sources(df, in);
  auto [dest, dest_is_dir] = destination(df, in, workdir, sources.size());
  for (const StagePath& file : from) {
    std::string path = from_context ? clean_slash_path(file.path) : without_root(file.path);
    for (const std::string& source : sources) {
      std::string s = clean_slash_path(source);
      if (s.starts_with('/')) s = without_root(s);
      auto prefix = matched_prefix(s, path);
      if (!prefix) continue;
      std::string landed = landed_path(path, *prefix, dest, dest_is_dir);
      if (from_context) {
        into.push_back({landed, &in, landed, &in});
      } else {
        into.push_back({landed, file.origin, file.origin_path, &in});
      }
      break;
    }
  }
}

std::string next_workdir(const std::string& workdir, const DockerfileInstruction& in) {
  if (in.args.empty()) return workdir;
  return clean_slash_path(in.args.starts_with('/') ? in.args : workdir + "/" + in.args);
}

// A file to follow: from the build context (`context_path`), or one that stage `seed_stage`
// holds at `seed_path` (written by a RUN there).
struct Seed {
  std::string context_path;
  int seed_stage = -1;
  std::string seed_path = {};
};

// The stage's instructions carry the files of the context and of earlier stages into `here`.
void follow_through_stage(const Dockerfile& df, const DockerfileStage& stage,
                          const std::vector<StagePath>& context,
                          std::map<int, std::vector<StagePath>>& in_stage, std::string& workdir) {
  std::vector<StagePath>& here = in_stage[stage.index];
  for (const DockerfileInstruction& in : stage.instructions) {
    if (in.keyword == "WORKDIR") workdir = next_workdir(workdir, in);
    if ((in.keyword != "COPY" && in.keyword != "ADD") || in.heredoc) continue;
    std::string from_name = in.flag("from");
    if (from_name.empty()) {
      carry(df, in, workdir, context, true, here);
      continue;
    }
    const DockerfileStage* from = df.find_stage(from_name);
    if (from && from->index < stage.index) {
      std::vector<StagePath> files = in_stage[from->index];  // a copy: `here` may grow
      carry(df, in, workdir, files, false, here);
    }
  }
}

// Where the seed is in the final stage (empty when it does not get there).
std::vector<StagePath> follow(const Dockerfile& df, const Seed& seed) {
  std::vector<StagePath> context;
  if (!seed.context_path.empty()) context.push_back({seed.context_path, nullptr, "", nullptr});
  std::map<int, std::vector<StagePath>> in_stage;  // by stage index
  std::map<int, std::string> workdir_of;           // each stage's last WORKDIR
  for (const DockerfileStage& stage : df.stages) {
    std::string workdir = "/";
    const DockerfileStage* base = df.find_stage(stage.base);
    if (base && base->index < stage.index) {
      in_stage[stage.index] = in_stage[base->index];
      workdir = workdir_of[base->index];
    }
    if (stage.index == seed.seed_stage) in_stage[stage.index].push_back({seed.seed_path});
    follow_through_stage(df, stage, context, in_stage, workdir);
    workdir_of[stage.index] = workdir;
  }
  if (df.stages.empty()) return {};
  return in_stage[df.stages.back().index];
}

}  // namespace

std::optional<Landing> final_landing(const Dockerfile& df, const std::string& path) {
  std::vector<StagePath> in_final = follow(df, Seed{path});
  if (in_final.empty()) return std::nullopt;
  const StagePath& first = in_final.front();
  return Landing{first.path, first.origin, first.origin_path, first.entry};
}

bool reaches_final_image(const Dockerfile& df, const DockerfileStage& stage,
                         const std::string& path) {
  return !follow(df, Seed{"", stage.index, clean_slash_path(path)}).empty();
}

}  // namespace strata
