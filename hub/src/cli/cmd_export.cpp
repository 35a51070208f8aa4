// `connecthub export` (issue 19): a participant's records, decrypted, as JSON and as a printable
// HTML page in the parent's language. Audited. Nothing printed holds message text, PINs or phone
// numbers: only the paths written and counts.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/open_store.h"
#include "clock.h"
#include "inbox/inbox_json.h"
#include "locales/catalog.h"
#include "log.h"
#include "sms/twiml.h"
#include "storage/store.h"

namespace connecthub::hub::cli {
namespace {

namespace json = boost::json;

// Participant ids become part of file names: letters, digits, '.', '_', '-' only, not starting
// with '.'.
bool ValidParticipantId(const std::string& id) {
  if (id.empty() || id.size() > 64 || id[0] == '.') return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

bool HasPhone(const storage::ThreadRecord& t) { return t.channel != storage::Channel::kWeb; }

// --- JSON ---

std::string ExportJson(const storage::ParticipantExport& e, int64_t now_ms) {
  json::object root;
  root["format"] = "connecthub-export-1";
  root["exported_at"] = IsoTime(now_ms);
  root["participant"] = json::object{{"participant_id", e.participant_id},
                                     {"first_name", e.first_name},
                                     {"last_name", e.last_name},
                                     {"lang", e.lang}};
  json::array threads;
  for (const auto& t : e.threads) {
    json::object o;
    o["id"] = t.thread.id;
    o["channel"] = storage::ChannelName(t.thread.channel);
    if (HasPhone(t.thread)) o["phone"] = t.thread.phone;
    if (t.thread.channel == storage::Channel::kSms) o["opted_out"] = t.thread.opted_out;
    o["lang"] = t.thread.lang;
    o["state"] = storage::ThreadStateName(t.thread.state);
    o["created_at"] = IsoTime(t.thread.created_ms);
    o["last_message_at"] = t.thread.last_message_ms > 0
                               ? json::value(IsoTime(t.thread.last_message_ms))
                               : json::value(nullptr);
    // As the inbox shows them: notes included, media by type and index (never the provider's
    // URL).
    json::array messages;
    for (const auto& m : t.messages) messages.push_back(inbox::MessageJson(m));
    o["messages"] = std::move(messages);
    json::array audit;
    for (const auto& a : t.audit) audit.push_back(inbox::AuditJson(a));
    o["audit"] = std::move(audit);
    threads.push_back(std::move(o));
  }
  root["threads"] = std::move(threads);
  return json::serialize(root) + "\n";
}

// --- HTML ---

using sms::XmlEscape;  // & < > " ' as entities: also right for HTML text and attributes

// The page's strings, escaped (their arguments may hold what people typed).
class Page {
 public:
  Page(const locales::Catalog& catalog, std::string lang,
       std::map<int64_t, std::string> display_names)
      : catalog_(catalog), lang_(std::move(lang)), display_names_(std::move(display_names)) {}

  std::string T(std::string_view key, const locales::Args& args = {}) const {
    return XmlEscape(catalog_.Format(lang_, key, args));
  }
  // An instant as a catalog argument (in the agency's zone), and as page text.
  static locales::DateTime At(int64_t ms,
                              locales::DateTimeStyle style = locales::DateTimeStyle::kDateTime) {
    return {std::chrono::sys_seconds(std::chrono::seconds(ms / 1000)), style};
  }
  std::string When(int64_t ms) const { return XmlEscape(catalog_.FormatDateTime(lang_, At(ms))); }
  // Parents see a caseworker's display name, never the login name.
  std::string Caseworker(int64_t id) const {
    auto it = display_names_.find(id);
    return it == display_names_.end() || it->second.empty()
               ? T("export.from.caseworker")
               : T("export.from.caseworker_named", {{"name", it->second}});
  }
  std::string From(const storage::MessageRecord& m) const {
    switch (m.sender) {
      case storage::Sender::kParticipant:
        return T("export.from.participant");
      case storage::Sender::kBot:
        return T("export.from.bot");
      case storage::Sender::kSystem:
        return T("export.from.system");
      case storage::Sender::kNote:
        return T("export.from.note");
      case storage::Sender::kCaseworker:
        return Caseworker(m.caseworker_id.value_or(0));
    }
    return {};
  }
  std::string Who(const storage::AuditRecord& a) const {
    if (a.caseworker_id == 0) return T("export.audit.system");
    return display_names_.contains(a.caseworker_id) ? Caseworker(a.caseworker_id)
                                                    : T("export.audit.staff");
  }
  const std::string& lang() const { return lang_; }

 private:
  const locales::Catalog& catalog_;
  std::string lang_;
  std::map<int64_t, std::string> display_names_;
};

constexpr const char* kStyle =
    "body{font-family:Georgia,'Times New Roman',serif;font-size:12pt;line-height:1.4;"
    "color:#000;background:#fff;margin:2em auto;max-width:50em;padding:0 1em}\n"
    "h1{font-size:18pt;margin:0 0 .3em}h2{font-size:14pt;margin:1.5em 0 .3em;"
    "border-bottom:1px solid #000}h3{font-size:12pt;margin:1em 0 .3em}\n"
    "table{border-collapse:collapse;width:100%;margin:.5em 0}\n"
    "th,td{border:1px solid #555;padding:.25em .4em;text-align:left;vertical-align:top}\n"
    "th{background:#eee}td.text{white-space:pre-wrap;overflow-wrap:anywhere}\n"
    "tr.note td{font-style:italic;background:#f6f6f6}p.media{margin:.2em 0 0;font-size:10pt}\n"
    "@media print{body{margin:0;max-width:none;font-size:11pt}section{break-before:page}"
    "section:first-of-type{break-before:auto}tr{break-inside:avoid}h2,h3{break-after:avoid}"
    "th,tr.note td{background:none}}\n";

std::string ThreadTitle(const Page& page, const storage::ThreadRecord& t) {
  std::string id = std::to_string(t.id);
  switch (t.channel) {
    case storage::Channel::kWeb:
      return page.T("export.thread.web", {{"id", id}});
    case storage::Channel::kSms:
      return page.T("export.thread.sms", {{"id", id}, {"phone", t.phone}});
    case storage::Channel::kVoice:
      return page.T("export.thread.voice", {{"id", id}, {"phone", t.phone}});
  }
  return {};
}

std::string MessagesTable(const Page& page, const std::vector<storage::MessageRecord>& messages) {
  bool delivery = false;
  for (const auto& m : messages) delivery = delivery || !m.delivery.empty();
  std::string h = "<table>\n<thead><tr><th>" + page.T("export.col.time") + "</th><th>" +
                  page.T("export.col.from") + "</th><th>" + page.T("export.col.message") + "</th>";
  if (delivery) h += "<th>" + page.T("export.col.status") + "</th>";
  h += "</tr></thead>\n<tbody>\n";
  for (const auto& m : messages) {
    h += m.sender == storage::Sender::kNote ? "<tr class=\"note\">" : "<tr>";
    h += "<td>" + page.When(m.at_ms) + "</td><td>" + page.From(m) + "</td><td class=\"text\">" +
         XmlEscape(m.body);
    for (size_t i = 0; i < m.media.size(); ++i) {
      h += "<p class=\"media\">" +
           page.T("export.media",
                  {{"number", static_cast<int64_t>(i + 1)}, {"type", m.media[i].content_type}}) +
           "</p>";
    }
    h += "</td>";
    if (delivery) {
      h += "<td>" +
           (m.delivery.empty() ? std::string()
                               : page.T("export.delivery", {{"status", m.delivery}})) +
           "</td>";
    }
    h += "</tr>\n";
  }
  return h + "</tbody>\n</table>\n";
}

std::string AuditTable(const Page& page, const std::vector<storage::AuditRecord>& audit) {
  std::string h = "<table>\n<thead><tr><th>" + page.T("export.col.time") + "</th><th>" +
                  page.T("export.col.who") + "</th><th>" + page.T("export.col.action") +
                  "</th></tr></thead>\n<tbody>\n";
  for (const auto& a : audit) {
    h += "<tr><td>" + page.When(a.at_ms) + "</td><td>" + page.Who(a) + "</td><td>" +
         page.T("export.audit.action", {{"action", a.action}}) + "</td></tr>\n";
  }
  return h + "</tbody>\n</table>\n";
}

// Self-contained and inert: inline CSS only, no scripts (the policy forbids any), every text
// escaped.
std::string ExportHtml(const storage::ParticipantExport& e, const Page& page, int64_t now_ms) {
  std::string name = e.first_name + (e.last_name.empty() ? "" : " " + e.last_name);
  std::string title = page.T("export.title", {{"name", name}});
  std::string h = "<!DOCTYPE html>\n<html lang=\"" + page.lang() + "\">\n<head>\n";
  h += "<meta charset=\"utf-8\">\n";
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
       "'unsafe-inline'\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>" + title + "</title>\n<style>\n" + kStyle + "</style>\n</head>\n<body>\n";
  h += "<h1>" + title + "</h1>\n";
  h += "<p>" +
       page.T("export.intro", {{"id", e.participant_id},
                               {"date", Page::At(now_ms, locales::DateTimeStyle::kFullDate)}}) +
       "</p>\n";
  if (e.threads.empty()) h += "<p>" + page.T("export.none") + "</p>\n";
  for (const auto& t : e.threads) {
    h += "<section>\n<h2>" + ThreadTitle(page, t.thread) + "</h2>\n";
    h += "<p>" + page.T("export.thread.started", {{"date", Page::At(t.thread.created_ms)}}) +
         "</p>\n";
    h += t.messages.empty() ? "<p>" + page.T("export.thread.empty") + "</p>\n"
                            : MessagesTable(page, t.messages);
    h += "<h3>" + page.T("export.audit.title") + "</h3>\n";
    h += t.audit.empty() ? "<p>" + page.T("export.audit.empty") + "</p>\n"
                         : AuditTable(page, t.audit);
    h += "</section>\n";
  }
  return h + "</body>\n</html>\n";
}

// --- files ---

// Writes a new file, owner-only; fails when it exists (never overwrites).
bool WriteNewFile(const std::string& path, const std::string& data, std::string* error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    *error = errno == EEXIST ? path + " already exists; nothing was overwritten"
                             : "cannot create " + path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = ::fchmod(fd, 0600) == 0;
  size_t done = 0;
  while (ok && done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (ok) ok = ::fsync(fd) == 0;
  if (::close(fd) != 0) ok = false;
  if (!ok) {
    *error = "cannot write " + path + ": " + std::strerror(errno);
    ::unlink(path.c_str());
  }
  return ok;
}

int Fail(const std::string& message, int code = 1) {
  std::cerr << "connecthub export: " << message << "\n";
  return code;
}

int RunExport(const Options& options) {
  std::string participant = options.Get("participant");
  if (participant.empty()) return Fail("--participant ID is required", 2);
  if (!ValidParticipantId(participant)) {
    return Fail("--participant must be a participant id (letters, digits, '.', '_', '-')", 2);
  }
  std::string dir = options.Get("out", ".");
  if (dir.empty()) return Fail("--out needs a directory", 2);
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  std::string base = dir + "/participant-" + participant;
  std::string json_path = base + ".json";
  std::string html_path = base + ".html";

  std::string error;
  auto catalog = locales::Catalog::Create({}, &error);
  if (!catalog) return Fail("cannot load the message catalog: " + error);
  auto store = OpenStore(options, "export");
  if (!store) return 1;
  auto records = store->ExportParticipant(participant);
  if (!records.ok()) {
    if (records.status().code() == storage::Code::kNotFound) {
      return Fail("no participant " + participant + "; nothing written");
    }
    return Fail(records.status().message());
  }
  auto caseworkers = store->ListCaseworkers();
  if (!caseworkers.ok()) return Fail(caseworkers.status().message());
  std::map<int64_t, std::string> display_names;
  for (const auto& c : *caseworkers) display_names[c.id] = c.display_name;

  // Refused before anything is written: an existing file is never replaced.
  for (const auto* path : {&json_path, &html_path}) {
    struct stat st {};
    if (::lstat(path->c_str(), &st) == 0) {
      return Fail(*path + " already exists; nothing was overwritten");
    }
  }
  bool created_dir = false;
  if (::mkdir(dir.c_str(), 0700) == 0) {
    created_dir = true;
  } else if (errno != EEXIST) {
    return Fail("cannot create directory " + dir + ": " + std::strerror(errno));
  } else if (struct stat st{}; ::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Fail(dir + " is not a directory");
  }
  // Audited before anything is written, so no export exists without its audit rows, even when
  // the process dies half-way: one "export" row per thread (caseworker 0, the operator, as for
  // purge), or "export participant=ID" on thread 0 when the participant has none.
  int64_t now = SystemNowMs();
  std::vector<int64_t> thread_ids;
  int64_t messages = 0;
  for (const auto& t : records->threads) {
    thread_ids.push_back(t.thread.id);
    messages += static_cast<int64_t>(t.messages.size());
  }
  auto audited = thread_ids.empty() ? store->Audit(0, 0, "export participant=" + participant, now)
                                    : store->AuditThreads(0, thread_ids, "export", now);
  if (!audited.ok()) {
    if (created_dir) ::rmdir(dir.c_str());
    return Fail("cannot write the audit row; nothing written: " + audited.message());
  }
  Page page(*catalog, records->lang == "es" ? "es" : "en", std::move(display_names));
  if (!WriteNewFile(json_path, ExportJson(*records, now), &error)) {
    if (created_dir) ::rmdir(dir.c_str());
    return Fail(error);
  }
  if (!WriteNewFile(html_path, ExportHtml(*records, page, now), &error)) {
    ::unlink(json_path.c_str());
    if (created_dir) ::rmdir(dir.c_str());
    return Fail(error);
  }
  std::cout << "wrote " << json_path << "\nwrote " << html_path << "\n"
            << records->threads.size() << " threads, " << messages
            << " messages and notes exported (audited)\n";
  return 0;
}

}  // namespace

Command ExportCommand() {
  std::vector<OptionSpec> specs = DatabaseOptionSpecs();
  specs.push_back({.name = "participant", .help = "participant id whose records to export"});
  specs.push_back({.name = "out",
                   .default_value = ".",
                   .help = "directory to write participant-<ID>.json and participant-<ID>.html "
                           "into (created 0700 when absent; files 0600, never overwritten)"});
  return {.name = "export",
          .usage = "connecthub export [--db FILE] [--key-file FILE] --participant ID [--out DIR]",
          .summary =
              "write a participant's conversations, decrypted, as JSON and printable HTML "
              "(audited)",
          .options = specs,
          .run = RunExport};
}

}  // namespace connecthub::hub::cli
