// Real builds for the `strata lint` tests: a build context in a temporary directory, images built
// from it with buildah (chroot isolation, vfs storage of its own) and saved as docker-archives,
// `strata lint` and `strata scan` run on them, and the agreement of the two: the leaks lint
// predicts for the final image are the ones the scan finds in it.
//
//   LintBuild b;                                   // tools checked by the caller (missing_tool)
//   b.make_base_images({"docker.io/library/node:20"});   // busybox + stand-in tools, no registry
//   b.write("Dockerfile", "...");
//   json lint = b.run_json("lint", 1);
//   json scan = b.run_json("scan '" + b.build("leaky", "NPM_TOKEN=x", "--build-arg NPM_TOKEN") +
//                          "'", 1);
//   expect_agreement(lint, scan, {{"NPM_TOKEN", "x"}});
//
// No registry is reachable, so the "official" base images are one image built FROM scratch
// (busybox and small shell scripts standing in for npm, pip, go, git and mvn: each does to the
// filesystem what the real tool would, and fails where the real one would, e.g. npm ci without
// the token its .npmrc asks for) tagged with the names the Dockerfiles use.
// Thread safety: one test thread. Errors: failed commands are test failures (EXPECT).
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/subprocess.hpp"
#include "support/test_env.hpp"

namespace strata::test::lint_build {

using nlohmann::json;

// The stand-in tools, installed in /usr/local/bin of the base images.
inline const std::map<std::string, std::string>& stand_in_tools() {
  static const std::map<std::string, std::string> tools = {
      {"npm",
       "#!/bin/sh\n"
       "# npm ci: installs package.json's dependencies into node_modules, with the registry\n"
       "# token .npmrc names (${NPM_TOKEN}); npm run build: writes dist/ from src/.\n"
       "set -e\n"
       "case \"$1\" in\n"
       "  ci)\n"
       "    [ -f package.json ] || { echo 'npm ERR! no package.json' >&2; exit 1; }\n"
       "    if grep -q 'NPM_TOKEN' .npmrc 2>/dev/null && [ -z \"$NPM_TOKEN\" ]; then\n"
       "      echo 'npm ERR! 401 Unauthorized (NPM_TOKEN is empty)' >&2; exit 1\n"
       "    fi\n"
       "    mkdir -p node_modules/@acme/ui node_modules/express\n"
       "    echo 'module.exports = {};' > node_modules/@acme/ui/index.js\n"
       "    echo 'module.exports = {};' > node_modules/express/index.js ;;\n"
       "  run) mkdir -p dist && cat src/*.js > dist/server.js ;;\n"
       "  *) echo \"npm $1: not stood in\" >&2; exit 1 ;;\n"
       "esac\n"},
      {"pip",
       "#!/bin/sh\n"
       "# pip install [--target DIR] -r FILE: a package directory per requirement; the index\n"
       "# comes from $PIP_CONFIG_FILE when it exists (pip stores it nowhere).\n"
       "set -e\n"
       "target=/usr/local/lib/python3.12/site-packages; req=\n"
       "while [ $# -gt 0 ]; do\n"
       "  case \"$1\" in --target|-t) target=$2; shift ;; --target=*) target=${1#--target=} ;;\n"
       "    -r) req=$2; shift ;; esac; shift\n"
       "done\n"
       "[ -f \"$req\" ] || { echo \"ERROR: cannot open requirements file $req\" >&2; exit 1; }\n"
       "while read -r line; do name=${line%%[=<>]*}; [ -z \"$name\" ] && continue\n"
       "  mkdir -p \"$target/$name\"; echo \"# $line\" > \"$target/$name/__init__.py\"\n"
       "done < \"$req\"\n"},
      {"git",
       "#!/bin/sh\n"
       "# git config --global KEY VALUE: appended to ~/.gitconfig.\n"
       "[ \"$1\" = config ] && [ \"$2\" = --global ] || { echo \"git $1: not stood in\" >&2; "
       "exit 1; }\n"
       "printf '# %s\\n%s = %s\\n' 'set by git config' \"$3\" \"$4\" >> "
       "\"${HOME:-/root}/.gitconfig\"\n"},
      {"go",
       "#!/bin/sh\n"
       "# go mod download: the private github.com/acme modules need a token in ~/.gitconfig;\n"
       "# go build -o OUT: writes the binary OUT.\n"
       "set -e\n"
       "case \"$1\" in\n"
       "  mod) [ -f go.mod ] || { echo 'go: go.mod file not found' >&2; exit 1; }\n"
       "    if grep -q github.com/acme go.mod && ! grep -q '@github.com' "
       "\"${HOME:-/root}/.gitconfig\" 2>/dev/null; then\n"
       "      echo 'go: github.com/acme/lib: terminal prompts disabled' >&2; exit 1; fi ;;\n"
       "  build) out=a.out; while [ $# -gt 0 ]; do [ \"$1\" = -o ] && out=$2; shift; done\n"
       "    mkdir -p \"$(dirname \"$out\")\"; printf '\\177ELF stand-in go binary\\n' > \"$out\"\n"
       "    chmod +x \"$out\" ;;\n"
       "  *) echo \"go $1: not stood in\" >&2; exit 1 ;;\n"
       "esac\n"},
      {"mvn",
       "#!/bin/sh\n"
       "# mvn [-s SETTINGS] package: the settings file given must exist (its server password\n"
       "# opens the private repository); writes target/app.jar (an empty jar).\n"
       "set -e\n"
       "settings=\n"
       "while [ $# -gt 0 ]; do [ \"$1\" = -s ] && settings=$2; shift; done\n"
       "if [ -n \"$settings\" ] && [ ! -f \"$settings\" ]; then\n"
       "  echo \"[ERROR] The specified user settings file does not exist: $settings\" >&2; exit 1\n"
       "fi\n"
       "[ -f pom.xml ] || { echo '[ERROR] no pom.xml' >&2; exit 1; }\n"
       "mkdir -p target\n"
       "printf 'PK\\005\\006\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0' > "
       "target/app.jar\n"},
  };
  return tools;
}

// (rule id, secret value) of image leaks, and the build args whose values the image holds.
struct Leaks {
  std::set<std::pair<std::string, std::string>> secrets;  // by value; file.* rules by path
  std::set<std::string> file_rules;                       // file.dotenv, …: paths differ
  std::set<std::string> build_args;
};

// What lint predicts the final image holds: final-stage secret ARGs (a builder's, reported
// "low", stay in the builder), the secrets of context files the image gets, secrets in the
// Dockerfile's text.
inline Leaks lint_leaks(const json& report) {
  Leaks leaks;
  for (const json& f : report.value("findings", json::array())) {
    std::string rule = f["rule_id"];
    if (rule == "lint.arg-secret" && f["severity"] != "low") {
      leaks.build_args.insert(f["secret"]["path"].get<std::string>().substr(4));  // "ARG X"
    } else if (rule.starts_with("file.")) {
      leaks.file_rules.insert(rule);
    } else if (!rule.starts_with("lint.")) {
      leaks.secrets.insert({rule, f["secret"].value("value", "")});
    }
  }
  return leaks;
}

// What the scan found: build args (by the history's record, or a secret whose value is a build
// arg's, `build_args` name -> value), secrets of the image's files and configuration.
inline Leaks scan_leaks(const json& report, const std::map<std::string, std::string>& build_args) {
  Leaks leaks;
  for (const json& f : report.value("findings", json::array())) {
    std::string rule = f["rule_id"];
    std::string value = f["secret"].value("value", "");
    std::string arg_of_value;  // a file or string that holds a build arg's value
    for (const auto& [name, arg_value] : build_args) {
      if (!arg_value.empty() && value.find(arg_value) != std::string::npos) arg_of_value = name;
    }
    for (const json& l : f["locations"]) {
      std::string arg = l.value("build_arg", "");
      if (!arg.empty() || !arg_of_value.empty()) {
        leaks.build_args.insert(arg.empty() ? arg_of_value : arg);
      } else if (rule.starts_with("file.")) {
        leaks.file_rules.insert(rule);
      } else {
        leaks.secrets.insert({rule, value});
      }
    }
  }
  return leaks;
}

// Every leak lint predicts is in the image, and every one the scan finds there lint predicted.
inline void expect_agreement(const json& lint, const json& scan,
                             const std::map<std::string, std::string>& build_args) {
  Leaks predicted = lint_leaks(lint);
  Leaks found = scan_leaks(scan, build_args);
  EXPECT_EQ(found.build_args, predicted.build_args) << lint.dump(1) << scan.dump(1);
  EXPECT_EQ(found.secrets, predicted.secrets) << lint.dump(1) << scan.dump(1);
  EXPECT_EQ(found.file_rules, predicted.file_rules) << lint.dump(1) << scan.dump(1);
}

// A build context in a temporary directory, and a buildah store: its own, or one that outlives
// it (`store`, a directory), so a test suite makes its base images once.
class LintBuild {
 public:
  explicit LintBuild(std::string store = "")
      : store_(store.empty() ? dir_.path() : std::move(store)) {}

  // The first tool of those the builds need that is not installed; "" when all are.
  static std::string missing_tool() {
    for (const char* tool : {"buildah", "git", "busybox"}) {
      if (find_executable(tool).empty()) return tool;
    }
    return "";
  }

  std::string ctx() const { return dir_.path() + "/ctx"; }
  std::string path(const std::string& name) const { return dir_.path() + "/" + name; }
  void write(const std::string& rel, const std::string& text) const {
    write_file(ctx() + "/" + rel, text);
  }

  std::string buildah() const {
    return "buildah --root '" + store_ + "/store' --runroot '" + store_ +
           "/run' --storage-driver vfs";
  }

  // One base image (busybox, the stand-in tools) under each of `names`.
  void make_base_images(const std::vector<std::string>& names) const {
    std::string tools = path("tools");
    for (const auto& [name, script] : stand_in_tools()) {
      write_file(tools + "/" + name, script);
      std::filesystem::permissions(tools + "/" + name, std::filesystem::perms::owner_all |
                                                           std::filesystem::perms::group_read |
                                                           std::filesystem::perms::others_read);
    }
    std::string b = buildah();
    std::string script =
        "set -e; c=$(" + b + " from scratch); " + b + " copy $c '" + find_executable("busybox") +
        "' /bin/busybox >/dev/null; " + b +
        " run --isolation chroot $c /bin/busybox sh -c '/bin/busybox --install -s /bin && "
        "mkdir -p /root /tmp && chmod 1777 /tmp'; " +
        b + " copy $c '" + tools + "' /usr/local/bin >/dev/null; " + b +
        " config --env PATH=/usr/local/bin:/usr/bin:/bin --env HOME=/root $c; " + b +
        " commit -q --timestamp 0 $c '" + names.front() + "' >/dev/null";
    for (size_t i = 1; i < names.size(); ++i) {
      script += "; " + b + " tag '" + names.front() + "' '" + names[i] + "'";
    }
    CommandResult r = run_command({"/bin/sh", "-c", script + " 2>&1"}, 300);
    EXPECT_EQ(r.exit_code, 0) << r.output;
  }

  // Builds the context into a docker-archive; `env` and `flags` go to buildah bud.
  std::string build(const std::string& name, const std::string& env,
                    const std::string& flags) const {
    std::string archive = path(name + ".docker.tar");
    std::string b = buildah();
    built_.push_back("localhost/lint/" + name + ":1");
    CommandResult r = run_command(
        {"/bin/sh", "-c",
         "cd '" + ctx() + "' && " + env + " " + b + " bud --isolation chroot -q " + flags +
             " -t localhost/lint/" + name + ":1 . && " + b + " push -q localhost/lint/" + name +
             ":1 docker-archive:" + archive + ":localhost/lint/" + name + ":1 2>&1"},
        600);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return archive;
  }

  // `strata ARGS --format json --reveal` in the context.
  json run_json(const std::string& args, int expected_exit) const {
    CommandResult r = run_command({"/bin/sh", "-c",
                                   "cd '" + ctx() + "' && '" + std::string(STRATA_BINARY) + "' " +
                                       args + " --format json --reveal 2>/dev/null"},
                                  600);
    EXPECT_EQ(r.exit_code, expected_exit) << args << "\n" << r.output;
    json j = json::parse(r.output, nullptr, false);
    return j.is_discarded() ? json::object() : j;
  }

  // `strata lint --fix` applied with git apply; the patch is kept beside the context.
  CommandResult apply_fix() const {
    CommandResult r = run_command({"/bin/sh", "-c",
                                   "cd '" + ctx() + "' && '" + std::string(STRATA_BINARY) +
                                       "' lint --fix > ../fix.patch 2>/dev/null; "
                                       "git apply ../fix.patch 2>&1"});
    if (r.exit_code != 0) r.output += "\n" + read_file(path("fix.patch"));
    return r;
  }

  // The images build() made.
  void remove_built_images() const {
    std::string names;
    for (const std::string& n : built_) names += " '" + n + "'";
    if (!names.empty())
      run_command({"/bin/sh", "-c", buildah() + " rmi -f" + names + " >/dev/null 2>&1"});
  }
  void remove_all_images() const {
    run_command({"/bin/sh", "-c", buildah() + " rmi -a -f >/dev/null 2>&1"});
  }

 private:
  TempDir dir_;
  std::string store_;
  mutable std::vector<std::string> built_;
};

}  // namespace strata::test::lint_build
