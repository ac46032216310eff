// find_credentials over real files in a temporary directory and real credential helpers
// (shell scripts written into that directory, which is put first on PATH).
#include "strata/remote/credentials.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "strata/core/base64.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using test::ScopedEnv;
using test::TempDir;
using test::write_file;

// Fake secrets, never literal in the source.
std::string fake_password() { return std::string("pw-") + "Zq81" + "xYt7"; }
std::string fake_token() { return std::string("refresh-") + "Lk2m" + "9QwE" + "r5Ty"; }

// Whether a process runs (a zombie does not: orphans here may wait long for a reaper).
bool process_alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] != 'Z';
}

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sources_.registry_auth_file = dir_.path() + "/auth.json";
    sources_.docker_config_file = dir_.path() + "/docker/config.json";
  }

  void write_docker_config(const std::string& json) {
    write_file(sources_.docker_config_file, json);
  }
  void write_auth_json(const std::string& json) { write_file(sources_.registry_auth_file, json); }

  // A docker-credential-NAME script in bin/, which is put first on PATH by the fixture.
  void write_helper(const std::string& name, const std::string& body) {
    std::string path = dir_.path() + "/bin/docker-credential-" + name;
    write_file(path, "#!/bin/sh\n" + body);
    ::chmod(path.c_str(), 0755);
  }
  // A helper that answers `user` and `secret` for `server`, "not found" for anything else,
  // and appends every server it is asked about to asked-NAME.
  void write_answering_helper(const std::string& name, const std::string& server,
                              const std::string& user, const std::string& secret) {
    write_helper(name,
                 "[ \"$1\" = get ] || exit 3\n"
                 "read -r server || true\n"
                 "echo \"$server\" >> " +
                     dir_.path() + "/asked-" + name +
                     "\n"
                     "if [ \"$server\" = '" +
                     server +
                     "' ]; then\n"
                     "  printf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"%s\"}' "
                     "\"$server\" '" +
                     user + "' '" + secret +
                     "'\n"
                     "else\n"
                     "  echo 'credentials not found in native keychain'; exit 1\n"
                     "fi\n");
  }
  std::string asked(const std::string& name) {
    return test::read_file(dir_.path() + "/asked-" + name);
  }

  Credentials expect_found(const std::string& registry) {
    auto creds = find_credentials(registry, sources_);
    EXPECT_TRUE(creds) << creds.error().message;
    if (!creds) return {};
    EXPECT_TRUE(*creds) << "no credentials for " << registry;
    return creds->value_or(Credentials{});
  }
  void expect_none(const std::string& registry) {
    auto creds = find_credentials(registry, sources_);
    ASSERT_TRUE(creds) << creds.error().message;
    EXPECT_FALSE(*creds) << "found credentials for " << registry << " from " << (*creds)->origin;
  }
  std::string expect_error(const std::string& registry) {
    auto creds = find_credentials(registry, sources_);
    EXPECT_FALSE(creds) << "no error for " << registry;
    return creds ? "" : creds.error().message;
  }

  std::string auth_of(const std::string& user, const std::string& password) {
    return base64_encode(user + ":" + password);
  }

  TempDir dir_;
  ScopedEnv path_{"PATH", dir_.path() + "/bin:" + (std::getenv("PATH") ? std::getenv("PATH") : "")};
  CredentialSources sources_;
};

TEST_F(CredentialsTest, NoFilesMeansNoCredentials) { expect_none("ghcr.io"); }

TEST_F(CredentialsTest, EmptyPathsAreSkipped) {
  sources_ = CredentialSources{};
  expect_none("ghcr.io");
}

TEST_F(CredentialsTest, DockerConfigAuthIsBase64UserPassword) {
  write_docker_config(R"({"auths":{"r.example:5000":{"auth":")" +
                      auth_of("alice", fake_password()) + R"("}}})");
  auto creds = expect_found("r.example:5000");
  EXPECT_EQ(creds.username, "alice");
  EXPECT_EQ(creds.password, fake_password());
  EXPECT_EQ(creds.identity_token, "");
  EXPECT_EQ(creds.origin, sources_.docker_config_file);
  expect_none("r.example:5001");
  expect_none("r.example");
}

TEST_F(CredentialsTest, PasswordMayContainColons) {
  std::string password = fake_password() + ":x:y";
  write_docker_config(R"({"auths":{"r.io":{"auth":")" + auth_of("bob", password) + R"("}}})");
  EXPECT_EQ(expect_found("r.io").password, password);
}

TEST_F(CredentialsTest, UsernameAndPasswordFields) {
  write_docker_config(R"({"auths":{"r.io":{"username":"carol","password":")" + fake_password() +
                      R"("}}})");
  auto creds = expect_found("r.io");
  EXPECT_EQ(creds.username, "carol");
  EXPECT_EQ(creds.password, fake_password());
}

TEST_F(CredentialsTest, IdentityToken) {
  write_docker_config(R"({"auths":{"r.io":{"auth":")" + auth_of("<token>", "") +
                      R"(","identitytoken":")" + fake_token() + R"("}}})");
  auto creds = expect_found("r.io");
  EXPECT_EQ(creds.identity_token, fake_token());
  EXPECT_EQ(creds.password, "");
}

TEST_F(CredentialsTest, KeysWrittenAsUrlsMatchByHost) {
  write_docker_config(R"({"auths":{"https://r.example:5000/v1/":{"auth":")" +
                      auth_of("u1", fake_password()) + R"("},"http://plain.example":{"auth":")" +
                      auth_of("u2", fake_password()) + R"("}}})");
  EXPECT_EQ(expect_found("r.example:5000").username, "u1");
  EXPECT_EQ(expect_found("plain.example").username, "u2");
  expect_none("r.example");
}

TEST_F(CredentialsTest, ExactKeyWinsOverUrlKey) {
  write_docker_config(R"({"auths":{"https://r.io":{"auth":")" + auth_of("url", fake_password()) +
                      R"("},"r.io":{"auth":")" + auth_of("exact", fake_password()) + R"("}}})");
  EXPECT_EQ(expect_found("r.io").username, "exact");
}

TEST_F(CredentialsTest, DockerHubUnderItsHistoricKeys) {
  write_docker_config(R"({"auths":{"https://index.docker.io/v1/":{"auth":")" +
                      auth_of("hub", fake_password()) + R"("}}})");
  EXPECT_EQ(expect_found("docker.io").username, "hub");
  write_docker_config(R"({"auths":{"index.docker.io":{"auth":")" +
                      auth_of("hub2", fake_password()) + R"("}}})");
  EXPECT_EQ(expect_found("docker.io").username, "hub2");
  expect_none("ghcr.io");
}

TEST_F(CredentialsTest, NamespaceKeyIsNotUsedForTheWholeRegistry) {
  write_auth_json(R"({"auths":{"quay.io/team":{"auth":")" + auth_of("ns", fake_password()) +
                  R"("}}})");
  expect_none("quay.io");
}

TEST_F(CredentialsTest, AuthJsonComesBeforeDockerConfig) {
  write_auth_json(R"({"auths":{"r.io":{"auth":")" + auth_of("podman", fake_password()) + R"("}}})");
  write_docker_config(R"({"auths":{"r.io":{"auth":")" + auth_of("docker", fake_password()) +
                      R"("},"other.io":{"auth":")" + auth_of("docker2", fake_password()) +
                      R"("}}})");
  auto creds = expect_found("r.io");
  EXPECT_EQ(creds.username, "podman");
  EXPECT_EQ(creds.origin, sources_.registry_auth_file);
  EXPECT_EQ(expect_found("other.io").username, "docker2");  // not in auth.json: next source
}

TEST_F(CredentialsTest, ExplicitCredentialsComeFirst) {
  write_auth_json(R"({"auths":{"r.io":{"auth":")" + auth_of("file", fake_password()) + R"("}}})");
  sources_.explicit_credentials = Credentials{
      .username = "cli", .password = fake_password(), .identity_token = "", .origin = ""};
  auto creds = expect_found("r.io");
  EXPECT_EQ(creds.username, "cli");
  EXPECT_NE(creds.origin.find("--username"), std::string::npos);
}

TEST_F(CredentialsTest, OriginWritesHomeAsTilde) {
  ScopedEnv home("HOME", dir_.path());
  write_docker_config(R"({"auths":{"r.io":{"auth":")" + auth_of("u", fake_password()) + R"("}}})");
  EXPECT_EQ(expect_found("r.io").origin, "~/docker/config.json");
}

TEST_F(CredentialsTest, CredHelperForTheRegistry) {
  write_answering_helper("fixture", "r.io", "helped", fake_password());
  write_docker_config(R"({"credHelpers":{"r.io":"fixture"},"auths":{"r.io":{"auth":")" +
                      auth_of("fromauths", fake_password()) + R"("}}})");
  auto creds = expect_found("r.io");
  EXPECT_EQ(creds.username, "helped");
  EXPECT_EQ(creds.password, fake_password());
  EXPECT_NE(creds.origin.find("docker-credential-fixture"), std::string::npos) << creds.origin;
  EXPECT_EQ(asked("fixture"), "r.io\n");
}

TEST_F(CredentialsTest, CredHelperForAnotherRegistryIsNotRun) {
  write_answering_helper("fixture", "r.io", "helped", fake_password());
  write_docker_config(R"({"credHelpers":{"r.io":"fixture"}})");
  expect_none("other.io");
  EXPECT_EQ(asked("fixture"), "");
}

TEST_F(CredentialsTest, HelperWithoutCredentialsFallsBackToAuths) {
  write_answering_helper("fixture", "elsewhere", "helped", fake_password());
  write_docker_config(R"({"credHelpers":{"r.io":"fixture"},"auths":{"r.io":{"auth":")" +
                      auth_of("fromauths", fake_password()) + R"("}}})");
  EXPECT_EQ(expect_found("r.io").username, "fromauths");
  EXPECT_EQ(asked("fixture"), "r.io\n");
}

TEST_F(CredentialsTest, HelperSayingNotFoundIsNoCredentials) {
  write_answering_helper("fixture", "elsewhere", "helped", fake_password());
  write_docker_config(R"({"credsStore":"fixture"})");
  expect_none("r.io");
}

TEST_F(CredentialsTest, CredsStoreAfterPlaceholderAuthsEntry) {
  write_answering_helper("store", "r.io", "stored", fake_password());
  write_docker_config(R"({"auths":{"r.io":{}},"credsStore":"store"})");
  auto creds = expect_found("r.io");
  EXPECT_EQ(creds.username, "stored");
  EXPECT_NE(creds.origin.find("credsStore"), std::string::npos) << creds.origin;
}

TEST_F(CredentialsTest, DockerHubHelperIsAskedForTheIndexUrl) {
  write_answering_helper("store", "https://index.docker.io/v1/", "hub", fake_password());
  write_docker_config(R"({"credsStore":"store"})");
  EXPECT_EQ(expect_found("docker.io").username, "hub");
  EXPECT_EQ(asked("store"), "https://index.docker.io/v1/\n");
}

TEST_F(CredentialsTest, HelperTokenUsernameMeansIdentityToken) {
  write_answering_helper("store", "r.io", "<token>", fake_token());
  write_docker_config(R"({"credsStore":"store"})");
  auto creds = expect_found("r.io");
  EXPECT_EQ(creds.identity_token, fake_token());
  EXPECT_EQ(creds.username, "");
  EXPECT_EQ(creds.password, "");
}

TEST_F(CredentialsTest, HelperMissingFromPathIsAnErrorNamingIt) {
  write_docker_config(R"({"credsStore":"no-such-helper-xyz"})");
  auto message = expect_error("r.io");
  EXPECT_NE(message.find("docker-credential-no-such-helper-xyz"), std::string::npos) << message;
  EXPECT_NE(message.find("not found on PATH"), std::string::npos) << message;
  EXPECT_NE(message.find("config.json"), std::string::npos) << message;
}

TEST_F(CredentialsTest, FailingHelperIsAnErrorWithoutItsOutput) {
  write_helper("broken", "echo 'oops " + fake_password() + "'; exit 4\n");
  write_docker_config(R"({"credsStore":"broken"})");
  auto message = expect_error("r.io");
  EXPECT_NE(message.find("docker-credential-broken"), std::string::npos) << message;
  EXPECT_NE(message.find("exit status 4"), std::string::npos) << message;
  EXPECT_EQ(message.find(fake_password()), std::string::npos) << message;
}

TEST_F(CredentialsTest, HelperStderrIsNotEchoed) {
  write_helper("noisy", "echo 'stderr " + fake_password() +
                            "' >&2\n"
                            "printf '{\"Username\":\"u\",\"Secret\":\"s\"}'\n");
  write_docker_config(R"({"credsStore":"noisy"})");
  ::testing::internal::CaptureStderr();
  auto creds = find_credentials("r.io", sources_);
  std::string err = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(creds && *creds);
  EXPECT_EQ(err.find(fake_password()), std::string::npos) << err;
}

TEST_F(CredentialsTest, HelperAnswerThatIsNotJsonIsAnError) {
  write_helper("garbled", "echo 'Username=u Secret=" + fake_password() + "'\n");
  write_docker_config(R"({"credsStore":"garbled"})");
  auto message = expect_error("r.io");
  EXPECT_NE(message.find("not a JSON object"), std::string::npos) << message;
  EXPECT_EQ(message.find(fake_password()), std::string::npos) << message;
}

TEST_F(CredentialsTest, HangingHelperIsKilledAfterTheTimeout) {
  std::string pid_file = dir_.path() + "/sleeper.pid";
  write_helper("hang", "sleep 60 & echo $! > " + pid_file + "\nwait\n");
  write_docker_config(R"({"credsStore":"hang"})");
  sources_.helper_timeout = std::chrono::milliseconds(500);
  auto start = std::chrono::steady_clock::now();
  auto message = expect_error("r.io");
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_NE(message.find("timed out after 500 ms"), std::string::npos) << message;
  EXPECT_LT(took, std::chrono::seconds(5));
  // The helper's own child went with it (the whole process group is killed).
  pid_t sleeper = std::stoi(test::read_file(pid_file));
  for (int i = 0; i < 100 && process_alive(sleeper); ++i) ::usleep(10000);
  EXPECT_FALSE(process_alive(sleeper)) << "sleep " << sleeper << " survived";
}

TEST_F(CredentialsTest, HelperThatClosesStdoutAndLingersTimesOut) {
  write_helper("linger", "exec >&-\nsleep 60\n");
  write_docker_config(R"({"credsStore":"linger"})");
  sources_.helper_timeout = std::chrono::milliseconds(300);
  EXPECT_NE(expect_error("r.io").find("timed out"), std::string::npos);
}

TEST_F(CredentialsTest, HelperKilledBySignalIsAnError) {
  write_helper("crash", "kill -9 $$\n");
  write_docker_config(R"({"credsStore":"crash"})");
  EXPECT_NE(expect_error("r.io").find("killed by signal 9"), std::string::npos);
}

TEST_F(CredentialsTest, HelperAnswerIsBounded) {
  write_helper("flood", "head -c 200000 /dev/zero | tr '\\0' x\n");
  write_docker_config(R"({"credsStore":"flood"})");
  EXPECT_NE(expect_error("r.io").find("more than 65536 bytes"), std::string::npos);
}

TEST_F(CredentialsTest, HelperNameWithPathIsRefused) {
  write_docker_config(R"({"credsStore":"../../bin/sh"})");
  EXPECT_NE(expect_error("r.io").find("invalid credential helper name"), std::string::npos);
}

TEST_F(CredentialsTest, MalformedJsonNamesFileAndPositionNotContent) {
  write_docker_config("{\"auths\": {\"r.io\": {\"auth\": \"" + fake_password() + "\n");
  auto message = expect_error("r.io");
  EXPECT_NE(message.find(sources_.docker_config_file), std::string::npos) << message;
  EXPECT_NE(message.find("not valid JSON (line 2"), std::string::npos) << message;
  EXPECT_EQ(message.find(fake_password()), std::string::npos) << message;
}

TEST_F(CredentialsTest, AuthThatIsNotBase64NamesFileAndKeyNotValue) {
  std::string bad = "!!" + fake_password();
  write_docker_config(R"({"auths":{"r.io":{"auth":")" + bad + R"("}}})");
  auto message = expect_error("r.io");
  EXPECT_NE(message.find("config.json"), std::string::npos) << message;
  EXPECT_NE(message.find("auths[\"r.io\"].auth"), std::string::npos) << message;
  EXPECT_EQ(message.find(fake_password()), std::string::npos) << message;
}

TEST_F(CredentialsTest, AuthWithoutColonIsAnError) {
  write_docker_config(R"({"auths":{"r.io":{"auth":")" + base64_encode(fake_password()) + R"("}}})");
  auto message = expect_error("r.io");
  EXPECT_NE(message.find("user:password"), std::string::npos) << message;
  EXPECT_EQ(message.find(fake_password()), std::string::npos) << message;
}

TEST_F(CredentialsTest, WrongShapesAreErrors) {
  write_docker_config(R"({"auths":[]})");
  EXPECT_NE(expect_error("r.io").find("\"auths\" is not an object"), std::string::npos);
  write_docker_config(R"({"auths":{"r.io":"x"}})");
  EXPECT_NE(expect_error("r.io").find("auths[\"r.io\"] is not an object"), std::string::npos);
  write_docker_config(R"({"auths":{"r.io":{"auth":5}}})");
  EXPECT_NE(expect_error("r.io").find("auth is not a string"), std::string::npos);
  write_docker_config(R"({"credHelpers":{"r.io":1}})");
  EXPECT_NE(expect_error("r.io").find("credHelpers[\"r.io\"]"), std::string::npos);
  write_docker_config(R"({"credsStore":true})");
  EXPECT_NE(expect_error("r.io").find("credsStore"), std::string::npos);
  write_docker_config(R"([1,2])");
  EXPECT_NE(expect_error("r.io").find("not a JSON object"), std::string::npos);
}

TEST_F(CredentialsTest, ABrokenFileIsAnErrorEvenForOtherRegistries) {
  write_auth_json("{");
  EXPECT_NE(expect_error("r.io").find("auth.json"), std::string::npos);
}

TEST_F(CredentialsTest, UnreadableFileIsAnError) {
  ::mkdir(sources_.registry_auth_file.c_str(), 0755);  // a directory where the file should be
  auto message = expect_error("r.io");
  EXPECT_NE(message.find("auth.json"), std::string::npos) << message;
  EXPECT_NE(message.find("cannot read"), std::string::npos) << message;
}

TEST(CredentialSources, FromEnvironmentPrefersExplicitVariables) {
  ScopedEnv auth("REGISTRY_AUTH_FILE", "/a/auth.json");
  ScopedEnv runtime("XDG_RUNTIME_DIR", "/run/user/7");
  ScopedEnv docker("DOCKER_CONFIG", "/d");
  ScopedEnv home("HOME", "/h");
  auto sources = CredentialSources::from_environment();
  EXPECT_EQ(sources.registry_auth_file, "/a/auth.json");
  EXPECT_EQ(sources.docker_config_file, "/d/config.json");
  EXPECT_FALSE(sources.explicit_credentials);
  EXPECT_EQ(sources.helper_timeout, std::chrono::seconds(30));
}

TEST(CredentialSources, FromEnvironmentFallsBackToRuntimeDirAndHome) {
  ScopedEnv auth("REGISTRY_AUTH_FILE", "");
  ScopedEnv runtime("XDG_RUNTIME_DIR", "/run/user/7");
  ScopedEnv docker("DOCKER_CONFIG", "");
  ScopedEnv home("HOME", "/h");
  auto sources = CredentialSources::from_environment();
  EXPECT_EQ(sources.registry_auth_file, "/run/user/7/containers/auth.json");
  EXPECT_EQ(sources.docker_config_file, "/h/.docker/config.json");
}

TEST(Base64, RoundTripsEveryLength) {
  std::string data;
  for (int i = 0; i < 40; ++i) {
    auto decoded = base64_decode(base64_encode(data));
    ASSERT_TRUE(decoded) << i;
    EXPECT_EQ(*decoded, data);
    data += static_cast<char>(i * 37);
  }
}

TEST(Base64, KnownValuesAndOptionalPadding) {
  EXPECT_EQ(base64_encode("user:pw"), "dXNlcjpwdw==");
  EXPECT_EQ(base64_decode("dXNlcjpwdw=="), "user:pw");
  EXPECT_EQ(base64_decode("dXNlcjpwdw"), "user:pw");
  EXPECT_FALSE(base64_decode("dXNlc*pwdw=="));
  EXPECT_FALSE(base64_decode("dXNlc"));
}

}  // namespace
}  // namespace strata
