// Training, statistics, the results store and experiments on small synthetic data.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <torch/torch.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "experiments/experiment.hpp"
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
  c.train.optimizer = "sgd";
  c.train.lr = 0.1;
  c.train.batch = 32;
  c.train.epochs = 4;
  c.inits = {"zeros", "he_normal"};
  c.seeds = 2;
  c.db = db;
  c.quiet = true;
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
  ASSERT_TRUE(s.pairs[0].test.has_value());
  EXPECT_LT(s.pairs[0].test->p, 0.05);
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
  c.quiet = true;
  const auto s = run_experiment(c, nullptr);
  EXPECT_EQ(s.ranked[0].diverged, 1);
  EXPECT_EQ(s.ranked[0].finished, 0);
}

TEST(Experiment, InterruptMarksTheRunAndKeepsTheDatabaseConsistent) {
  auto c = blobs_config(temp_db("stop.db"));
  std::atomic<bool> stop{true};
  const auto s = run_experiment(c, &stop);
  EXPECT_TRUE(s.interrupted);
  ResultStore store(c.db);
  const auto runs = store.runs(s.experiment_id);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, "interrupted");
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
        const auto run_id = store.start_run(run);
        EpochMetrics m;
        m.epoch = 1;
        store.add_epoch(run_id, m);
        store.finish_run(run_id, "done", 0);
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
  c.train.optimizer = "adam";
  c.train.lr = 0.02;
  c.train.batch = 16;
  c.train.epochs = 6;
  c.inits = {"orthogonal"};
  c.db = temp_db("text.db");
  c.quiet = true;
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
      if (fused) EXPECT_NE(FusedMlp::make(net, config, "ce"), nullptr) << c.activation;
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
  EXPECT_NE(FusedMlp::make(plain, sgd, "ce"), nullptr);
  EXPECT_EQ(FusedMlp::make(plain, sgd, "mse"), nullptr);
  TrainConfig adam;
  adam.optimizer = "adam";
  EXPECT_EQ(FusedMlp::make(plain, adam, "ce"), nullptr);
  for (const ModelOptions o : {ModelOptions{"relu", true, 0.0}, ModelOptions{"relu", false, 0.5}, ModelOptions{"gelu", false, 0.0}}) {
    auto net = build_model("mlp:2-8-3", d, o);
    EXPECT_EQ(FusedMlp::make(net, sgd, "ce"), nullptr) << o.activation;
  }
  auto res = build_model("resmlp:2-8x2-3", d, {});
  EXPECT_EQ(FusedMlp::make(res, sgd, "ce"), nullptr);
}

}  // namespace
