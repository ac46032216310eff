#include "secret_files.hpp"

#include <algorithm>
#include <array>

namespace strata {

namespace {

std::string_view basename_of(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

// Templates committed on purpose; they hold placeholders, not secrets.
bool is_env_template(std::string_view base) {
  for (std::string_view suffix :
       {".example", ".sample", ".template", ".dist", ".tmpl", ".defaults"}) {
    if (base.ends_with(suffix)) return true;
  }
  return false;
}

bool has_assignment_with_value(std::string_view head) {
  // At least one KEY=value line with a non-empty value.
  size_t pos = 0;
  while (pos < head.size()) {
    size_t end = std::min(head.find('\n', pos), head.size());
    std::string_view line = head.substr(pos, end - pos);
    auto eq = line.find('=');
    if (eq != std::string_view::npos && eq > 0 && line[0] != '#' && eq + 1 < line.size() &&
        line.find_first_not_of(" \t\r\"'", eq + 1) != std::string_view::npos) {
      return true;
    }
    pos = end + 1;
  }
  return false;
}

// A value that only names an environment variable (`${NPM_TOKEN}`, what npm's documentation
// tells to commit) holds no credential: npm expands it when it runs.
bool is_env_reference(std::string_view value) {
  while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.remove_suffix(1);
  return value.starts_with("${") && value.ends_with('}') &&
         value.find_first_of("${}", 2) == value.size() - 1;
}

bool npmrc_with_auth(std::string_view h) {
  size_t pos = 0;
  while (pos < h.size()) {
    size_t end = std::min(h.find('\n', pos), h.size());
    std::string_view line = h.substr(pos, end - pos);
    for (std::string_view key : {"_authToken=", "_auth=", "_password="}) {
      size_t at = line.find(key);
      if (at != std::string_view::npos && !is_env_reference(line.substr(at + key.size()))) {
        return true;
      }
    }
    pos = end + 1;
  }
  return false;
}
bool pypirc_with_password(std::string_view h) { return contains(h, "password"); }
bool netrc_with_password(std::string_view h) { return contains(h, "password"); }
bool docker_config_with_auth(std::string_view h) {
  return contains(h, "\"auths\"") && (contains(h, "\"auth\"") || contains(h, "\"identitytoken\""));
}
bool aws_credentials(std::string_view h) { return contains(h, "aws_secret_access_key"); }
bool kubeconfig_with_credentials(std::string_view h) {
  return contains(h, "kind: Config") &&
         (contains(h, "token:") || contains(h, "client-key-data:") || contains(h, "password:"));
}
bool kubernetes_secret(std::string_view h) {
  return contains(h, "kind: Secret") && (contains(h, "\ndata:") || contains(h, "\nstringData:"));
}
bool git_config_with_credentials(std::string_view h) {
  // url = https://user:token@host/… inside a remote section.
  size_t at = h.find("://");
  while (at != std::string_view::npos) {
    size_t end = h.find_first_of("\n \t", at);
    std::string_view url = h.substr(at + 3, end == std::string_view::npos ? h.npos : end - at - 3);
    auto host_at = url.find('@');
    if (host_at != std::string_view::npos && url.substr(0, host_at).find(':') != url.npos) {
      return true;
    }
    at = h.find("://", at + 3);
  }
  return false;
}
bool git_credentials_file(std::string_view h) { return contains(h, "://") && contains(h, "@"); }
bool holds_private_key(std::string_view h) { return contains(h, "PRIVATE KEY"); }
bool non_empty(std::string_view h) { return !h.empty(); }
bool has_assignment(std::string_view h) { return has_assignment_with_value(h); }

const SecretFileRule kDotenv{"file.dotenv", ".env file", Severity::kHigh,
                             "An environment file from the build context: it usually holds the "
                             "app's credentials. Add it to .dockerignore and inject the values at "
                             "run time.",
                             has_assignment};
const SecretFileRule kNpmrc{"file.npmrc-auth", ".npmrc with registry credentials", Severity::kHigh,
                            "An .npmrc with an auth token or password. Mount it as a build secret "
                            "(RUN --mount=type=secret,id=npmrc,target=/root/.npmrc).",
                            npmrc_with_auth};
const SecretFileRule kPypirc{"file.pypirc", ".pypirc with a password", Severity::kHigh,
                             "PyPI upload credentials.", pypirc_with_password};
const SecretFileRule kGitCredentials{"file.git-credentials", ".git-credentials", Severity::kHigh,
                                     "Git's credential store: URLs with user names and tokens.",
                                     git_credentials_file};
const SecretFileRule kNetrc{"file.netrc", ".netrc with a password", Severity::kHigh,
                            "Machine logins and passwords used by curl, git and ftp.",
                            netrc_with_password};
const SecretFileRule kDockerConfig{"file.docker-config-auth", "Docker config with registry auth",
                                   Severity::kHigh,
                                   "A .docker/config.json whose auths hold base64 user:password "
                                   "or identity tokens for container registries.",
                                   docker_config_with_auth};
const SecretFileRule kAwsCredentials{"file.aws-credentials", "AWS shared credentials file",
                                     Severity::kCritical, "~/.aws/credentials with access keys.",
                                     aws_credentials};
const SecretFileRule kKubeconfig{
    "file.kubeconfig", "kubeconfig with credentials", Severity::kCritical,
    "Cluster credentials (tokens, client keys or passwords).", kubeconfig_with_credentials};
const SecretFileRule kKubernetesSecret{
    "file.kubernetes-secret", "Kubernetes Secret manifest", Severity::kHigh,
    "A Secret manifest: its data values are only base64.", kubernetes_secret};
const SecretFileRule kSshKey{"file.ssh-private-key", "SSH private key file", Severity::kCritical,
                             "An SSH private key (id_rsa, id_ed25519, …).", non_empty};
const SecretFileRule kKeyFile{"file.private-key", "Private key file", Severity::kHigh,
                              "A .pem or .key file holding a private key.", holds_private_key};
const SecretFileRule kKeystore{"file.keystore", "Keystore or PKCS#12 bundle", Severity::kHigh,
                               "A .p12/.pfx/.jks/.keystore file: certificates with their private "
                               "keys, often with a weak or default password.",
                               non_empty};
const SecretFileRule kTfstate{"file.terraform-state", "Terraform state", Severity::kHigh,
                              "Terraform state records every resource attribute, secrets included, "
                              "in plain text.",
                              non_empty};
const SecretFileRule kGitConfig{
    "file.git-config-credentials", ".git/config with credentials", Severity::kHigh,
    "A git remote URL with a user name and password or token.", git_config_with_credentials};
const SecretFileRule kShellHistory{"file.shell-history", "Shell history", Severity::kMedium,
                                   "Shell history often holds tokens typed on the command line.",
                                   non_empty};
const SecretFileRule kGitDirectory{"file.git-directory", ".git directory in the image",
                                   Severity::kMedium,
                                   "A whole git repository was copied into the image: its history "
                                   "can hold secrets the working tree no longer has. Add .git to "
                                   ".dockerignore.",
                                   nullptr};

}  // namespace

const SecretFileRule* secret_file_candidate(std::string_view path) {
  std::string_view base = basename_of(path);
  if (base == ".env" || (base.starts_with(".env.") && !is_env_template(base))) return &kDotenv;
  if (base == ".npmrc") return &kNpmrc;
  if (base == ".pypirc") return &kPypirc;
  if (base == ".git-credentials") return &kGitCredentials;
  if (base == ".netrc" || base == "_netrc") return &kNetrc;
  if (path.ends_with(".docker/config.json")) return &kDockerConfig;
  if (path.ends_with(".aws/credentials")) return &kAwsCredentials;
  if (path.ends_with(".kube/config") || base == "kubeconfig" || base.ends_with(".kubeconfig")) {
    return &kKubeconfig;
  }
  if (base.ends_with(".yaml") || base.ends_with(".yml")) return &kKubernetesSecret;
  for (std::string_view key :
       {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"}) {
    if (base == key) return &kSshKey;
  }
  if (base.ends_with(".pem") || base.ends_with(".key")) return &kKeyFile;
  for (std::string_view ext : {".p12", ".pfx", ".jks", ".keystore"}) {
    if (base.ends_with(ext)) return &kKeystore;
  }
  if (base == "terraform.tfstate" || base == "terraform.tfstate.backup") return &kTfstate;
  if (path.ends_with(".git/config")) return &kGitConfig;
  for (std::string_view history :
       {".bash_history", ".zsh_history", ".ash_history", ".sh_history", ".python_history",
        ".psql_history", ".mysql_history", ".node_repl_history", ".rediscli_history"}) {
    if (base == history) return &kShellHistory;
  }
  return nullptr;
}

bool secret_file_confirmed(const SecretFileRule& rule, std::string_view head) {
  return rule.confirms == nullptr || rule.confirms(head);
}

std::string git_directory_of(std::string_view path) {
  if (path == ".git" || path.starts_with(".git/")) return ".git";
  auto at = path.find("/.git/");
  if (at == std::string_view::npos && path.ends_with("/.git")) at = path.size() - 5;
  if (at == std::string_view::npos) return "";
  return std::string(path.substr(0, at + 5));
}

bool is_git_loose_object(std::string_view path) {
  auto at = path.rfind(".git/objects/");
  if (at == std::string_view::npos) return false;
  std::string_view rest = path.substr(at + 13);  // "ab/cdef…"
  if (rest.size() != 41 || rest[2] != '/') return false;
  return std::all_of(rest.begin(), rest.end(), [](char c) {
    return c == '/' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

const SecretFileRule& git_directory_rule() { return kGitDirectory; }

const std::vector<const SecretFileRule*>& secret_file_rules() {
  static const std::vector<const SecretFileRule*> all = {
      &kDotenv,       &kNpmrc,          &kPypirc,     &kGitCredentials,   &kNetrc,
      &kDockerConfig, &kAwsCredentials, &kKubeconfig, &kKubernetesSecret, &kSshKey,
      &kKeyFile,      &kKeystore,       &kTfstate,    &kGitConfig,        &kShellHistory,
      &kGitDirectory};
  return all;
}

}  // namespace strata
