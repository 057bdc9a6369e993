#include "store/store.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <chrono>
#include <ctime>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "initlab/error.hpp"
#include "initlab/excerpt.hpp"
#include "initlab/input_file.hpp"

namespace initlab::lab {
namespace {

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK)
      throw Error(std::string("results database: ") + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement& bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); return *this; }
  Statement& bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); return *this; }
  Statement& bind(int i, const std::string& v) { sqlite3_bind_text(stmt_, i, v.c_str(), -1, SQLITE_TRANSIENT); return *this; }
  Statement& bind(int i, const std::optional<double>& v) {
    if (v) sqlite3_bind_double(stmt_, i, *v); else sqlite3_bind_null(stmt_, i);
    return *this;
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw Error(std::string("results database: ") + sqlite3_errmsg(db_));
  }
  std::int64_t integer(int c) const { return sqlite3_column_int64(stmt_, c); }
  double real(int c) const { return sqlite3_column_double(stmt_, c); }
  std::optional<double> maybe(int c) const {
    if (sqlite3_column_type(stmt_, c) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_double(stmt_, c);
  }
  std::string text(int c) const {
    const auto* t = sqlite3_column_text(stmt_, c);
    return t ? reinterpret_cast<const char*>(t) : "";
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS experiments(
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, config TEXT NOT NULL,
  command TEXT NOT NULL, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs(
  id INTEGER PRIMARY KEY, experiment_id INTEGER NOT NULL REFERENCES experiments(id), init TEXT NOT NULL,
  seed INTEGER NOT NULL, spec TEXT NOT NULL, status TEXT NOT NULL, diverged_epoch INTEGER NOT NULL DEFAULT 0,
  versions TEXT NOT NULL, command TEXT NOT NULL, error TEXT NOT NULL DEFAULT '', started TEXT NOT NULL, finished TEXT,
  owner TEXT NOT NULL DEFAULT '', heartbeat TEXT,
  UNIQUE(experiment_id, init, seed));
CREATE TABLE IF NOT EXISTS epochs(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, epoch INTEGER NOT NULL,
  train_loss REAL, train_acc REAL, val_loss REAL, val_acc REAL, test_loss REAL, test_acc REAL,
  seconds REAL, grad_norm REAL, PRIMARY KEY(run_id, epoch));
CREATE TABLE IF NOT EXISTS layer_stats(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, step INTEGER NOT NULL, epoch INTEGER NOT NULL,
  layer TEXT NOT NULL, weight_mean REAL, weight_std REAL, weight_norm REAL, act_mean REAL, act_std REAL, dead REAL,
  saturated REAL, grad_std REAL, grad_norm REAL, update_ratio REAL, grad_pre_std REAL, PRIMARY KEY(run_id, step, layer));
CREATE TABLE IF NOT EXISTS histograms(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, layer TEXT NOT NULL, stage TEXT NOT NULL,
  lo REAL NOT NULL, hi REAL NOT NULL, counts TEXT NOT NULL, PRIMARY KEY(run_id, layer, stage));
CREATE TABLE IF NOT EXISTS warnings(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, step INTEGER NOT NULL, epoch INTEGER NOT NULL,
  layer TEXT NOT NULL, kind TEXT NOT NULL, message TEXT NOT NULL, PRIMARY KEY(run_id, layer, kind));
CREATE TABLE IF NOT EXISTS sweeps(
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL, config TEXT NOT NULL, command TEXT NOT NULL,
  created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sweep_points(
  sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE, point INTEGER NOT NULL,
  experiment_id INTEGER NOT NULL REFERENCES experiments(id), settings TEXT NOT NULL, PRIMARY KEY(sweep_id, point));
CREATE TABLE IF NOT EXISTS recurrent_stats(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, step INTEGER NOT NULL, epoch INTEGER NOT NULL,
  layer TEXT NOT NULL, gate TEXT NOT NULL, spectral_radius REAL, max_singular REAL, min_singular REAL, grad_ratio REAL,
  hidden_ratio REAL, PRIMARY KEY(run_id, step, layer, gate));
CREATE TABLE IF NOT EXISTS propagations(
  id INTEGER PRIMARY KEY, config TEXT NOT NULL, command TEXT NOT NULL, created TEXT NOT NULL, versions TEXT NOT NULL,
  results TEXT NOT NULL);
)sql";

}  // namespace

const char* to_string(RunStatus s) {
  switch (s) {
    case RunStatus::running: return "running";
    case RunStatus::done: return "done";
    case RunStatus::diverged: return "diverged";
    case RunStatus::failed: return "failed";
    case RunStatus::interrupted: return "interrupted";
  }
  return "failed";
}

RunStatus parse_run_status(const std::string& text) {
  for (const RunStatus s : {RunStatus::running, RunStatus::done, RunStatus::diverged, RunStatus::failed, RunStatus::interrupted})
    if (text == to_string(s)) return s;
  throw Error("results database: unknown run status '" + text.substr(0, 40) + "'; expected one of: running, done, diverged, failed, interrupted");
}

std::string this_process_owner() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "unknown");
  return std::string(host) + ":" + std::to_string(::getpid());
}

bool owner_alive(const std::string& owner, std::int64_t heartbeat_age_seconds) {
  const auto colon = owner.rfind(':');
  if (colon == std::string::npos) return false;
  const std::string host = owner.substr(0, colon);
  char here[256] = {};
  ::gethostname(here, sizeof here - 1);
  if (host == here) {  // on this machine: the process itself says
    long pid = 0;
    try {
      pid = std::stol(owner.substr(colon + 1));
    } catch (...) {
      return false;
    }
    if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM)) return false;
    // A zombie (exited, not yet reaped: e.g. an MPI rank whose launcher died) answers kill(0) but is dead.
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    std::getline(stat, text);
    const auto paren = text.rfind(')');
    if (paren != std::string::npos && paren + 2 < text.size() && (text[paren + 2] == 'Z' || text[paren + 2] == 'X')) return false;
    return true;
  }
  return heartbeat_age_seconds >= 0 && heartbeat_age_seconds < kStaleClaimSeconds;
}

ResultStore::ResultStore(const std::string& path, StoreMode mode) : path_(path), shown_(excerpt(path)) {
  if (path.empty()) throw Error("the results database path is empty; expected a file name");
  // A reader needs a regular file; the recorder a regular file or nothing there yet.
  const std::string problem = input_path_problem(path, false);
  const bool exists = problem != kPathDoesNotExist;
  if (!problem.empty() && (mode == StoreMode::read || exists)) throw Error("results database '" + shown_ + "' " + problem);
  std::error_code ec;
  // The files SQLite opens beside the database: a FIFO would block the open forever.
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    const std::string file = path + suffix;
    if (std::filesystem::exists(file, ec) && !std::filesystem::is_regular_file(file, ec))
      throw Error("results database '" + shown_ + "': its " + suffix + " file is not a regular file (a pipe, device or socket)");
  }
  if (exists && std::filesystem::file_size(path, ec) == 0 && !ec) {
    if (mode == StoreMode::read) throw Error("'" + shown_ + "' is an empty file, not an initlab results database");
  }
  // A reader opens the file read-only. With no write-ahead log beside it (no writer is active and
  // every commit is in the file) it is opened immutable, which creates no -wal / -shm files, so a
  // read-only file in a folder the user cannot write can be read; with a log, as a normal
  // read-only connection that sees what the writer has committed.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  std::string name = path;
  if (mode == StoreMode::read) {
    flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
    std::string escaped;
    for (const char c : std::filesystem::absolute(path).string()) {
      if (c == '%' || c == '?' || c == '#') {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
        escaped += hex;
      } else {
        escaped += c;
      }
    }
    name = "file:" + escaped + (std::filesystem::exists(path + "-wal", ec) ? "?mode=ro" : "?mode=ro&immutable=1");
  }
  if (sqlite3_open_v2(name.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error("cannot open results database '" + shown_ + "': " + why);
  }
  sqlite3_busy_timeout(db_, 30000);  // another process writing: wait, do not fail
  try {
    {
      Statement probe(db_, "SELECT count(*) FROM sqlite_master");  // fails on a file that is not SQLite
      probe.step();
    }
    if (mode == StoreMode::read) open_for_reading();
    else open_for_writing();
  } catch (const Error& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    const std::string what = e.what();
    if (what.find("file is not a database") != std::string::npos || what.find("malformed") != std::string::npos)
      throw Error("'" + shown_ + "' is not an initlab results database (not SQLite)");
    throw;
  }
}

std::optional<int> ResultStore::stored_version() {
  if (!has_table("meta")) return std::nullopt;
  Statement get(db_, "SELECT value FROM meta WHERE key = 'schema_version'");
  if (!get.step()) return std::nullopt;
  const std::string text = get.text(0);
  int v = 0;
  const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (err != std::errc() || end != text.data() + text.size() || v < 1)
    throw Error("results database '" + shown_ + "' has a corrupt schema version '" + text.substr(0, 40) +
                "'; expected a whole number from 1 to " + std::to_string(kSchemaVersion));
  return v;
}

bool ResultStore::has_column(const char* table, const char* column) {
  Statement q(db_, std::string("SELECT 1 FROM pragma_table_info('") + table + "') WHERE name = ?");
  q.bind(1, std::string(column));
  return q.step();
}

bool ResultStore::has_table(const char* name) {
  Statement q(db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  q.bind(1, std::string(name));
  return q.step();
}

void ResultStore::open_for_reading() {
  const std::optional<int> version = stored_version();
  if (!version || !has_table("experiments") || !has_table("runs") || !has_table("epochs"))
    throw Error("'" + shown_ + "' is a SQLite file but not an initlab results database (no initlab schema)");
  if (*version > kSchemaVersion)
    throw Error("results database '" + shown_ + "' has schema version " + std::to_string(*version) + ", newer than this initlab's " +
                std::to_string(kSchemaVersion));
  version_ = *version;  // an older schema is read as it is (tables it lacks read as empty)
}

void ResultStore::open_for_writing() {
  // Another program's SQLite file is refused before anything is written to it (even the switch
  // to WAL mode changes its header).
  const auto check_foreign = [&] {
    const bool fresh = !has_table("meta");
    if (!fresh && !has_table("experiments"))
      throw Error("'" + shown_ + "' is a SQLite file but not an initlab results database (no initlab schema)");
    if (fresh) {
      Statement tables(db_, "SELECT count(*) FROM sqlite_master");
      tables.step();
      if (tables.integer(0) > 0)
        throw Error("'" + shown_ + "' is a SQLite database of something else (it has tables, none of them initlab's); refusing to add to it");
    }
  };
  check_foreign();
  exec("PRAGMA foreign_keys = ON");
  exec("PRAGMA journal_mode = WAL");
  exec("BEGIN IMMEDIATE");
  try {
    check_foreign();  // again, now that no other writer can change it
    const std::optional<int> version = stored_version();
    if (version && *version > kSchemaVersion)
      throw Error("results database '" + shown_ + "' has schema version " + std::to_string(*version) +
                  ", newer than this initlab's " + std::to_string(kSchemaVersion));
    if (version && *version < 5) {
      // random_normal / random_uniform meant PyTorch's N(0, 1) / U(0, 1) before schema 5 and Keras's
      // N(0, 0.05^2) / U(-0.05, 0.05) since: a finished run under the old meaning would be reused, in
      // silence, as a run of the new one. Refused before anything is written (the file stays readable).
      Statement old(db_, "SELECT count(*) FROM runs WHERE init LIKE '%random_normal%' OR init LIKE '%random_uniform%'");
      old.step();
      if (old.integer(0) > 0)
        throw Error("results database '" + shown_ + "' holds " + std::to_string(old.integer(0)) +
                    " run(s) of random_normal / random_uniform from when they meant PyTorch's N(0, 1) / U(0, 1); they now mean "
                    "Keras's N(0, 0.05^2) / U(-0.05, 0.05), so new runs cannot be added beside them: use another --db (this one "
                    "still reads: initlab results / report)");
    }
    exec(kSchema);
    if (!version) {
      Statement put(db_, "INSERT INTO meta(key, value) VALUES ('schema_version', ?)");
      put.bind(1, std::to_string(kSchemaVersion)).step();
    } else if (*version < kSchemaVersion) {  // older schemas lack tables, which kSchema just created, and columns
      if (*version < 3) {
        exec("ALTER TABLE runs ADD COLUMN owner TEXT NOT NULL DEFAULT ''");
        exec("ALTER TABLE runs ADD COLUMN heartbeat TEXT");
      }
      // The back-propagated gradient; a schema-1 file got the table, column included, from kSchema just now.
      if (*version < 5 && !has_column("layer_stats", "grad_pre_std")) exec("ALTER TABLE layer_stats ADD COLUMN grad_pre_std REAL");
      Statement put(db_, "UPDATE meta SET value = ? WHERE key = 'schema_version'");
      put.bind(1, std::to_string(kSchemaVersion)).step();
    }
    exec("COMMIT");
  } catch (...) {
    exec("ROLLBACK");
    throw;
  }
}

ResultStore::~ResultStore() { sqlite3_close(db_); }

nlohmann::json ResultStore::parse_json(const std::string& text, const std::string& what) const {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    throw Error("results database '" + shown_ + "': " + what + " is corrupt (not JSON)");
  }
}

void ResultStore::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw Error("results database '" + shown_ + "': " + why);
  }
}

void ResultStore::transaction(const std::function<void()>& body) {
  exec("BEGIN IMMEDIATE");
  try {
    body();
    exec("COMMIT");
  } catch (...) {
    exec("ROLLBACK");
    throw;
  }
}

std::int64_t ResultStore::experiment(const ExperimentRecord& e) {
  std::int64_t id = 0;
  transaction([&] {
    Statement find(db_, "SELECT id FROM experiments WHERE key = ?");
    find.bind(1, e.key);
    if (find.step()) {
      id = find.integer(0);
      return;
    }
    Statement put(db_, "INSERT INTO experiments(key, kind, config, command, created) VALUES (?, ?, ?, ?, ?)");
    put.bind(1, e.key).bind(2, e.kind).bind(3, e.config).bind(4, e.command).bind(5, now_utc()).step();
    id = sqlite3_last_insert_rowid(db_);
  });
  return id;
}

std::optional<RunRecord> ResultStore::find_run(std::int64_t experiment_id, const std::string& init, std::uint64_t seed) {
  Statement q(db_, "SELECT id, status, diverged_epoch, owner FROM runs WHERE experiment_id = ? AND init = ? AND seed = ?");
  q.bind(1, experiment_id).bind(2, init).bind(3, static_cast<std::int64_t>(seed));
  if (!q.step()) return std::nullopt;
  RunRecord r;
  r.id = q.integer(0);
  r.status = parse_run_status(q.text(1));
  r.diverged_epoch = static_cast<int>(q.integer(2));
  r.owner = q.text(3);
  return r;
}

ClaimOutcome ResultStore::claim_run(const RunRecord& r, const std::string& owner) {
  ClaimOutcome out;
  transaction([&] {
    Statement find(db_,
                   "SELECT id, status, owner, CAST(strftime('%s', 'now') AS INTEGER) - CAST(strftime('%s', heartbeat) AS INTEGER) "
                   "FROM runs WHERE experiment_id = ? AND init = ? AND seed = ?");
    find.bind(1, r.experiment_id).bind(2, r.init).bind(3, static_cast<std::int64_t>(r.seed));
    if (find.step()) {
      out.status = parse_run_status(find.text(1));
      out.owner = find.text(2);
      const std::int64_t age = find.integer(3);
      if (is_final(out.status)) return;
      if (out.status == RunStatus::running && out.owner != owner && owner_alive(out.owner, age)) return;
      // An unfinished earlier attempt (interrupted, failed, or an owner that died) is replaced.
      Statement del(db_, "DELETE FROM runs WHERE id = ?");
      del.bind(1, find.integer(0)).step();
    }
    Statement put(db_,
                  "INSERT INTO runs(experiment_id, init, seed, spec, status, versions, command, started, owner, heartbeat) "
                  "VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, datetime('now'))");
    put.bind(1, r.experiment_id).bind(2, r.init).bind(3, static_cast<std::int64_t>(r.seed)).bind(4, r.spec)
        .bind(5, r.versions).bind(6, r.command).bind(7, now_utc()).bind(8, owner).step();
    out.run_id = sqlite3_last_insert_rowid(db_);
    out.status = RunStatus::running;
    out.owner = owner;
  });
  return out;
}

void ResultStore::heartbeat(std::int64_t run_id) {
  Statement put(db_, "UPDATE runs SET heartbeat = datetime('now') WHERE id = ?");
  put.bind(1, run_id).step();
}

void ResultStore::add_epoch(std::int64_t run_id, const EpochMetrics& m) {
  Statement put(db_,
                "INSERT OR REPLACE INTO epochs(run_id, epoch, train_loss, train_acc, val_loss, val_acc, test_loss, test_acc, "
                "seconds, grad_norm) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  put.bind(1, run_id).bind(2, static_cast<std::int64_t>(m.epoch)).bind(3, m.train_loss).bind(4, m.train_acc)
      .bind(5, m.val_loss).bind(6, m.val_acc).bind(7, m.test_loss).bind(8, m.test_acc).bind(9, m.seconds).bind(10, m.grad_norm)
      .step();  // a single statement is its own transaction
}

void ResultStore::finish_run(std::int64_t run_id, RunStatus status, int diverged_epoch, const std::string& error) {
  Statement put(db_, "UPDATE runs SET status = ?, diverged_epoch = ?, error = ?, finished = ? WHERE id = ?");
  put.bind(1, std::string(to_string(status))).bind(2, static_cast<std::int64_t>(diverged_epoch)).bind(3, error).bind(4, now_utc()).bind(5, run_id).step();
}

void ResultStore::add_monitor(std::int64_t run_id, const MonitorRecord& monitor) {
  transaction([&] { insert_monitor(run_id, monitor); });
}

void ResultStore::finish(std::int64_t run_id, RunStatus status, int diverged_epoch, const std::string& error,
                         const MonitorRecord* monitor) {
  transaction([&] {
    if (monitor) insert_monitor(run_id, *monitor);
    finish_run(run_id, status, diverged_epoch, error);
  });
}

void ResultStore::insert_monitor(std::int64_t run_id, const MonitorRecord& monitor) {
  {
    Statement stat(db_,
                   "INSERT OR REPLACE INTO layer_stats(run_id, step, epoch, layer, weight_mean, weight_std, weight_norm, act_mean, "
                   "act_std, dead, saturated, grad_std, grad_norm, update_ratio, grad_pre_std) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& s : monitor.snapshots) {
      stat.reset();
      stat.bind(1, run_id).bind(2, s.step).bind(3, static_cast<std::int64_t>(s.epoch)).bind(4, s.layer).bind(5, s.weight_mean)
          .bind(6, s.weight_std).bind(7, s.weight_norm).bind(8, s.act_mean).bind(9, s.act_std).bind(10, s.dead).bind(11, s.saturated)
          .bind(12, s.grad_std).bind(13, s.grad_norm).bind(14, s.update_ratio).bind(15, s.grad_pre_std).step();  // NaN binds as NULL
    }
    Statement hist(db_, "INSERT OR REPLACE INTO histograms(run_id, layer, stage, lo, hi, counts) VALUES (?, ?, ?, ?, ?, ?)");
    for (const auto& h : monitor.histograms) {
      hist.reset();
      hist.bind(1, run_id).bind(2, h.layer).bind(3, h.stage).bind(4, h.lo).bind(5, h.hi).bind(6, nlohmann::json(h.counts).dump()).step();
    }
    Statement warn(db_, "INSERT OR REPLACE INTO warnings(run_id, step, epoch, layer, kind, message) VALUES (?, ?, ?, ?, ?, ?)");
    for (const auto& w : monitor.warnings) {
      warn.reset();
      warn.bind(1, run_id).bind(2, w.step).bind(3, static_cast<std::int64_t>(w.epoch)).bind(4, w.layer).bind(5, w.kind).bind(6, w.message).step();
    }
    Statement rec(db_,
                  "INSERT OR REPLACE INTO recurrent_stats(run_id, step, epoch, layer, gate, spectral_radius, max_singular, min_singular, "
                  "grad_ratio, hidden_ratio) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& r : monitor.recurrent) {
      rec.reset();
      rec.bind(1, run_id).bind(2, r.step).bind(3, static_cast<std::int64_t>(r.epoch)).bind(4, r.layer).bind(5, r.gate)
          .bind(6, r.spectral_radius).bind(7, r.max_singular).bind(8, r.min_singular).bind(9, r.grad_ratio).bind(10, r.hidden_ratio).step();
    }
  }
}

std::vector<RecurrentSnapshot> ResultStore::recurrent_stats(std::int64_t run_id) {
  if (version_ < 4) return {};
  Statement q(db_,
              "SELECT step, epoch, layer, gate, spectral_radius, max_singular, min_singular, grad_ratio, hidden_ratio FROM recurrent_stats "
              "WHERE run_id = ? ORDER BY step, rowid");
  q.bind(1, run_id);
  std::vector<RecurrentSnapshot> out;
  const auto real = [&](int c) { return q.maybe(c).value_or(std::nan("")); };
  while (q.step()) out.push_back({q.integer(0), static_cast<int>(q.integer(1)), q.text(2), q.text(3), real(4), real(5), real(6), real(7), real(8)});
  return out;
}

std::vector<LayerSnapshot> ResultStore::layer_stats(std::int64_t run_id) {
  if (version_ < 2) return {};
  Statement q(db_,
              std::string("SELECT step, epoch, layer, weight_mean, weight_std, weight_norm, act_mean, act_std, dead, saturated, grad_std, "
                          "grad_norm, update_ratio, ") +
                  (version_ >= 5 ? "grad_pre_std" : "NULL") + " FROM layer_stats WHERE run_id = ? ORDER BY step, rowid");
  q.bind(1, run_id);
  std::vector<LayerSnapshot> out;
  const auto real = [&](int c) { return q.maybe(c).value_or(std::nan("")); };
  while (q.step())
    out.push_back({q.integer(0), static_cast<int>(q.integer(1)), q.text(2), real(3), real(4), real(5), real(6), real(7), real(8),
                   real(9), real(10), real(11), real(12), real(13)});
  return out;
}

std::vector<WeightHistogram> ResultStore::histograms(std::int64_t run_id) {
  if (version_ < 2) return {};
  Statement q(db_, "SELECT layer, stage, lo, hi, counts FROM histograms WHERE run_id = ? ORDER BY stage DESC, rowid");
  q.bind(1, run_id);
  std::vector<WeightHistogram> out;
  while (q.step()) {
    WeightHistogram h{q.text(0), q.text(1), q.real(2), q.real(3), {}};
    try {
      h.counts = nlohmann::json::parse(q.text(4)).get<std::vector<std::int64_t>>();
    } catch (const std::exception&) {
      throw Error("results database '" + shown_ + "': histogram of run " + std::to_string(run_id) + " layer " + h.layer + " is corrupt");
    }
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<MonitorWarning> ResultStore::warnings(std::int64_t run_id) {
  if (version_ < 2) return {};
  Statement q(db_, "SELECT step, epoch, layer, kind, message FROM warnings WHERE run_id = ? ORDER BY step, rowid");
  q.bind(1, run_id);
  std::vector<MonitorWarning> out;
  while (q.step()) out.push_back({q.integer(0), static_cast<int>(q.integer(1)), q.text(2), q.text(3), q.text(4)});
  return out;
}

std::int64_t ResultStore::sweep(const SweepRecord& r) {
  std::int64_t id = 0;
  transaction([&] {
    Statement find(db_, "SELECT id FROM sweeps WHERE key = ?");
    find.bind(1, r.key);
    if (find.step()) {
      id = find.integer(0);
      return;
    }
    Statement put(db_, "INSERT INTO sweeps(key, name, config, command, created) VALUES (?, ?, ?, ?, ?)");
    put.bind(1, r.key).bind(2, r.name).bind(3, r.config).bind(4, r.command).bind(5, now_utc()).step();
    id = sqlite3_last_insert_rowid(db_);
  });
  return id;
}

void ResultStore::add_sweep_point(const SweepPointRecord& p) {
  Statement put(db_, "INSERT OR IGNORE INTO sweep_points(sweep_id, point, experiment_id, settings) VALUES (?, ?, ?, ?)");
  put.bind(1, p.sweep_id).bind(2, static_cast<std::int64_t>(p.point)).bind(3, p.experiment_id).bind(4, p.settings).step();
}

std::vector<SweepRecord> ResultStore::sweeps() {
  if (version_ < 3) return {};
  Statement q(db_, "SELECT id, key, name, config, command, created FROM sweeps ORDER BY id");
  std::vector<SweepRecord> out;
  while (q.step()) out.push_back({q.integer(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5)});
  return out;
}

std::vector<SweepPointRecord> ResultStore::sweep_points(std::int64_t sweep_id) {
  if (version_ < 3) return {};
  Statement q(db_, "SELECT point, experiment_id, settings FROM sweep_points WHERE sweep_id = ? ORDER BY point");
  q.bind(1, sweep_id);
  std::vector<SweepPointRecord> out;
  while (q.step()) out.push_back({sweep_id, static_cast<int>(q.integer(0)), q.integer(1), q.text(2)});
  return out;
}

std::int64_t ResultStore::add_propagation(const PropagationRecord& p) {
  Statement put(db_, "INSERT INTO propagations(config, command, created, versions, results) VALUES (?, ?, ?, ?, ?)");
  put.bind(1, p.config).bind(2, p.command).bind(3, now_utc()).bind(4, p.versions).bind(5, p.results).step();  // one statement: atomic
  return sqlite3_last_insert_rowid(db_);
}

std::vector<PropagationRecord> ResultStore::propagations() {
  if (version_ < 2) return {};
  Statement q(db_, "SELECT id, config, command, created, results, versions FROM propagations ORDER BY id");
  std::vector<PropagationRecord> out;
  while (q.step()) out.push_back({q.integer(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5)});
  return out;
}

std::vector<ExperimentRecord> ResultStore::experiments() {
  Statement q(db_, "SELECT id, key, kind, config, command, created FROM experiments ORDER BY id");
  std::vector<ExperimentRecord> out;
  while (q.step()) out.push_back({q.integer(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5)});
  return out;
}

std::vector<RunRecord> ResultStore::runs(std::int64_t experiment_id) {
  std::vector<RunRecord> out;
  Statement q(db_, std::string("SELECT id, init, seed, spec, status, diverged_epoch, versions, command, error, ") +
                       (version_ >= 3 ? "owner" : "''") + " FROM runs WHERE experiment_id = ? ORDER BY id");
  q.bind(1, experiment_id);
  while (q.step()) {
    RunRecord r;
    r.id = q.integer(0);
    r.experiment_id = experiment_id;
    r.init = q.text(1);
    r.seed = static_cast<std::uint64_t>(q.integer(2));
    r.spec = q.text(3);
    r.status = parse_run_status(q.text(4));
    r.diverged_epoch = static_cast<int>(q.integer(5));
    r.versions = q.text(6);
    r.command = q.text(7);
    r.error = q.text(8);
    r.owner = q.text(9);
    out.push_back(std::move(r));
  }
  for (RunRecord& r : out) {
    Statement e(db_,
                "SELECT epoch, train_loss, train_acc, val_loss, val_acc, test_loss, test_acc, seconds, grad_norm FROM epochs "
                "WHERE run_id = ? ORDER BY epoch");
    e.bind(1, r.id);
    while (e.step()) {
      EpochMetrics m;
      m.epoch = static_cast<int>(e.integer(0));
      m.train_loss = e.real(1);
      m.train_acc = e.real(2);
      m.val_loss = e.maybe(3);
      m.val_acc = e.maybe(4);
      m.test_loss = e.maybe(5);
      m.test_acc = e.maybe(6);
      m.seconds = e.real(7);
      m.grad_norm = e.real(8);
      r.epochs.push_back(m);
    }
  }
  return out;
}

}  // namespace initlab::lab
