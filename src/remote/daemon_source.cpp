#include "daemon_source.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string_view>

#include "daemon_endpoint.hpp"
#include "percent_encode.hpp"
#include "strata/net/http_client.hpp"

namespace strata {
namespace {

constexpr std::string_view kApiVersion = "/v1.41";
constexpr uint64_t kMaxInspectBytes = 16 << 20;

// The daemon's own words for a failure: {"message": "…"} from both Docker and Podman.
std::string daemon_message(const std::string& body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_object() && json.contains("message") && json["message"].is_string()) {
    return json["message"].get<std::string>();
  }
  return body.substr(0, 200);
}

// A socket that is missing or not ours to use is named as such before curl's vaguer words.
Status check_socket(const DaemonEndpoint& endpoint, const std::string& where) {
  if (endpoint.unix_socket.empty()) return {};
  struct stat st {};
  if (::stat(endpoint.unix_socket.c_str(), &st) != 0) {
    return fail("cannot reach " + where + ": the socket does not exist; is it running?");
  }
  if (!S_ISSOCK(st.st_mode)) {
    return fail("cannot reach " + where + ": " + endpoint.unix_socket + " is not a socket");
  }
  if (::access(endpoint.unix_socket.c_str(), R_OK | W_OK) != 0) {
    return fail("cannot reach " + where + ": permission denied on " + endpoint.unix_socket +
                " (run as a user who may use it, e.g. in the docker group)");
  }
  return {};
}

// GET /images/{name}/json: a missing image or an unreachable daemon is told apart here, before
// the export starts, so that neither surfaces as a broken archive.
Status inspect_image(net::HttpClient& http, const DaemonEndpoint& endpoint,
                     const std::string& image_path, const std::string& where) {
  if (auto ok = check_socket(endpoint, where); !ok) return ok;
  net::HttpRequest request;
  request.url = endpoint.base_url + image_path + "/json";
  auto response = http.fetch(request, kMaxInspectBytes);
  if (!response) {
    return fail("cannot reach " + where + ": is it running? (" + response.error().message + ")");
  }
  int status = response->first.status;
  if (status == 200) return {};
  if (status == 404) return fail("no such image in " + where);
  return fail(where + " answered HTTP " + std::to_string(status) + ": " +
              daemon_message(response->second));
}

}  // namespace

Result<std::unique_ptr<ImageSource>> open_daemon_source(DaemonKind kind, const std::string& name,
                                                        const RemoteOptions& options) {
  const std::string source = std::string(daemon_prefix(kind)) + name;
  if (name.empty()) return fail(source + ": no image name after the colon");
  auto endpoint = resolve_daemon_endpoint(kind);
  if (!endpoint) return fail(endpoint.error().with_context(source));
  const std::string where = std::string(daemon_product(kind)) + " at " + endpoint->display;

  net::HttpOptions http_options;
  http_options.unix_socket = endpoint->unix_socket;
  http_options.retries = options.retries;
  http_options.timeout = options.timeout;
  net::HttpClient http(std::move(http_options));
  // The name is one path segment: its '/' escaped, its tag's ':' and digest's '@' kept.
  const std::string image_path = std::string(kApiVersion) + "/images/" + percent_encode(name, ":@");
  if (auto ok = inspect_image(http, *endpoint, image_path, where); !ok) {
    return fail(ok.error().with_context(source));
  }
  net::HttpRequest export_request;
  export_request.url = endpoint->base_url + image_path + "/get";
  auto stream = http.open(export_request);
  if (!stream) {
    return fail(source + ": exporting the image from " + where + ": " + stream.error().message);
  }
  return open_archive_stream(**stream, source, options.source, StreamedArchive::kDockerArchive);
}

}  // namespace strata
