#include "strata/image/image_config.hpp"

#include <charconv>

#include "json_strings.hpp"

namespace strata {
namespace {

using json = nlohmann::json;

// Reads an optional string member; a member of another type (other than null) is an error.
Status read_string(const json& obj, const char* key, const std::string& where, std::string& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) return fail(where + "." + key + ": not a string");
  out = it->get<std::string>();
  return {};
}

Result<HistoryEntry> parse_history_entry(const json& item, const std::string& where) {
  if (!item.is_object()) return fail(where + ": not an object");
  HistoryEntry entry;
  for (auto [key, field] :
       {std::pair{"created", &entry.created}, std::pair{"created_by", &entry.created_by},
        std::pair{"comment", &entry.comment}, std::pair{"author", &entry.author}}) {
    if (auto s = read_string(item, key, where, *field); !s) return fail(s.error());
  }
  if (auto it = item.find("empty_layer"); it != item.end() && !it->is_null()) {
    if (!it->is_boolean()) return fail(where + ".empty_layer: not a boolean");
    entry.empty_layer = it->get<bool>();
  }
  return entry;
}

// "history[12].created_by" -> 12.
std::optional<int> history_index(const std::string& location) {
  constexpr std::string_view kHistory = "history[";
  if (!location.starts_with(kHistory)) return std::nullopt;
  const char* begin = location.data() + kHistory.size();
  const char* end = location.data() + location.size();
  int n = 0;
  auto [ptr, ec] = std::from_chars(begin, end, n);
  if (ec != std::errc() || ptr == end || *ptr != ']') return std::nullopt;
  return n;
}

}  // namespace

Result<ImageConfig> parse_image_config(std::string_view json_text) {
  auto parsed = image_detail::parse_json(json_text);
  if (!parsed) return fail(parsed.error());
  const json& doc = *parsed;
  if (!doc.is_object()) return fail("image config: not a JSON object");

  ImageConfig cfg;
  if (auto s = read_string(doc, "os", "image config", cfg.platform.os); !s) return fail(s.error());
  if (auto s = read_string(doc, "architecture", "image config", cfg.platform.architecture); !s) {
    return fail(s.error());
  }
  if (auto s = read_string(doc, "variant", "image config", cfg.platform.variant); !s) {
    return fail(s.error());
  }

  if (auto it = doc.find("history"); it != doc.end() && !it->is_null()) {
    if (!it->is_array()) return fail("history: not an array");
    for (size_t i = 0; i < it->size(); ++i) {
      auto entry = parse_history_entry((*it)[i], "history[" + std::to_string(i) + "]");
      if (!entry) return fail(entry.error());
      cfg.history.push_back(std::move(*entry));
    }
  }

  if (auto rootfs = doc.find("rootfs"); rootfs != doc.end() && rootfs->is_object()) {
    if (auto ids = rootfs->find("diff_ids"); ids != rootfs->end() && !ids->is_null()) {
      if (!ids->is_array()) return fail("rootfs.diff_ids: not an array");
      for (size_t i = 0; i < ids->size(); ++i) {
        std::string where = "rootfs.diff_ids[" + std::to_string(i) + "]";
        const json& id = (*ids)[i];
        if (!id.is_string()) return fail(where + ": not a string");
        auto digest = Digest::parse(id.get_ref<const std::string&>());
        if (!digest) return fail(digest.error().with_context(where));
        cfg.diff_ids.push_back(std::move(*digest));
      }
    }
  }

  image_detail::collect_strings(doc, "", cfg.strings);
  for (ConfigString& s : cfg.strings) s.history_step = history_index(s.location);
  return cfg;
}

}  // namespace strata
