#include "strata/remediation/remediation.hpp"

#include <gtest/gtest.h>

namespace strata {
namespace {

// Made-up values, built so that no token appears in the source.
const std::string kNpmToken = std::string("npm") + "_" + std::string(36, 'n');
const std::string kStripeKey = std::string("sk_") + "live_" + std::string(24, 's');

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Image image_with(const std::vector<std::string>& created_by) {
  Image img;
  img.reference = "app:1";
  img.platform = Platform{"linux", "amd64", ""};
  for (const std::string& c : created_by) {
    HistoryEntry entry;
    entry.created_by = c;
    img.history.push_back(entry);
  }
  return img;
}

Location config_at(const Image& img, int step, const std::string& build_arg = "") {
  Location l;
  l.kind = LocationKind::kConfig;
  l.image = img.reference;
  l.platform = img.platform.str();
  l.history_step = step;
  l.created_by = img.history[step].created_by;
  l.config_location = "history[" + std::to_string(step) + "].created_by";
  l.build_arg = build_arg;
  l.fate = Fate{FateKind::kNotInFilesystem, {}};
  return l;
}

Location file_at(const Image& img, int step, int layer, const std::string& path,
                 Fate fate = Fate{}) {
  Location l;
  l.kind = LocationKind::kLayerFile;
  l.image = img.reference;
  l.platform = img.platform.str();
  l.layer_index = layer;
  l.path = path;
  l.history_step = step;
  l.created_by = img.history[step].created_by;
  l.fate = fate;
  return l;
}

Finding finding(const std::string& rule_id, const std::string& secret) {
  Finding f;
  f.rule_id = rule_id;
  f.rule_name = rule_id;
  f.secret = SecretValue(secret);
  return f;
}

Finding secret_file(const std::string& rule_id, const std::string& path) {
  Finding f = finding(rule_id, path);
  f.secret_is_path = true;
  return f;
}

const RemediationStep* step_of(const Finding& f, const std::string& kind) {
  for (const RemediationStep& s : f.remediation) {
    if (s.kind == kind) return &s;
  }
  return nullptr;
}

RuleSet npm_rules() {
  RuleSet rules;
  Rule r;
  r.id = "npm.access-token";
  r.name = "npm access token";
  r.categories = {"package-registry", "npm"};
  rules.rules.push_back(r);
  r.id = "github.token";
  r.name = "GitHub token";
  r.categories = {"vcs", "github"};
  rules.rules.push_back(r);
  return rules;
}

void run(std::vector<Finding>& findings, const std::vector<Image>& images,
         const Dockerfile* df = nullptr, const RuleSet* rules = nullptr) {
  add_remediation(findings, {.dockerfile = df, .rules = rules, .images = &images});
}

// Some 8-byte piece of `secret` appears in `text`: catches values shown in part, not only whole.
bool leaks(const std::string& text, const std::string& secret) {
  for (size_t i = 0; i + 8 <= secret.size(); ++i) {
    if (contains(text, secret.substr(i, 8))) return true;
  }
  return secret.size() < 8 && contains(text, secret);
}

// Made-up GitHub-style token: a prefix and 36 characters of body.
std::string github_token(char fill) { return std::string("gh") + "p_" + std::string(36, fill); }

std::string all_fields(const Finding& f) {
  std::string s;
  for (const RemediationStep& r : f.remediation) {
    s += r.kind + "\n" + r.text + "\n" + r.before + "\n" + r.after + "\n" + r.command + "\n";
    for (const std::string& line : r.lines) s += line + "\n";
  }
  return s;
}

// ---- build args ------------------------------------------------------------------------------

TEST(RemediationTest, BuildArgBecomesAnEnvSecretMount) {
  Image img = image_with({"ARG NPM_TOKEN", "|1 NPM_TOKEN=" + kNpmToken + " /bin/sh -c npm ci"});
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  fs[0].locations = {config_at(img, 1, "NPM_TOKEN")};
  run(fs, {img});
  const RemediationStep* s = step_of(fs[0], "build-secret");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->before, "|1 NPM_TOKEN=… /bin/sh -c npm ci");
  EXPECT_EQ(s->after, "RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci");
  EXPECT_EQ(s->command, "docker build --secret id=npm_token,env=NPM_TOKEN .");
  EXPECT_TRUE(contains(s->text, "$(cat /run/secrets/npm_token)"));
  EXPECT_TRUE(contains(s->text, "ARG NPM_TOKEN"));
}

TEST(RemediationTest, BuildArgWrittenToAFileMountsASecretFileThere) {
  Image img = image_with(
      {"ARG NPM_TOKEN", "|1 NPM_TOKEN=" + kNpmToken +
                            " /bin/sh -c echo \"//r/:_authToken=${NPM_TOKEN}\" > /root/.npmrc && "
                            "npm ci"});
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  fs[0].locations = {config_at(img, 1, "NPM_TOKEN")};
  run(fs, {img});
  const RemediationStep* s = step_of(fs[0], "build-secret-file");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->after, "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci");
  EXPECT_EQ(s->command, "docker build --secret id=npmrc,src=.npmrc .");
  EXPECT_EQ(step_of(fs[0], "build-secret"), nullptr);
}

TEST(RemediationTest, TheSecretFileRewriteDropsTheRemovalOfTheMountedFile) {
  Image img = image_with(
      {"ARG NPM_TOKEN", "|1 NPM_TOKEN=" + kNpmToken +
                            " /bin/sh -c echo \"//r/:_authToken=${NPM_TOKEN}\" > /root/.npmrc && "
                            "npm ci && rm -f /root/.npmrc"});
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  fs[0].locations = {config_at(img, 1, "NPM_TOKEN")};
  run(fs, {img});
  const RemediationStep* s = step_of(fs[0], "build-secret-file");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->after, "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci");
}

TEST(RemediationTest, TheSameStepsLayerFileIsTheSecretFileTarget) {
  // No redirect: the step wrote the file some other way, and the value was found there.
  Image img = image_with({"ARG NPM_TOKEN", "|1 NPM_TOKEN=" + kNpmToken +
                                               " /bin/sh -c npm config set token \"$NPM_TOKEN\""});
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  fs[0].locations = {config_at(img, 1, "NPM_TOKEN"), file_at(img, 1, 0, "root/.npmrc")};
  run(fs, {img});
  const RemediationStep* s = step_of(fs[0], "build-secret-file");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(contains(s->after, "--mount=type=secret,id=npmrc,target=/root/.npmrc "));
  EXPECT_TRUE(contains(s->text, "layer 0 keeps"));
}

TEST(RemediationTest, ARelativeRedirectIsResolvedAgainstTheWorkdir) {
  Image img = image_with({"WORKDIR /src", "|1 T=" + kNpmToken + " /bin/sh -c echo $T > .npmrc"});
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  fs[0].locations = {config_at(img, 1, "T")};
  run(fs, {img});
  const RemediationStep* s = step_of(fs[0], "build-secret-file");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(contains(s->after, "target=/src/.npmrc <the command that needs /src/.npmrc>"));
}

TEST(RemediationTest, WithoutAnExplicitUseTheFirstRunAfterTheArgIsRewritten) {
  Image img = image_with({"ARG NPM_TOKEN", "|1 NPM_TOKEN=" + kNpmToken + " /bin/sh -c make",
                          "|1 NPM_TOKEN=" + kNpmToken + " /bin/sh -c make test"});
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  fs[0].locations = {config_at(img, 2, "NPM_TOKEN"), config_at(img, 1, "NPM_TOKEN")};
  run(fs, {img});
  const RemediationStep* s = step_of(fs[0], "build-secret");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->after, "RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN make");
  EXPECT_TRUE(contains(s->text, "if a later RUN is the one that needs it"));
}

TEST(RemediationTest, AnExplicitUseIsRewrittenRatherThanTheFirstRun) {
  Image img = image_with({"|1 T=" + kNpmToken + " /bin/sh -c make",
                          "|1 T=" + kNpmToken + " /bin/sh -c curl -u \"$T\" https://x"});
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  fs[0].locations = {config_at(img, 0, "T"), config_at(img, 1, "T")};
  run(fs, {img});
  ASSERT_EQ(fs[0].remediation.size(), 2u);
  EXPECT_EQ(fs[0].remediation[0].after,
            "RUN --mount=type=secret,id=t,env=T curl -u \"$T\" https://x");
}

TEST(RemediationTest, TheSecretFileFindingOfAWrittenFileGetsTheRewriteToo) {
  Image img = image_with({"ARG NPM_TOKEN", "|1 NPM_TOKEN=" + kNpmToken +
                                               " /bin/sh -c echo \"${NPM_TOKEN}\" > /root/.npmrc"});
  std::vector<Finding> fs = {secret_file("file.npmrc-auth", "root/.npmrc")};
  fs[0].locations = {file_at(img, 1, 0, "root/.npmrc")};
  run(fs, {img});
  const RemediationStep* s = step_of(fs[0], "build-secret-file");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(contains(s->after, "target=/root/.npmrc"));
}

TEST(RemediationTest, WithTheDockerfileTheRewriteStartsFromItsLine) {
  auto df = parse_dockerfile("FROM base\nARG NPM_TOKEN\nRUN --network=none npm ci \\\n  --quiet\n");
  ASSERT_TRUE(df);
  Image img = image_with({"base", "/bin/sh -c #(nop) ARG NPM_TOKEN",
                          "|1 NPM_TOKEN=" + kNpmToken + " /bin/sh -c npm ci   --quiet"});
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  fs[0].locations = {config_at(img, 2, "NPM_TOKEN")};
  run(fs, {img}, &*df);
  EXPECT_EQ(fs[0].locations[0].dockerfile_line, 3);
  const RemediationStep* s = step_of(fs[0], "build-secret");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->before, "RUN --network=none npm ci --quiet");
  EXPECT_EQ(s->after,
            "RUN --network=none --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci --quiet");
  EXPECT_TRUE(contains(s->text, "(Dockerfile line 2)"));  // the ARG to remove
}

TEST(RemediationTest, AValueWrittenIntoARunCommandMovesToASecret) {
  Image img = image_with({"/bin/sh -c curl -H 'Authorization: " + kNpmToken + "' https://x"});
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  fs[0].locations = {config_at(img, 0)};
  run(fs, {img});
  const RemediationStep* s = step_of(fs[0], "build-secret");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->after,
            "RUN --mount=type=secret,id=npm_access_token,env=NPM_ACCESS_TOKEN curl -H "
            "'Authorization: ${NPM_ACCESS_TOKEN}' https://x");
}

// ---- ENV ---------------------------------------------------------------------------------------

TEST(RemediationTest, AnEnvValueIsInjectedAtRunTime) {
  Image img = image_with({"ENV STRIPE_API_KEY=" + kStripeKey});
  img.config_strings.push_back({"config.Env[0]", "STRIPE_API_KEY=" + kStripeKey, {}});
  std::vector<Finding> fs = {finding("stripe.live-secret-key", kStripeKey)};
  Location env = config_at(img, 0);
  env.history_step.reset();
  env.config_location = "config.Env[0]";
  fs[0].locations = {env};
  run(fs, {img});
  const RemediationStep* s = step_of(fs[0], "runtime-env");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->before, "ENV STRIPE_API_KEY=…");
  EXPECT_TRUE(s->after.empty());
  EXPECT_EQ(s->command, "docker run -e STRIPE_API_KEY app:1");
}

TEST(RemediationTest, OtherEnvPairsStayAndABuildUseGetsASecretMount) {
  auto df = parse_dockerfile("FROM b\nENV MODE=prod STRIPE_API_KEY=" + kStripeKey +
                             "\nRUN ./migrate --key \"$STRIPE_API_KEY\"\n");
  ASSERT_TRUE(df);
  Image img = image_with({"b", "ENV MODE=prod STRIPE_API_KEY=" + kStripeKey,
                          "RUN /bin/sh -c ./migrate --key \"$STRIPE_API_KEY\" # buildkit"});
  std::vector<Finding> fs = {finding("stripe.live-secret-key", kStripeKey)};
  fs[0].locations = {config_at(img, 1)};
  run(fs, {img}, &*df);
  const RemediationStep* s = step_of(fs[0], "runtime-env");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->after,
            "ENV MODE=prod\nRUN --mount=type=secret,id=stripe_api_key,env=STRIPE_API_KEY "
            "./migrate --key \"$STRIPE_API_KEY\"");
  EXPECT_EQ(fs[0].locations[0].dockerfile_line, 2);
}

TEST(RemediationTest, TheRecordedEnvLineShowsNoValueAtAll) {
  std::string password = std::string("Zq8wX2") + std::string(14, 'p');  // found by no rule
  Image img =
      image_with({"ENV MODE=prod DB_PASSWORD=" + password + " STRIPE_API_KEY=" + kStripeKey});
  std::vector<Finding> fs = {finding("stripe.live-secret-key", kStripeKey)};
  fs[0].locations = {config_at(img, 0)};
  run(fs, {img});
  const RemediationStep* s = step_of(fs[0], "runtime-env");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->before, "ENV MODE=… DB_PASSWORD=… STRIPE_API_KEY=…");
  EXPECT_FALSE(leaks(all_fields(fs[0]), password)) << all_fields(fs[0]);
}

TEST(RemediationTest, TheRewrittenEnvLineHidesCredentialLikeValues) {
  std::string password = std::string("Zq8wX2") + std::string(14, 'p');
  Image img =
      image_with({"ENV MODE=prod DB_PASSWORD=" + password + " STRIPE_API_KEY=" + kStripeKey});
  std::vector<Finding> fs = {finding("stripe.live-secret-key", kStripeKey)};
  fs[0].locations = {config_at(img, 0)};
  run(fs, {img});
  const RemediationStep* s = step_of(fs[0], "runtime-env");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->after, "ENV MODE=prod DB_PASSWORD=…");
}

// ---- files from the build context ---------------------------------------------------------------

TEST(RemediationTest, ACopiedDotenvGetsDockerignoreLines) {
  Image img = image_with({"WORKDIR /app", "COPY .env . # buildkit"});
  std::vector<Finding> fs = {secret_file("file.dotenv", "app/.env")};
  fs[0].locations = {file_at(img, 1, 1, "app/.env")};
  run(fs, {img});
  const RemediationStep* s = step_of(fs[0], "dockerignore");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->lines, (std::vector<std::string>{".env", "**/.env"}));
  EXPECT_EQ(s->before, "COPY .env .");  // BuildKit's marker is no part of the instruction
  EXPECT_TRUE(contains(s->text, "Delete this COPY"));
}

TEST(RemediationTest, DockerignoreLinesAreCappedAndCounted) {
  Image img = image_with({"WORKDIR /app", "COPY . . # buildkit"});
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  for (int i = 0; i < 200; ++i) {
    fs[0].locations.push_back(file_at(img, 1, 1, "app/d" + std::to_string(i) + "/.npmrc"));
    fs[0].locations.push_back(file_at(img, 1, 1, "app/d" + std::to_string(i) + "/.npmrc"));
  }
  run(fs, {img});
  const RemediationStep* s = step_of(fs[0], "dockerignore");
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->lines.size(), 21u);
  EXPECT_EQ(s->lines[0], "d0/.npmrc");
  EXPECT_EQ(s->lines[1], "**/.npmrc");
  EXPECT_EQ(s->lines.back(), "# … and 181 more");  // 201 distinct lines, 20 shown
}

TEST(RemediationTest, ABroadCopyGetsAnExplicitCopy) {
  auto df = parse_dockerfile("FROM b\nWORKDIR /app\nCOPY . .\n");
  ASSERT_TRUE(df);
  Image img = image_with({"b", "WORKDIR /app", "COPY . . # buildkit"});
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  fs[0].locations = {file_at(img, 2, 1, "app/config/.npmrc")};
  run(fs, {img}, &*df);
  const RemediationStep* s = step_of(fs[0], "dockerignore");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->lines, (std::vector<std::string>{"config/.npmrc", "**/.npmrc"}));
  EXPECT_TRUE(s->after.starts_with("COPY <only what the app needs"));
  EXPECT_TRUE(s->after.ends_with(" /app/"));
  EXPECT_EQ(fs[0].locations[0].dockerfile_line, 3);
}

TEST(RemediationTest, ClassicCopyHistoryNamesNoSourceButTheFileName) {
  Image img =
      image_with({"/bin/sh -c #(nop) COPY file:" + std::string(64, 'a') + " in /app/id_rsa "});
  std::vector<Finding> fs = {secret_file("file.ssh-private-key", "app/id_rsa")};
  fs[0].locations = {file_at(img, 0, 0, "app/id_rsa")};
  run(fs, {img});
  const RemediationStep* s = step_of(fs[0], "dockerignore");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->lines, (std::vector<std::string>{"**/id_rsa"}));
  EXPECT_EQ(s->before, "COPY file:aaaaaaaaaaaa… in /app/id_rsa");
  EXPECT_TRUE(contains(s->text, "does not record COPY --from"));
  EXPECT_TRUE(contains(s->text, "--mount=type=ssh"));
}

// ---- deleted files
// -------------------------------------------------------------------------------

TEST(RemediationTest, ADeletedFileExplainsWhyItIsStillThere) {
  Image img = image_with({"COPY id_rsa /root/.ssh/id_rsa # buildkit", "RUN /bin/sh -c rm -f x"});
  img.layers.resize(2);
  img.layers[1].history_first = 1;
  img.layers[1].history_last = 1;
  std::vector<Finding> fs = {secret_file("file.ssh-private-key", "root/.ssh/id_rsa")};
  fs[0].locations = {file_at(img, 0, 0, "root/.ssh/id_rsa", Fate{FateKind::kDeleted, 1})};
  run(fs, {img});
  ASSERT_FALSE(fs[0].remediation.empty());
  const RemediationStep& first = fs[0].remediation.front();
  EXPECT_EQ(first.kind, "deleted-file");
  EXPECT_TRUE(contains(first.text, "deleted in layer 1 by history step 1 (`rm -f x`)"));
  EXPECT_TRUE(contains(first.text, "layer 0 still holds it"));
  EXPECT_NE(step_of(fs[0], "dockerignore"), nullptr);  // then the fix
}

TEST(RemediationTest, APresentFileHasNoDeletionStep) {
  Image img = image_with({"COPY .env . # buildkit"});
  std::vector<Finding> fs = {secret_file("file.dotenv", ".env")};
  fs[0].locations = {file_at(img, 0, 0, ".env")};
  run(fs, {img});
  EXPECT_EQ(step_of(fs[0], "deleted-file"), nullptr);
}

// ---- COPY --from
// ---------------------------------------------------------------------------------

constexpr const char* kMultiStage =
    "FROM base AS builder\n"                           // 1
    "ARG T\n"                                          // 2
    "WORKDIR /src\n"                                   // 3
    "RUN echo \"${T}\" > .npmrc && make\n"             // 4
    "FROM base\n"                                      // 5
    "COPY --from=builder /src /app\n"                  // 6
    "COPY --from=builder /src/.npmrc /home/.npmrc\n";  // 7

TEST(RemediationTest, ABroadCopyFromABuilderIsNarrowed) {
  auto df = parse_dockerfile(kMultiStage);
  ASSERT_TRUE(df);
  Image img = image_with({"base", "/bin/sh -c #(nop) COPY dir:abc in /app ",
                          "/bin/sh -c #(nop) COPY file:def in /home/.npmrc "});
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  fs[0].locations = {file_at(img, 1, 1, "app/.npmrc")};
  run(fs, {img}, &*df);
  const RemediationStep* s = step_of(fs[0], "copy-from");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->before, "COPY --from=builder /src /app");
  EXPECT_TRUE(s->after.starts_with(
      "COPY --from=builder /src/<only the build output the app needs> /app/\n"));
  EXPECT_TRUE(s->after.ends_with("RUN --mount=type=secret,id=npmrc,target=/src/.npmrc make"));
  EXPECT_TRUE(contains(s->text, "copies /src/.npmrc from stage builder"));
  EXPECT_TRUE(contains(s->text, "remove `ARG T` (line 2)"));
  EXPECT_EQ(step_of(fs[0], "dockerignore"), nullptr);
}

TEST(RemediationTest, ACopyFromNamingTheFileIsToBeDeleted) {
  auto df = parse_dockerfile(kMultiStage);
  ASSERT_TRUE(df);
  Image img = image_with({"base", "/bin/sh -c #(nop) COPY dir:abc in /app ",
                          "/bin/sh -c #(nop) COPY file:def in /home/.npmrc "});
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  fs[0].locations = {file_at(img, 2, 2, "home/.npmrc")};
  run(fs, {img}, &*df);
  const RemediationStep* s = step_of(fs[0], "copy-from");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(contains(s->text, "Delete this COPY"));
  EXPECT_EQ(s->after, "RUN --mount=type=secret,id=npmrc,target=/src/.npmrc make");
  EXPECT_EQ(fs[0].locations[0].dockerfile_line, 7);
}

// ---- rotation, redaction, suppression
// --------------------------------------------------------------

TEST(RemediationTest, RotationComesLastAndNamesTheProvider) {
  RuleSet rules = npm_rules();
  Image img = image_with({"ARG NPM_TOKEN", "|1 NPM_TOKEN=" + kNpmToken + " /bin/sh -c npm ci"});
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  fs[0].locations = {config_at(img, 1, "NPM_TOKEN")};
  run(fs, {img}, nullptr, &rules);
  ASSERT_GE(fs[0].remediation.size(), 2u);
  const RemediationStep& last = fs[0].remediation.back();
  EXPECT_EQ(last.kind, "rotate");
  EXPECT_TRUE(contains(last.text, "at npm"));
}

TEST(RemediationTest, ProviderNamesComeFromCategoriesSpelledAsTheRuleNameDoes) {
  RuleSet rules = npm_rules();
  EXPECT_EQ(provider_name(finding("github.token", "x"), &rules), "GitHub");
  EXPECT_EQ(provider_name(finding("npm.access-token", "x"), &rules), "npm");
  Finding aws = finding("aws.access-key-id", "x");
  aws.rule_name = "AWS access key ID";
  EXPECT_EQ(provider_name(aws, nullptr), "AWS");
  EXPECT_EQ(provider_name(finding("generic.password", "x"), nullptr), "");
}

TEST(RemediationTest, ACategoryIsTheProviderOnlyWhenTheRuleIdStartsWithIt) {
  RuleSet rules;
  Rule r;
  r.id = "generic.weak-password";
  r.name = "weak password";
  r.categories = {"weak", "react"};
  rules.rules.push_back(r);
  EXPECT_EQ(provider_name(finding("generic.weak-password", "x"), &rules), "");
}

TEST(RemediationTest, AFindingWithOnlyALocationGetsRotation) {
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  Location l;
  l.kind = LocationKind::kAttestation;
  fs[0].locations = {l};
  run(fs, {});
  ASSERT_EQ(fs[0].remediation.size(), 1u);
  EXPECT_EQ(fs[0].remediation[0].kind, "rotate");
}

TEST(RemediationTest, NoFieldEverHoldsASecretValue) {
  Image img = image_with(
      {"ENV STRIPE_API_KEY=" + kStripeKey,
       "|1 NPM_TOKEN=" + kNpmToken + " /bin/sh -c echo " + kStripeKey + " > /a && npm ci"});
  std::vector<Finding> fs = {finding("stripe.live-secret-key", kStripeKey),
                             finding("npm.access-token", kNpmToken)};
  fs[0].locations = {config_at(img, 0), config_at(img, 1), file_at(img, 1, 0, "a")};
  fs[1].locations = {config_at(img, 1, "NPM_TOKEN")};
  run(fs, {img});
  for (const Finding& f : fs) {
    ASSERT_FALSE(f.remediation.empty());
    std::string all = all_fields(f);
    EXPECT_FALSE(leaks(all, kStripeKey)) << all;
    EXPECT_FALSE(leaks(all, kNpmToken)) << all;
  }
}

// The deleting step's command is shortened for the sentence; a token crossing byte 120 must not
// come out in part.
TEST(RemediationTest, ADeletingCommandCutAcrossASecretShowsNoPartOfIt) {
  std::string token = github_token('t');
  std::string command = "rm -f /app/key && " + std::string(78, 'x') + " " + token + " && true";
  ASSERT_EQ(command.find(token), 97u);
  Image img = image_with({"COPY key /app/key # buildkit", "RUN /bin/sh -c " + command});
  img.layers.resize(2);
  for (int i : {0, 1}) {
    img.layers[i].index = i;
    img.layers[i].history_first = i;
    img.layers[i].history_last = i;
  }
  std::vector<Finding> fs = {finding("github.token", token)};
  fs[0].locations = {file_at(img, 0, 0, "app/key", Fate{FateKind::kDeleted, 1})};
  run(fs, {img});
  const RemediationStep* s = step_of(fs[0], "deleted-file");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(contains(s->text, "rm -f /app/key")) << s->text;
  EXPECT_FALSE(leaks(all_fields(fs[0]), token)) << all_fields(fs[0]);
}

TEST(RemediationTest, ManySecretsInOneHugeRunStayBoundedAndHidden) {
  std::string command = "setup";
  std::vector<std::string> tokens;
  for (int i = 0; i < 40; ++i) {
    tokens.push_back(std::string("gh") + "p_" + std::string(30, 'A' + i % 26) +
                     std::to_string(1000 + i) + "zz");
    command += " && login " + tokens.back() + " " + std::string(20000, 'x');
  }
  Image img = image_with({"RUN /bin/sh -c " + command});
  std::vector<Finding> fs;
  for (const std::string& t : tokens) {
    fs.push_back(finding("github.token", t));
    fs.back().locations = {config_at(img, 0)};
  }
  run(fs, {img});
  for (const Finding& f : fs) {
    for (const RemediationStep& r : f.remediation) {
      for (const std::string* field : {&r.text, &r.before, &r.after, &r.command}) {
        EXPECT_LE(field->size(), 4096u + 3);
      }
    }
    std::string all = all_fields(f);
    for (const std::string& t : tokens) EXPECT_FALSE(leaks(all, t));
  }
  EXPECT_NE(step_of(fs[0], "build-secret"), nullptr);
}

TEST(RemediationTest, FieldsAreBounded) {
  std::string long_command = "make " + std::string(20000, 'x') + " $NPM_TOKEN";
  Image img = image_with({"|1 NPM_TOKEN=" + kNpmToken + " /bin/sh -c " + long_command});
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  fs[0].locations = {config_at(img, 0, "NPM_TOKEN")};
  run(fs, {img});
  const RemediationStep* s = step_of(fs[0], "build-secret");
  ASSERT_NE(s, nullptr);
  EXPECT_LE(s->after.size(), 4096u + 3);
  EXPECT_TRUE(s->after.ends_with("…"));
}

TEST(RemediationTest, LocationsThatPointNowhereAreHarmless) {
  Image img = image_with({"", "RUN", "|9999999 A", "/bin/sh -c #(nop) ", "COPY"});
  img.layers.resize(1);
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  for (int step : {0, 1, 2, 3, 4}) {
    fs[0].locations.push_back(config_at(img, step, "A"));
    fs[0].locations.push_back(file_at(img, step, step, "", Fate{FateKind::kDeleted, 99}));
  }
  Location stray = config_at(img, 4);
  stray.history_step = 1000;  // beyond the history
  stray.created_by = "";
  fs[0].locations.push_back(stray);
  auto df = parse_dockerfile("FROM a\nCOPY\nRUN\n");
  ASSERT_TRUE(df);
  run(fs, {img}, &*df);
  ASSERT_FALSE(fs[0].remediation.empty());
  EXPECT_EQ(fs[0].remediation.back().kind, "rotate");
}

TEST(RemediationTest, SuppressedFindingsGetNoRemediation) {
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  fs[0].suppression = Suppression{"known-public", "test key"};
  run(fs, {});
  EXPECT_TRUE(fs[0].remediation.empty());
}

TEST(RemediationTest, ASquashedRangeGetsNoDockerfileLine) {
  auto df = parse_dockerfile("FROM b\nWORKDIR /app\nCOPY .env .\n");
  ASSERT_TRUE(df);
  Image img =
      image_with({"b", "/bin/sh -c #(nop) WORKDIR /app", "/bin/sh -c #(nop) COPY file:a in . "});
  std::vector<Finding> fs = {secret_file("file.dotenv", "app/.env")};
  Location l = file_at(img, 1, 0, "app/.env");
  l.history_last = 2;
  fs[0].locations = {l};
  run(fs, {img}, &*df);
  EXPECT_EQ(fs[0].locations[0].dockerfile_line, 0);
}

TEST(RemediationTest, AnUnmappedImageGetsNoDockerfileLines) {
  auto df = parse_dockerfile("FROM b\nRUN something else\n");
  ASSERT_TRUE(df);
  Image img = image_with({"ARG NPM_TOKEN", "|1 NPM_TOKEN=" + kNpmToken + " /bin/sh -c npm ci"});
  std::vector<Finding> fs = {finding("npm.access-token", kNpmToken)};
  fs[0].locations = {config_at(img, 1, "NPM_TOKEN")};
  run(fs, {img}, &*df);
  EXPECT_EQ(fs[0].locations[0].dockerfile_line, 0);
  const RemediationStep* s = step_of(fs[0], "build-secret");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->before, "|1 NPM_TOKEN=… /bin/sh -c npm ci");  // from history, not the Dockerfile
}

}  // namespace
}  // namespace strata
