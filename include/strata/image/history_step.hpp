// Reads one history entry's created_by, in every form the builders record, into the Dockerfile
// instruction that made the step, its build args, and whether it can have written files:
//   BuildKit        "RUN |1 A=x /bin/sh -c cmd # buildkit", "COPY .env . # buildkit", "ENV K=V"
//   classic, buildah "/bin/sh -c #(nop)  ENV K=V", "/bin/sh -c #(nop) COPY file:<sha256> in /app ",
//                   "|1 A=x /bin/sh -c cmd", and buildah's "/bin/sh -c --mount=type=secret,id=x
//                   cmd" (buildah keeps RUN's options; BuildKit drops them)
// This is the one reader of these forms: scan, findings and remediation all ask it.
//
//   HistoryStep step = parse_history_step(entry.created_by);
//   if (step.keyword == "RUN") use(step.body);         // the shell command alone
//   for (const BuildArg& arg : step.build_args) …      // values, with their offsets in created_by
//   if (!step.writes_files()) …                         // ENV, LABEL, …: metadata only
//
// Thread safety: a pure function. Errors: none; text in no known form (a base image's "busybox
// rootfs", "") gives keyword "" and counts as writing files, since nothing says it did not.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strata {

// A `K=V` pair from a step's `|N K=V … cmd` prefix.
struct BuildArg {
  std::string name;
  std::string value;
  size_t value_offset = 0;  // byte offset of the value in created_by
};

// What a classic builder's or buildah's COPY/ADD records instead of its sources:
// "file:<sha256> in /dest" (one file), "dir:<sha256> in /dest" (a directory's contents),
// "multi:<sha256> in /dest" (several sources).
enum class CopiedContent { kNone, kFile, kDirectory, kSeveral };

struct ClassicCopy {
  CopiedContent content = CopiedContent::kNone;  // kNone: not this form
  std::string digest;                            // the hex digits after "file:" and the like
  std::string destination;                       // as recorded ("/app/", ".")
};

struct HistoryStep {
  std::string keyword;             // "RUN", "COPY", "ENV", …; "" when in no known form
  std::string body;                // RUN: the shell command alone (no args, shell or options);
                                   // others: what follows the keyword, trimmed
  std::vector<std::string> flags;  // RUN options buildah records ("--mount=type=secret,…")
  std::vector<BuildArg> build_args;
  std::string command;    // what follows the build args, untrimmed, without BuildKit's "RUN "
                          // and " # buildkit" ("/bin/sh -c npm ci")
  bool buildkit = false;  // " # buildkit" form
  bool nop = false;       // classic builder or buildah metadata form ("<shell> #(nop) ENV …")
  bool mounts_secret = false;  // `--mount=type=secret` is shown (buildah records it)
  ClassicCopy classic_copy;    // COPY/ADD in the "file:<sha256> in /dest" form

  // RUN, COPY and ADD write files; other instructions only change the config. A step in no
  // known form may have written files.
  bool writes_files() const;
};

HistoryStep parse_history_step(std::string_view created_by);

// What BuildKit appends to every created_by it records.
inline constexpr std::string_view kBuildkitMark = " # buildkit";

}  // namespace strata
