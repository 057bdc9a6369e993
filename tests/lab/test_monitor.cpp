// The training monitor: it does not change the run, its numbers agree with direct computation,
// warnings fire once per layer and kind, and everything round-trips through the results store.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "experiments/experiment.hpp"
#include "initlab/torch/apply.hpp"
#include "train/monitor.hpp"

namespace {

namespace fs = std::filesystem;
using namespace initlab::lab;

DataSplits blobs() {
  DataOptions options;
  options.val_fraction = 0.2;
  return load_data("synthetic:blobs,n=900", options);
}

torch::nn::Sequential net(const DataSplits& d, const std::string& model, const ModelOptions& o, const std::string& init) {
  auto n = build_model(model, d, o);
  initlab::libtorch::apply_plan(*n, initlab::libtorch::make_plan(init, "", {}, initlab::GeneratorKind::philox, 5));
  return n;
}

TEST(Monitor, TheRunIsTheSameWithOrWithoutIt) {
  // Dropout and BatchNorm (autograd path: the monitor's probed forward is the training forward)
  // and a plain MLP (fused path: an extra forward without side effects).
  const DataSplits d = blobs();
  for (const ModelOptions o : {ModelOptions{"relu", true, 0.3}, ModelOptions{"tanh", false, 0.0}}) {
    TrainConfig config;
    config.lr = 0.05;
    config.batch = 32;
    config.epochs = 2;
    config.seed = 4;
    auto plain = net(d, "mlp:2-16-16-3", o, "he_normal");
    auto watched = net(d, "mlp:2-16-16-3", o, "he_normal");
    const RunOutcome a = train_model(plain, d, config, nullptr, nullptr);
    TrainingMonitor monitor(watched, 3);
    const RunOutcome b = train_model(watched, d, config, nullptr, nullptr, &monitor);
    ASSERT_EQ(a.epochs.size(), b.epochs.size());
    for (std::size_t e = 0; e < a.epochs.size(); ++e) {
      EXPECT_EQ(a.epochs[e].train_loss, b.epochs[e].train_loss) << o.activation;
      EXPECT_EQ(*a.epochs[e].val_loss, *b.epochs[e].val_loss) << o.activation;
    }
    const auto pa = plain->parameters(), pb = watched->parameters();
    for (std::size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::equal(pa[i], pb[i])) << o.activation << " parameter " << i;
    const std::int64_t steps = 2 * ((d.train.size() + 31) / 32);  // steps 0, 3, 6, ... observed, 3 layers each
    EXPECT_EQ(static_cast<std::int64_t>(monitor.snapshots().size()), 3 * ((steps + 2) / 3)) << o.activation;
  }
}

TEST(Monitor, NumbersAgreeWithDirectComputation) {
  const DataSplits d = blobs();
  auto model = net(d, "mlp:2-32-32-3", {}, "he_normal");
  const torch::Tensor w0 = model->named_parameters()["fc2.weight"].detach().clone();
  TrainConfig config;
  config.lr = 0.1;
  config.batch = 1000;  // one batch per epoch: the step's input is the whole (shuffled) training set
  config.epochs = 3;
  TrainingMonitor monitor(model, 1);
  train_model(model, d, config, nullptr, nullptr, &monitor);
  monitor.finish();
  const auto& s = monitor.snapshots();
  ASSERT_EQ(s.size(), 9u);
  EXPECT_EQ(s[1].layer, "fc2");
  EXPECT_NEAR(s[1].weight_std, w0.std(false).item<double>(), 1e-6);
  EXPECT_NEAR(s[1].weight_norm, w0.norm().item<double>(), 1e-4);
  // Plain SGD: the update is lr * gradient, so update / weight = lr |g| / |w|.
  for (const auto& x : s) EXPECT_NEAR(x.update_ratio, config.lr * x.grad_norm / x.weight_norm, 1e-5 * x.update_ratio) << x.layer;
  // The first layer's activations at step 0 are relu(x W1^T + b1) of the whole training set:
  // order does not change mean, std or dead units.
  // (the model has trained since, so recompute from a fresh copy)
  auto fresh = net(d, "mlp:2-32-32-3", {}, "he_normal");
  const auto h = torch::relu(fresh->named_children()["fc1"]->as<torch::nn::Linear>()->forward(d.train.x));
  EXPECT_NEAR(s[0].act_mean, h.mean().item<double>(), 1e-5);
  EXPECT_NEAR(s[0].act_std, h.std(false).item<double>(), 1e-5);
  // The back-propagated gradient at the output layer, step 0: d mean cross-entropy / d logits =
  // (softmax - one-hot) / N, whose std does not depend on the order of the samples either.
  const auto logits = fresh->forward(d.train.x);
  const auto dlogits = (torch::softmax(logits, 1) - torch::one_hot(d.train.y, 3).to(logits.dtype())) / d.train.x.size(0);
  EXPECT_EQ(s[2].layer, "fc3");
  EXPECT_NEAR(s[2].grad_pre_std, dlogits.std(false).item<double>(), 1e-4 * dlogits.std(false).item<double>());
  for (const auto& x : s) EXPECT_TRUE(std::isfinite(x.grad_pre_std) && x.grad_pre_std > 0) << x.layer;
  // Histograms at init and at the end, every weight counted once.
  ASSERT_EQ(monitor.histograms().size(), 6u);
  const auto& hist = monitor.histograms()[1];
  EXPECT_EQ(hist.stage, "init");
  std::int64_t total = 0;
  for (auto c : hist.counts) total += c;
  EXPECT_EQ(total, 32 * 32);
  EXPECT_NEAR(hist.lo, w0.min().item<double>(), 1e-6);
  EXPECT_NEAR(hist.hi, w0.max().item<double>(), 1e-6);
}

TEST(Monitor, WarnsOncePerLayerAndKind) {
  const DataSplits d = blobs();
  TrainConfig config;
  config.batch = 32;
  config.epochs = 1;
  {  // all-zero weights: every hidden unit is zero for every sample
    auto model = net(d, "mlp:2-16-16-3", {}, "zeros");
    TrainingMonitor monitor(model, 2);
    int printed = 0;
    monitor.on_warning = [&](const MonitorWarning&) { ++printed; };
    train_model(model, d, config, nullptr, nullptr, &monitor);
    ASSERT_EQ(monitor.warnings().size(), 2u);  // fc1 and fc2 (fc3 is the output: no units to die)
    EXPECT_EQ(printed, 2);
    EXPECT_EQ(monitor.warnings()[0].layer, "fc1");
    EXPECT_EQ(monitor.warnings()[0].kind, "dead_units");
    EXPECT_NE(monitor.warnings()[0].message.find("fc1: 100% of the units are zero"), std::string::npos);
  }
  {  // eight sigmoid layers of small weights: the first layer's gradient is ~1e-5 of the last's
    auto model = net(d, "mlp:2-32x8-3", {"sigmoid", false, 0.0}, "normal:std=0.1");
    TrainingMonitor monitor(model, 5);
    train_model(model, d, config, nullptr, nullptr, &monitor);
    bool fc1_vanishing = false;
    for (const auto& w : monitor.warnings()) fc1_vanishing = fc1_vanishing || (w.layer == "fc1" && w.kind == "vanishing_gradients");
    EXPECT_TRUE(fc1_vanishing);
    const auto& s = monitor.snapshots();
    EXPECT_LT(s[0].grad_norm, kVanishingGradientRatio * s[8].grad_norm);
  }
  {  // He init: nothing to say
    auto model = net(d, "mlp:2-32-32-3", {}, "he_normal");
    TrainingMonitor monitor(model, 1);
    train_model(model, d, config, nullptr, nullptr, &monitor);
    EXPECT_TRUE(monitor.warnings().empty()) << monitor.warnings()[0].message;
  }
}

TEST(Monitor, StoredWithTheRunAndOldDatabasesAreUpgraded) {
  const fs::path dir = fs::temp_directory_path() / ("initlab-monitor-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string db = (dir / "old.db").string();
  fs::remove(db);
  {  // a schema-1 database, as initlab wrote it before the monitor
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw,
                           "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                           "INSERT INTO meta VALUES ('schema_version', '1');"
                           "CREATE TABLE experiments(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, "
                           "  config TEXT NOT NULL, command TEXT NOT NULL, created TEXT NOT NULL);"
                           "CREATE TABLE runs(id INTEGER PRIMARY KEY, experiment_id INTEGER NOT NULL REFERENCES experiments(id), "
                           "  init TEXT NOT NULL, seed INTEGER NOT NULL, spec TEXT NOT NULL, status TEXT NOT NULL, "
                           "  diverged_epoch INTEGER NOT NULL DEFAULT 0, versions TEXT NOT NULL, command TEXT NOT NULL, "
                           "  error TEXT NOT NULL DEFAULT '', started TEXT NOT NULL, finished TEXT, UNIQUE(experiment_id, init, seed));"
                           "CREATE TABLE epochs(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, epoch INTEGER NOT NULL, "
                           "  train_loss REAL, train_acc REAL, val_loss REAL, val_acc REAL, test_loss REAL, test_acc REAL, "
                           "  seconds REAL, grad_norm REAL, PRIMARY KEY(run_id, epoch));"
                           "INSERT INTO experiments VALUES (1, 'old', 'compare', '{\"task\":\"classification\"}', 'initlab compare', '2026-01-01');"
                           "INSERT INTO runs VALUES (1, 1, 'zeros', 7, '{}', 'done', 0, 'initlab 0.0', 'initlab compare', '', '2026-01-01', '2026-01-01');"
                           "INSERT INTO epochs VALUES (1, 1, 2.3, 0.1, NULL, NULL, 2.3, 0.1, 1.0, 0.0);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  ExperimentConfig c;
  c.model = "mlp:2-16-3";
  c.data = "synthetic:blobs,n=600";
  c.train.batch = 50;
  c.train.epochs = 2;
  c.inits = {"zeros", "he_normal"};
  c.db = db;
  c.monitor_every = 4;
  const auto summary = run_experiment(c, nullptr);
  ResultStore store(db);
  for (const auto& init : {"zeros", "he_normal"}) {
    const auto run = store.find_run(summary.experiment_id, init, 0);
    ASSERT_TRUE(run.has_value());
    const auto stats = store.layer_stats(run->id);
    // 10 steps per epoch (see below); steps 0, 4, ..., 16: 5 snapshots x 2 layers
    ASSERT_EQ(stats.size(), 10u) << init;
    EXPECT_EQ(stats[0].layer, "fc1");
    EXPECT_EQ(stats[1].layer, "fc2");
    EXPECT_EQ(stats[9].step, 16);
    EXPECT_EQ(stats[9].epoch, 2);
    EXPECT_EQ(store.runs(summary.experiment_id)[0].epochs.size(), 2u);
    const auto hist = store.histograms(run->id);
    ASSERT_EQ(hist.size(), 4u);
    EXPECT_EQ(hist[0].counts.size(), 50u);
    EXPECT_EQ(store.warnings(run->id).size(), std::string(init) == "zeros" ? 1u : 0u) << init;
  }
  sqlite3* raw = nullptr;
  sqlite3_open(db.c_str(), &raw);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(raw, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &q, nullptr);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)), "5");
  sqlite3_finalize(q);
  sqlite3_close(raw);
  // The schema-1 run is still there, readable, with its epoch and an empty owner.
  ResultStore reader(db, StoreMode::read);
  const auto old_runs = reader.runs(1);
  ASSERT_EQ(old_runs.size(), 1u);
  EXPECT_EQ(old_runs[0].init, "zeros");
  EXPECT_EQ(old_runs[0].seed, 7u);
  EXPECT_EQ(old_runs[0].status, RunStatus::done);
  EXPECT_EQ(old_runs[0].owner, "");
  ASSERT_EQ(old_runs[0].epochs.size(), 1u);
  EXPECT_EQ(old_runs[0].epochs[0].test_acc, 0.1);
}

}  // namespace
