// Training, statistics, the results store and experiments on small synthetic data.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <torch/torch.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "experiments/experiment.hpp"
#include "experiments/init_list.hpp"
#include "experiments/run.hpp"
#include "experiments/summary.hpp"
#include "store/store.hpp"
#include "experiments/statistics.hpp"
#include "initlab/error.hpp"
#include "initlab/torch/apply.hpp"
#include "train/fused_mlp.hpp"

namespace {

namespace fs = std::filesystem;
using namespace initlab::lab;

std::string temp_db(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("initlab-train-" + std::to_string(::getpid()));
  fs::create_directories(d);
  fs::remove(d / name);
  return (d / name).string();
}

ExperimentConfig blobs_config(const std::string& db) {
  ExperimentConfig c;
  c.model = "mlp:2-32-3";
  c.data = "synthetic:blobs,n=1500";
  c.train.optimizer = Optimizer::sgd;
  c.train.lr = 0.1;
  c.train.batch = 32;
  c.train.epochs = 4;
  c.inits = {"zeros", "he_normal"};
  c.seeds = 2;
  c.db = db;
  return c;
}

TEST(Statistics, StudentIntervalAndWelch) {
  const MeanCi m = mean_ci({1, 2, 3, 4});
  EXPECT_DOUBLE_EQ(m.mean, 2.5);
  EXPECT_NEAR(*m.half, 3.182446305284263 * std::sqrt(5.0 / 3) / 2, 1e-9);  // t(0.975, 3) * s / sqrt(n)
  EXPECT_FALSE(mean_ci({1}).half.has_value());
  const auto w = welch_t_test({1, 2, 3, 4}, {2, 3, 4, 5});
  ASSERT_TRUE(w.has_value());
  EXPECT_NEAR(w->t, -1.0954451150103321, 1e-12);
  EXPECT_NEAR(w->dof, 6.0, 1e-12);
  EXPECT_NEAR(w->p, 0.31533, 1e-4);
  EXPECT_FALSE(welch_t_test({1}, {2, 3}).has_value());
}

TEST(InitList, CommasInsideSpecs) {
  EXPECT_EQ(split_init_list("zeros,normal:mean=0,std=0.01,he_normal"),
            (std::vector<std::string>{"zeros", "normal:mean=0,std=0.01", "he_normal"}));
  EXPECT_EQ(split_init_list("a;b"), (std::vector<std::string>{"a", "b"}));
}

TEST(Experiment, HeLearnsZerosDoesNotAndRerunsSkipFinishedRuns) {
  const std::string db = temp_db("blobs.db");
  const auto s = run_experiment(blobs_config(db), nullptr);
  ASSERT_EQ(s.ranked.size(), 2u);
  EXPECT_EQ(s.ranked[0].init, "he_normal");
  EXPECT_GT(s.ranked[0].mean, 0.85);
  EXPECT_EQ(s.ranked[0].finished, 2);
  EXPECT_TRUE(s.ranked[0].ci_half.has_value());
  // zeros: every hidden unit identical and ReLU(0) = 0 -> gradients vanish; stays at chance
  EXPECT_LT(s.ranked[1].mean, 0.5);
  ASSERT_EQ(s.pairs.size(), 1u);
  EXPECT_EQ(s.pairs[0].test, "paired");  // the same seeds under both inits
  EXPECT_EQ(s.pairs[0].n, 2);
  EXPECT_GT(s.pairs[0].difference, 0.3);
  // Same command again: nothing retrained, same numbers.
  const auto again = run_experiment(blobs_config(db), nullptr);
  EXPECT_EQ(again.experiment_id, s.experiment_id);
  EXPECT_EQ(again.ranked[0].final_metric, s.ranked[0].final_metric);
  ResultStore store(db);
  EXPECT_EQ(store.runs(s.experiment_id).size(), 4u);
}

TEST(Experiment, SameSeedSameNumbers) {
  auto c = blobs_config(temp_db("a.db"));
  c.inits = {"xavier_normal"};
  c.seeds = 1;
  const auto a = run_experiment(c, nullptr);
  c.db = temp_db("b.db");
  const auto b = run_experiment(c, nullptr);
  EXPECT_EQ(a.ranked[0].final_metric, b.ranked[0].final_metric);
}

TEST(Experiment, DivergenceIsRecordedNotFatal) {
  ExperimentConfig c;
  c.model = "toy";
  c.data = "synthetic:regression";
  c.train.lr = 50;
  c.train.epochs = 3;
  c.inits = {"normal:std=10"};
  c.db = temp_db("diverge.db");
  const auto s = run_experiment(c, nullptr);
  EXPECT_EQ(s.ranked[0].diverged, 1);
  EXPECT_EQ(s.ranked[0].finished, 0);
}

// Stops the experiment after the first epoch it sees (as Ctrl-C would).
class StopAfterFirstEpoch : public RunEvents {
 public:
  explicit StopAfterFirstEpoch(std::atomic<bool>& stop) : stop_(stop) {}
  void epoch(const PlannedRun&, const EpochMetrics&) override { stop_ = true; }

 private:
  std::atomic<bool>& stop_;
};

TEST(Experiment, InterruptMarksTheRunAndKeepsTheDatabaseConsistent) {
  auto c = blobs_config(temp_db("stop.db"));
  c.train.epochs = 3;
  std::atomic<bool> stop{true};
  // Stopped before anything started: nothing is claimed.
  EXPECT_TRUE(run_experiment(c, &stop).interrupted);
  ResultStore store(c.db);
  EXPECT_TRUE(store.runs(store.experiments().at(0).id).empty());
  // Stopped during the first run: it is marked interrupted, with the epoch it finished.
  stop = false;
  StopAfterFirstEpoch events(stop);
  const auto s = run_experiment(c, &stop, &events);
  EXPECT_TRUE(s.interrupted);
  const auto runs = store.runs(s.experiment_id);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, RunStatus::interrupted);
  EXPECT_EQ(runs[0].epochs.size(), 1u);
  // The next run replaces the interrupted attempt.
  const auto done = run_experiment(c, nullptr);
  EXPECT_EQ(store.runs(done.experiment_id).size(), 4u);
}

TEST(Store, TwoProcessesWritingOneDatabaseLoseNothing) {
  const std::string db = temp_db("concurrent.db");
  { ResultStore create(db); }
  pid_t pids[2];
  for (int p = 0; p < 2; ++p) {
    pids[p] = fork();
    if (pids[p] == 0) {
      ResultStore store(db);
      ExperimentRecord e{0, "shared", "compare", "{}", "test", ""};
      const auto id = store.experiment(e);
      for (int r = 0; r < 50; ++r) {
        RunRecord run;
        run.experiment_id = id;
        run.init = "init" + std::to_string(p);
        run.seed = static_cast<std::uint64_t>(r);
        run.spec = "{}";
        const auto run_id = store.claim_run(run, "test:" + std::to_string(p)).run_id;
        EpochMetrics m;
        m.epoch = 1;
        store.add_epoch(run_id, m);
        store.finish_run(run_id, RunStatus::done, 0);
      }
      _exit(0);
    }
  }
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  ResultStore store(db);
  const auto exps = store.experiments();
  ASSERT_EQ(exps.size(), 1u);
  const auto runs = store.runs(exps[0].id);
  EXPECT_EQ(runs.size(), 100u);
  for (const auto& r : runs) EXPECT_EQ(r.epochs.size(), 1u);
}

TEST(Store, ClaimsKeepTwoOwnersOffOneRunAndDeadOwnersAreTakenOver) {
  ResultStore store(temp_db("claims.db"));
  const auto id = store.experiment({0, "claims", "compare", "{}", "test", ""});
  RunRecord run;
  run.experiment_id = id;
  run.init = "he_normal";
  run.seed = 3;
  run.spec = "{}";
  const std::string me = this_process_owner();
  const ClaimOutcome first = store.claim_run(run, me);
  ASSERT_GT(first.run_id, 0);
  // Another owner on this host (pid 1, which always lives) cannot take it while this process lives ...
  const std::string host = me.substr(0, me.rfind(':'));
  const ClaimOutcome busy = store.claim_run(run, host + ":1");
  EXPECT_EQ(busy.run_id, 0);
  EXPECT_EQ(busy.status, RunStatus::running);
  EXPECT_EQ(busy.owner, me);
  // ... a dead owner's claim is taken over (no process has pid 2^22 + 1 > pid_max's default) ...
  const ClaimOutcome dead = store.claim_run({0, id, "zeros", 3, "{}"}, host + ":4194305");
  ASSERT_GT(dead.run_id, 0);
  const ClaimOutcome taken = store.claim_run({0, id, "zeros", 3, "{}"}, me);
  EXPECT_GT(taken.run_id, 0) << "the owner " << host << ":4194305 is not alive";
  // ... and a finished run is never claimed again.
  store.finish_run(taken.run_id, RunStatus::done, 0);
  const ClaimOutcome finished = store.claim_run({0, id, "zeros", 3, "{}"}, me);
  EXPECT_EQ(finished.run_id, 0);
  EXPECT_EQ(finished.status, RunStatus::done);
  // Another machine's claim lives as long as its heartbeat is fresh.
  EXPECT_TRUE(owner_alive("elsewhere:12", 10));
  EXPECT_FALSE(owner_alive("elsewhere:12", kStaleClaimSeconds + 1));
}

TEST(Store, ReadersNeverCreateOrWrite) {
  const std::string path = temp_db("absent.db");
  EXPECT_THROW(ResultStore(path, StoreMode::read), initlab::Error);
  EXPECT_FALSE(std::filesystem::exists(path));
  std::ofstream(path).close();  // 0 bytes
  try {
    ResultStore store(path, StoreMode::read);
    FAIL();
  } catch (const initlab::Error& e) {
    EXPECT_NE(std::string(e.what()).find("is an empty file"), std::string::npos) << e.what();
  }
  EXPECT_EQ(std::filesystem::file_size(path), 0u);
}

TEST(RunSpec, JsonRoundTripKeepsEveryField) {
  RunSpec s;
  s.model = "mlp:2-8-2";
  s.model_options = {"tanh", true, 0.25};
  s.data = "synthetic:blobs";
  s.data_options.val_fraction = 0.2;
  s.data_options.normalize = "unit";
  s.data_options.limit = 123;
  s.data_options.seed = 9;
  s.train.optimizer = Optimizer::adam;
  s.train.lr = 3e-4;
  s.train.momentum = 0.5;
  s.train.nesterov = true;
  s.train.weight_decay = 1e-5;
  s.train.batch = 17;
  s.train.epochs = 4;
  s.train.loss = Loss::mse;
  s.init = "normal:std=0.01";
  s.bias = "zeros";
  s.overrides = {"fc2.*=zeros"};
  s.generator = initlab::GeneratorKind::torch;
  s.seed = 41;
  s.train.seed = 41;
  s.monitor_every = 7;
  EXPECT_THROW(run_spec_json(s, Task::classification), std::logic_error);  // never a silent default init
  parse_run_spec(s);
  const auto j = run_spec_json(s, Task::classification);
  const RunSpec back = run_spec_from_json(j);
  EXPECT_EQ(run_spec_json(back, Task::classification), j);
  EXPECT_EQ(back.train.seed, 41u);
  EXPECT_EQ(j.at("init_canonical"), "normal:mean=0,std=0.01");
  // The experiment's identity leaves out init, seed and monitor.
  RunSpec other = s;
  other.init = "zeros";
  other.seed = 2;
  other.monitor_every = 0;
  EXPECT_EQ(experiment_key(experiment_config_json(s, Task::classification)), experiment_key(experiment_config_json(other, Task::classification)));
  other.train.lr = 1e-3;
  EXPECT_NE(experiment_key(experiment_config_json(s, Task::classification)), experiment_key(experiment_config_json(other, Task::classification)));
  EXPECT_THROW(run_spec_from_json(nlohmann::json{{"model", 3}}), initlab::Error);
}

TEST(RunResult, JsonRoundTripWithMonitorRowsAndNaN) {
  RunResult r;
  r.status = RunStatus::diverged;
  r.diverged_epoch = 2;
  EpochMetrics m;
  m.epoch = 1;
  m.train_loss = 0.5;
  m.train_acc = 0.75;
  m.val_acc = 0.7;
  m.val_loss = 0.6;
  m.seconds = 1.5;
  m.grad_norm = 2.25;
  r.epochs = {m};
  MonitorRecord mon;
  mon.snapshots.push_back({4, 1, "fc1", 0.1, 0.2, 0.3, 0.4, 0.5, 0.0, std::nan(""), 0.7, 0.8, 0.9});
  mon.histograms.push_back({"fc1", "init", -1, 1, {1, 2, 3}});
  mon.warnings.push_back({4, 1, "fc1", "dead_units", "fc1: dead"});
  mon.recurrent.push_back({8, 2, "recurrent.lstm", "f", 0.95, 1.5, 0.01, std::nan(""), 3.5});  // from a worker too
  r.monitor = mon;
  const RunResult back = run_result_from_json(nlohmann::json::parse(run_result_json(r).dump()));
  EXPECT_EQ(back.status, RunStatus::diverged);
  EXPECT_EQ(back.diverged_epoch, 2);
  ASSERT_EQ(back.epochs.size(), 1u);
  EXPECT_EQ(back.epochs[0].val_acc, 0.7);
  EXPECT_FALSE(back.epochs[0].test_acc.has_value());
  EXPECT_EQ(back.epochs[0].grad_norm, 2.25);
  ASSERT_TRUE(back.monitor.has_value());
  EXPECT_TRUE(std::isnan(back.monitor->snapshots[0].saturated));
  EXPECT_EQ(back.monitor->snapshots[0].update_ratio, 0.9);
  EXPECT_EQ(back.monitor->histograms[0].counts, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(back.monitor->warnings[0].message, "fc1: dead");
  ASSERT_EQ(back.monitor->recurrent.size(), 1u);
  const RecurrentSnapshot& rs = back.monitor->recurrent[0];
  EXPECT_EQ(rs.step, 8);
  EXPECT_EQ(rs.gate, "f");
  EXPECT_EQ(rs.min_singular, 0.01);
  EXPECT_TRUE(std::isnan(rs.grad_ratio));
  EXPECT_EQ(rs.hidden_ratio, 3.5);
}

TEST(Summary, PairsBySeedWhereRunsShareSeedsAndCorrectsForMany) {
  // Three inits, four seeds; c is missing seeds 2 and 3, so b vs c is paired on 2 seeds and a
  // constant per-seed offset (b = a - 0.01 exactly) is significant only when paired.
  auto run = [](const std::string& init, std::uint64_t seed, double acc) {
    RunRecord r;
    r.init = init;
    r.seed = seed;
    r.status = RunStatus::done;
    EpochMetrics m;
    m.epoch = 1;
    m.test_acc = acc;
    m.test_loss = 1 - acc;
    r.epochs = {m};
    return r;
  };
  std::vector<RunRecord> runs;
  const double base[] = {0.80, 0.60, 0.90, 0.70};
  for (std::uint64_t k = 0; k < 4; ++k) {
    runs.push_back(run("a", k, base[k]));
    runs.push_back(run("b", k, base[k] - 0.01 - 0.001 * k));
  }
  runs.push_back(run("c", 0, 0.1));
  runs.push_back(run("c", 1, 0.12));
  const ExperimentSummary s = summarize_runs(runs, /*classification=*/true);
  ASSERT_EQ(s.ranked.size(), 3u);
  ASSERT_EQ(s.pairs.size(), 3u);
  const PairComparison& ab = s.pairs[0];
  EXPECT_EQ(ab.a, "a");
  EXPECT_EQ(ab.b, "b");
  EXPECT_EQ(ab.test, "paired");
  EXPECT_EQ(ab.n, 4);
  EXPECT_NEAR(ab.difference, 0.0115, 1e-12);
  EXPECT_LT(ab.p, 1e-3);  // Welch on the same numbers: p ~ 0.98
  EXPECT_FALSE(welch_t_test(s.ranked[0].final_metric, s.ranked[1].final_metric)->p < 0.5);
  // Holm: the smallest p times 3, ... ; every adjusted p >= its raw p
  std::vector<double> raw;
  for (const auto& p : s.pairs) raw.push_back(p.p);
  const auto adjusted = holm_adjust(raw);
  for (std::size_t i = 0; i < s.pairs.size(); ++i) {
    EXPECT_DOUBLE_EQ(s.pairs[i].p_holm, adjusted[i]);
    EXPECT_EQ(s.pairs[i].significant, adjusted[i] < 0.05);
  }
  EXPECT_EQ(s.pairs[1].test, "paired");  // a vs c: seeds 0 and 1
  EXPECT_EQ(s.pairs[1].n, 2);
  EXPECT_NE(s.headline.find("a ranks first"), std::string::npos) << s.headline;
}

TEST(RunOne, DoesNotDependOnTheProcessWideGenerator) {
  // Dropout, BatchNorm, shuffling, data and init: everything a run draws comes from generators it
  // owns, so whatever the process-wide generator holds (another run in the same process, a
  // library call) the run's numbers are the same.
  RunSpec spec;
  spec.model = "mlp:2-32-32-3";
  spec.model_options.dropout = 0.3;
  spec.model_options.batchnorm = true;
  spec.data = "synthetic:blobs,n=600";
  spec.data_options.seed = 4;
  spec.train.epochs = 2;
  spec.train.batch = 32;
  spec.init = "he_normal";
  spec.seed = 9;
  spec.train.seed = 9;
  parse_run_spec(spec);
  const DataSplits data = load_data(spec.data, spec.data_options);
  torch::manual_seed(1);
  const RunResult a = run_one(spec, data, nullptr, {});
  torch::manual_seed(12345);
  (void)torch::randn({1000});
  const RunResult b = run_one(spec, data, nullptr, {});
  ASSERT_EQ(a.epochs.size(), 2u);
  ASSERT_EQ(b.epochs.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(a.epochs[k].train_loss, b.epochs[k].train_loss);
    EXPECT_EQ(a.epochs[k].test_acc, b.epochs[k].test_acc);
  }
  // and the data itself
  torch::manual_seed(77);
  const DataSplits again = load_data(spec.data, spec.data_options);
  EXPECT_TRUE(torch::equal(again.train.x, data.train.x));
  // a different seed does change the run (the test can fail)
  spec.seed = spec.train.seed = 10;
  const RunResult c = run_one(spec, data, nullptr, {});
  EXPECT_NE(a.epochs[1].train_loss, c.epochs[1].train_loss);
}

TEST(Store, NotADatabaseIsAClearError) {
  const std::string path = temp_db("garbage.db");
  std::ofstream(path) << "this is not sqlite at all, just text that is long enough to look like a header............";
  try {
    ResultStore store(path);
    FAIL();
  } catch (const initlab::Error& e) {
    EXPECT_NE(std::string(e.what()).find("is not an initlab results database"), std::string::npos) << e.what();
  }
}

}  // namespace

namespace {

TEST(Experiment, LstmOnTextTrains) {
  const fs::path d = fs::temp_directory_path() / ("initlab-text-" + std::to_string(::getpid()));
  for (const char* label : {"pos", "neg"}) {
    fs::create_directories(d / label);
    for (int i = 0; i < 60; ++i)
      std::ofstream(d / label / (std::to_string(i) + ".txt"))
          << "movie number " << i << (std::string(label) == "pos" ? " was good and fun" : " was bad and boring");
  }
  ExperimentConfig c;
  c.model = "rnn:gru-16-16";
  c.data = "text:" + d.string() + ",vocab=200,len=10";
  c.train.optimizer = Optimizer::adam;
  c.train.lr = 0.02;
  c.train.batch = 16;
  c.train.epochs = 6;
  c.inits = {"orthogonal"};
  c.db = temp_db("text.db");
  const auto s = run_experiment(c, nullptr);
  EXPECT_EQ(s.ranked[0].finished, 1);
  EXPECT_GT(s.ranked[0].mean, 0.9);
}

}  // namespace

namespace {

TEST(Models, EveryKindBuildsAndRunsForward) {
  DataSplits images;
  images.name = "images";
  images.num_classes = 10;
  images.sample_shape = {1, 28, 28};
  const auto x = torch::randn({3, 1, 28, 28});
  for (const char* spec : {"mlp:784-128-10", "mlp:784-100x3-10", "resmlp:784-64x3-10", "cnn", "rescnn:8x2"}) {
    auto net = build_model(spec, images, {});
    EXPECT_EQ(net->forward(x).sizes(), (std::vector<std::int64_t>{3, 10})) << spec;
  }
  auto bn = build_model("mlp:784-32-10", images, {"tanh", true, 0.5});
  EXPECT_TRUE(bn->named_parameters().contains("bn1.weight"));
  const auto names = build_model("rescnn:8x2", images, {})->named_parameters().keys();
  EXPECT_NE(std::find(names.begin(), names.end(), "block2.conv2.weight"), names.end());
  EXPECT_THROW(build_model("mlp:100-10", images, {}), initlab::Error);
  EXPECT_THROW(build_model("rescnn:8", images, {}), initlab::Error);
  EXPECT_THROW(build_model("rnn:lstm-8-8", images, {}), initlab::Error);
  EXPECT_THROW(build_model("mlp:784-10", images, {"swish", false, 0}), initlab::Error);
}

}  // namespace

namespace {

// The hand-written MLP step against autograd + torch::optim::SGD from the same initial weights:
// the same losses per epoch and the same final parameters, for every activation it handles and
// the SGD variants (plain, momentum, Nesterov with weight decay).
TEST(FusedMlp, AgreesWithAutogradAndTorchSgd) {
  DataOptions options;
  options.val_fraction = 0.2;
  const DataSplits data = load_data("synthetic:blobs,n=900", options);
  struct Case {
    const char* activation;
    double momentum, weight_decay;
    bool nesterov;
  };
  for (const Case c : {Case{"relu", 0, 0, false}, Case{"tanh", 0.9, 1e-3, true}, Case{"sigmoid", 0.5, 0, false},
                       Case{"linear", 0.9, 0, false}}) {
    TrainConfig config;
    config.lr = 0.05;
    config.batch = 50;  // 720 training rows: the last batch of each epoch is short
    config.epochs = 3;
    config.momentum = c.momentum;
    config.weight_decay = c.weight_decay;
    config.nesterov = c.nesterov;
    std::vector<RunOutcome> outcomes;
    std::vector<torch::nn::Sequential> nets;
    torch::Tensor initial;
    for (const bool fused : {true, false}) {
      auto net = build_model("mlp:2-16-16-3", data, {c.activation, false, 0.0});
      initlab::libtorch::apply_plan(*net, initlab::libtorch::make_plan("he_normal", "normal:std=0.1", {}, initlab::GeneratorKind::philox, 3));
      config.fused = fused;
      if (fused) EXPECT_NE(FusedMlp::make(net, config, Loss::ce), nullptr) << c.activation;
      initial = net->parameters()[0].clone();
      outcomes.push_back(train_model(net, data, config, nullptr, nullptr));
      nets.push_back(net);
    }
    ASSERT_EQ(outcomes[0].epochs.size(), 3u);
    for (std::size_t e = 0; e < 3; ++e) {
      EXPECT_NEAR(outcomes[0].epochs[e].train_loss, outcomes[1].epochs[e].train_loss, 1e-5) << c.activation << " epoch " << e;
      EXPECT_NEAR(*outcomes[0].epochs[e].val_loss, *outcomes[1].epochs[e].val_loss, 1e-5) << c.activation;
      EXPECT_NEAR(outcomes[0].epochs[e].grad_norm, outcomes[1].epochs[e].grad_norm, 1e-4 * outcomes[1].epochs[e].grad_norm);
      EXPECT_EQ(outcomes[0].epochs[e].train_acc, outcomes[1].epochs[e].train_acc) << c.activation;
    }
    const auto a = nets[0]->parameters(), b = nets[1]->parameters();
    for (std::size_t i = 0; i < a.size(); ++i)
      EXPECT_LT((a[i] - b[i]).abs().max().item<double>(), 1e-4) << c.activation << " parameter " << i;
    EXPECT_GT((a[0] - initial).abs().max().item<double>(), 1e-2) << "training moved the weights";
  }
}

TEST(FusedMlp, OnlyForWhatItComputes) {
  DataSplits d;
  d.name = "d";
  d.num_classes = 3;
  d.sample_shape = {2};
  TrainConfig sgd;
  auto plain = build_model("mlp:2-8-3", d, {});
  EXPECT_NE(FusedMlp::make(plain, sgd, Loss::ce), nullptr);
  EXPECT_EQ(FusedMlp::make(plain, sgd, Loss::mse), nullptr);
  TrainConfig adam;
  adam.optimizer = Optimizer::adam;
  EXPECT_EQ(FusedMlp::make(plain, adam, Loss::ce), nullptr);
  for (const ModelOptions o : {ModelOptions{"relu", true, 0.0}, ModelOptions{"relu", false, 0.5}, ModelOptions{"gelu", false, 0.0}}) {
    auto net = build_model("mlp:2-8-3", d, o);
    EXPECT_EQ(FusedMlp::make(net, sgd, Loss::ce), nullptr) << o.activation;
  }
  auto res = build_model("resmlp:2-8x2-3", d, {});
  EXPECT_EQ(FusedMlp::make(res, sgd, Loss::ce), nullptr);
}

}  // namespace
