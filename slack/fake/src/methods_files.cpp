// The fake's files methods, to Slack's documented semantics.
#include <algorithm>

#include "state.hpp"

namespace paxstats::slack::fake {

json FakeSlack::Impl::files_getUploadURLExternal([[maybe_unused]] const std::string& method,
                                                 [[maybe_unused]] const Params& p) {
  const std::string filename = param(p, "filename"), length = param(p, "length");
  if (filename.empty() || length.empty()) return fail("invalid_arguments");
  long long n = 0;
  try {
    n = std::stoll(length);
  } catch (...) {
    return fail("invalid_arguments");
  }
  if (n <= 0) return fail("missing_argument");
  if (param(p, "alt_txt").size() > 1000) return fail("alt_txt_too_large");
  File f;
  f.id = next_id('F');
  f.filename = filename;
  f.alt_txt = param(p, "alt_txt");
  f.length = static_cast<size_t>(n);
  files[f.id] = f;
  file_order.push_back(f.id);
  return ok({{"upload_url", upload_base + "/upload/v1/" + f.id}, {"file_id", f.id}});
}

json FakeSlack::Impl::files_completeUploadExternal([[maybe_unused]] const std::string& method,
                                                   [[maybe_unused]] const Params& p) {
  json list = json::parse(param(p, "files"), nullptr, false);
  if (!list.is_array() || list.empty()) return fail("invalid_arguments");
  for (const auto& entry : list) {
    auto it = files.find(entry.value("id", std::string()));
    if (it != files.end()) ++it->second.complete_calls;
  }
  for (const auto& entry : list) {
    auto it = files.find(entry.value("id", std::string()));
    // Once per file: a completed file's ticket is gone.
    if (it == files.end() || !it->second.uploaded || it->second.completed) return fail("file_not_found");
  }
  const std::string channel = param(p, "channel_id");
  Channel* c = nullptr;
  if (!channel.empty()) {
    std::string error;
    c = postable(channel, error);
    if (!c) return fail(error);
  }
  // A reply goes under a message of that channel that is not itself a reply.
  if (const std::string parent_ts = param(p, "thread_ts"); !parent_ts.empty()) {
    if (!c) return fail("invalid_arguments");
    const auto& in_channel = messages[c->id];
    const bool parent = std::any_of(in_channel.begin(), in_channel.end(), [&](const json& m) {
      return m.value("ts", std::string()) == parent_ts &&
             (!m.contains("thread_ts") || m.value("thread_ts", std::string()) == parent_ts);
    });
    if (!parent) return fail("invalid_thread_ts");
  }
  json out_files = json::array();
  json shared = json::array();
  for (const auto& entry : list) {
    File& f = files.at(entry["id"].get<std::string>());
    f.completed = true;
    f.title = entry.value("title", f.filename);
    f.channel_id = c ? c->id : "";
    f.initial_comment = param(p, "initial_comment");
    f.thread_ts = param(p, "thread_ts");
    out_files.push_back(json{{"id", f.id}, {"title", f.title}, {"name", f.filename}});
    shared.push_back(json{{"id", f.id}, {"name", f.filename}, {"title", f.title}});
  }
  if (c) {
    json m = {{"type", "message"},
              {"subtype", "file_share"},
              {"user", options.bot_user_id},
              {"text", param(p, "initial_comment")},
              {"files", shared},
              {"ts", next_ts()}};
    if (!param(p, "thread_ts").empty()) m["thread_ts"] = param(p, "thread_ts");
    for (const auto& entry : list) files.at(entry["id"].get<std::string>()).share_ts = m["ts"];
    store_message(c->id, m);
  }
  return ok({{"files", out_files}});
}

json FakeSlack::Impl::files_info([[maybe_unused]] const std::string& method, [[maybe_unused]] const Params& p) {
  auto it = files.find(param(p, "file"));
  if (it == files.end() || !it->second.completed) return fail("file_not_found");
  const File& f = it->second;
  json file = {{"id", f.id}, {"name", f.filename}, {"title", f.title}, {"size", f.length}, {"alt_txt", f.alt_txt}};
  json channels_list = json::array(), ims = json::array(), shares = json::object();
  if (!f.channel_id.empty()) {
    const Channel& c = channels.at(f.channel_id);
    (c.is_im ? ims : channels_list).push_back(c.id);
    shares[c.is_private || c.is_im ? "private" : "public"][c.id] = json::array({json{{"ts", f.share_ts}}});
  }
  file["channels"] = channels_list;
  file["ims"] = ims;
  file["groups"] = json::array();
  file["shares"] = shares;
  return ok({{"file", file}});
}

json FakeSlack::Impl::files_upload([[maybe_unused]] const std::string& method, [[maybe_unused]] const Params& p) {
  return fail("method_deprecated");
}

}  // namespace paxstats::slack::fake
