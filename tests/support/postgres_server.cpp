#include "support/postgres_server.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <vector>

#include "support/subprocess.hpp"

namespace fs = std::filesystem;

namespace strata::test {
namespace {

// Debian installs the server binaries in /usr/lib/postgresql/<major>/bin: the newest one.
std::string server_bin_dir() {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    fs::path bin = entry.path() / "bin";
    if (fs::exists(bin / "initdb") && fs::exists(bin / "pg_ctl")) found.push_back(bin.string());
  }
  if (found.empty()) return "";
  std::sort(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;  // "9" < "15"
  });
  return found.back();
}

}  // namespace

std::unique_ptr<PostgresServer> PostgresServer::start(std::string* why_not) {
  std::string bin = server_bin_dir();
  if (bin.empty()) {
    *why_not = "PostgreSQL server binaries not installed (apt-get install postgresql)";
    return nullptr;
  }
  std::unique_ptr<PostgresServer> server(new PostgresServer());
  server->psql_ = find_executable("psql");
  if (server->psql_.empty()) {
    *why_not = "psql not installed (apt-get install postgresql-client)";
    return nullptr;
  }
  if (geteuid() == 0 && find_executable("runuser").empty()) {
    *why_not = "runuser not found: initdb cannot run as root";
    return nullptr;
  }
  if (!server->init(bin, why_not) || !server->start_on_free_port(bin, why_not)) return nullptr;
  return server;
}

// initdb refuses to run as root: as root, the server's files belong to `postgres`.
std::vector<std::string> PostgresServer::as_server_user(std::vector<std::string> argv) const {
  if (geteuid() != 0) return argv;
  argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  return argv;
}

// Gives `dir` to the user the server runs as (root's tests run it as postgres).
bool PostgresServer::own_for_server(const std::string& dir, std::string* why_not) const {
  if (geteuid() != 0) return true;
  const passwd* user = getpwnam("postgres");
  if (user && chown(dir.c_str(), user->pw_uid, user->pw_gid) == 0) return true;
  *why_not = "no user postgres to run the server as (it comes with Debian's postgresql)";
  return false;
}

// initdb takes seconds; a cluster it made once (in the build tree, per server version) is
// copied instead. Processes making it at once each make their own and one rename wins.
std::string PostgresServer::cluster_template(std::string* why_not) const {
  std::string major = fs::path(bin_).parent_path().filename().string();
  std::string made = std::string(STRATA_FIXTURE_DIR) + "/postgres-" + major + "-cluster";
  if (fs::exists(made + "/data/PG_VERSION")) return made;
  std::error_code ec;
  fs::create_directories(STRATA_FIXTURE_DIR, ec);
  std::string work = made + ".tmp." + std::to_string(getpid());
  fs::remove_all(work, ec);
  fs::create_directories(work, ec);
  if (ec || !own_for_server(work, why_not)) {
    if (why_not->empty()) *why_not = "cannot create " + work;
    return "";
  }
  // No fsync: a test database need not survive a power cut, and syncing costs seconds.
  CommandResult ran =
      run_command(as_server_user({bin_ + "/initdb", "-D", work + "/data", "-A", "trust", "-U",
                                  "strata", "-E", "UTF8", "--locale=C", "--no-sync"}),
                  120);
  if (ran.exit_code != 0) {
    *why_not = "initdb failed: " + ran.output;
    fs::remove_all(work, ec);
    return "";
  }
  fs::rename(work, made, ec);
  if (ec) fs::remove_all(work, ec);  // another process was first: its cluster is as good
  return made;
}

bool PostgresServer::init(const std::string& bin, std::string* why_not) {
  bin_ = bin;
  if (!own_for_server(dir_.path(), why_not)) return false;
  std::string made = cluster_template(why_not);
  if (made.empty()) return false;
  // cp -a keeps the owner and the 0700 mode the server insists on.
  CommandResult copied = run_command({"cp", "-a", made + "/data", dir_.path() + "/data"}, 120);
  if (copied.exit_code != 0) {
    *why_not = "copying the cluster failed: " + copied.output;
    return false;
  }
  return true;
}

bool PostgresServer::start_on_free_port(const std::string& bin, std::string* why_not) {
  // The port is free when picked and may be taken before the server binds it: try again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = free_loopback_port();
    std::string options = "-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) + " -k " +
                          dir_.path() + " -c fsync=off -c full_page_writes=off";
    CommandResult started =
        run_command(as_server_user({bin + "/pg_ctl", "-D", dir_.path() + "/data", "-o", options,
                                    "-l", dir_.path() + "/log", "-w", "-t", "60", "start"}),
                    90);
    if (started.exit_code == 0) {
      running_ = true;
      return true;
    }
    *why_not = "pg_ctl start failed: " + started.output;
  }
  return false;
}

PostgresServer::~PostgresServer() {
  if (running_) {
    run_command(as_server_user({bin_ + "/pg_ctl", "-D", dir_.path() + "/data", "-m", "immediate",
                                "-w", "stop"}),
                60);
  }
}

std::string PostgresServer::url(const std::string& database) const {
  return "postgresql://strata@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::optional<std::string> PostgresServer::psql(const std::string& database,
                                                const std::string& sql) const {
  CommandResult ran = run_command(
      {psql_, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", url(database), "-c", sql}, 60);
  if (ran.exit_code != 0) return std::nullopt;
  return ran.output;
}

std::optional<std::string> PostgresServer::dump(const std::string& database) const {
  CommandResult ran = run_command({bin_ + "/pg_dump", "--dbname", url(database)}, 120);
  if (ran.exit_code != 0) return std::nullopt;
  return ran.output;
}

bool PostgresServer::create_database(const std::string& name, std::string* why_not) const {
  if (psql("postgres", "CREATE DATABASE " + name)) return true;
  if (why_not) *why_not = "CREATE DATABASE " + name + " failed (see the server log)";
  return false;
}

}  // namespace strata::test
